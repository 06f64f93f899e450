/**
 * The `context` capability (baseline): a plugin reads the context its caller passed with the call
 * (`CallOptions.context`: session id, user identity, agent config…). The host copied and froze
 * it before the call; the plugin receives a JSON copy, so nothing it does can change it.
 */
import { WardenError } from '../errors.js';
import type { HostFunction } from '../runtime/host-call-context.js';
import type { Gate } from './gate.js';

/** Options of {@link contextFunctions}. */
export interface ContextFunctionsOptions {
  /** The plugin's gate. */
  gate: Gate;
}

/** Names of the context host functions in `extism:host/user`. */
export const CONTEXT_FUNCTIONS = ['warden_context_get'] as const;

/**
 * The context host functions.
 *
 * - `warden_context_get() -> i64` — the call's context as JSON; `null` when the caller passed none.
 *
 * `context` is baseline, so the gate allows it unless the security level removed it; a denial
 * rejects with `PERMISSION_DENIED` and is audited. There is no way to write the context.
 */
export function contextFunctions({ gate }: ContextFunctionsOptions): Record<(typeof CONTEXT_FUNCTIONS)[number], HostFunction> {
  return {
    async warden_context_get(ctx) {
      await gate.require('context', 'context get');
      return ctx.store(contextJson(ctx.call.context));
    },
  };
}

/** The context as JSON text: `null` for none (or a value JSON cannot carry, such as a function). */
function contextJson(context: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(context ?? null);
  } catch (e) {
    // structuredClone accepts values JSON rejects (BigInt, cycles): the caller's context is at fault.
    throw new WardenError('INVALID_ARGUMENT', `the call context cannot be passed as JSON (${(e as Error).message})`, { cause: e });
  }
  return json ?? 'null';
}
