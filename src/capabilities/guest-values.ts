/**
 * Reading what a guest passed and shaping what goes back. Guest values are untrusted bytes in
 * kernel memory; store errors can name files, which must not travel back towards a plugin
 * (THREATS.md §16), so they are replaced by a plain message with the same code.
 */
import { WardenError, isWardenError } from '../errors.js';
import type { HostCallContext } from '../runtime/host-call-context.js';

/**
 * The UTF-8 text of the kernel block at `handle`, or `null` when the handle is not an allocated
 * block. Invalid UTF-8 rejects with `PLUGIN_ERROR` (from the context).
 */
export function tryGuestText(ctx: HostCallContext, handle: unknown): string | null {
  if (typeof handle !== 'bigint' && typeof handle !== 'number') return null;
  if (handle === 0n || handle === 0) return null;
  return ctx.text(handle);
}

/** Like {@link tryGuestText}, but a missing block rejects with `INVALID_MEMORY_ACCESS`. */
export function guestText(ctx: HostCallContext, handle: unknown, fn: string): string {
  const text = tryGuestText(ctx, handle);
  if (text === null) throw new WardenError('INVALID_MEMORY_ACCESS', `${fn}: the argument is not an allocated block`);
  return text;
}

/** Store error codes whose messages are safe to pass on as they are (they name arguments, limits). */
const PASS_THROUGH = new Set(['LIMIT_EXCEEDED', 'INVALID_ARGUMENT', 'CLOSED']);

/**
 * Runs a state-store call on a plugin's behalf. `LIMIT_EXCEEDED` (with its `data.limit`, `max`,
 * `actual`), `INVALID_ARGUMENT` and `CLOSED` pass unchanged; any other failure becomes the same
 * code with a message and data that name no file, table or value.
 */
export async function safeStoreError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isWardenError(e) && PASS_THROUGH.has(e.code)) throw e;
    const code = isWardenError(e) ? e.code : 'STORAGE_ERROR';
    throw new WardenError(code, code === 'VAULT_LOCKED' ? 'the vault is locked' : 'the state store failed; the operator can find the cause in the host log', { cause: e });
  }
}
