/** Cancelling a call with an AbortSignal (`CallOptions.signal`). */
import { WardenError } from '../errors.js';

/** The error of a call whose signal fired. */
export function cancelled(plugin: string): WardenError {
  return new WardenError('CANCELLED', `the call to plugin ${plugin} was cancelled`, { data: { plugin } });
}
