/**
 * The bytes a plugin returned, with helpers to read them as text or JSON.
 */
import { WardenError } from '../errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export class PluginOutput {
  constructor(
    /** The raw output bytes. */
    readonly bytes: Uint8Array,
  ) {}

  /** Output length in bytes. */
  get length(): number {
    return this.bytes.length;
  }

  /** The output as UTF-8 text; throws PLUGIN_ERROR when it is not valid UTF-8. */
  text(): string {
    try {
      return decoder.decode(this.bytes);
    } catch {
      throw new WardenError('PLUGIN_ERROR', 'plugin output is not valid UTF-8; read it with .bytes instead');
    }
  }

  /** The output parsed as JSON; throws PLUGIN_ERROR when it is not JSON. */
  json<T = unknown>(): T {
    const text = this.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new WardenError('PLUGIN_ERROR', `plugin output is not valid JSON: ${text.slice(0, 80)}`);
    }
  }
}
