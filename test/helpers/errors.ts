/**
 * Assertions on Warden's typed errors: tests branch on `code`, never on message text alone.
 */
import assert from 'node:assert/strict';
import { WardenError, type ErrorCode } from '../../src/index.js';

/** Awaits `p`, which must reject with a WardenError whose code is `code` (or one of `code`). */
export async function rejectsWithCode(
  p: Promise<unknown>,
  code: ErrorCode | readonly ErrorCode[],
  mentions?: string | RegExp,
): Promise<WardenError> {
  const codes: readonly ErrorCode[] = typeof code === 'string' ? [code] : code;
  let value: unknown;
  try {
    value = await p;
  } catch (e) {
    assert.ok(e instanceof WardenError, `expected a WardenError (${codes.join(' or ')}), got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.ok(codes.includes(e.code), `expected code ${codes.join(' or ')}, got ${e.code}: ${e.message}`);
    if (typeof mentions === 'string') assert.ok(e.message.includes(mentions), `expected the message to mention ${JSON.stringify(mentions)}: ${e.message}`);
    else if (mentions) assert.match(e.message, mentions);
    return e;
  }
  const shown = value instanceof Object && 'bytes' in value ? `output ${JSON.stringify(new TextDecoder().decode((value as { bytes: Uint8Array }).bytes).slice(0, 80))}` : String(value);
  assert.fail(`expected a rejection with ${codes.join(' or ')}, but the call resolved (${shown})`);
}

/** Same as {@link rejectsWithCode} for a function that throws synchronously or rejects. */
export async function throwsWithCode(fn: () => unknown, code: ErrorCode | readonly ErrorCode[], mentions?: string | RegExp): Promise<WardenError> {
  return rejectsWithCode((async () => fn())(), code, mentions);
}
