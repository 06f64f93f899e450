// Vars: bytes an instance keeps between calls, in memory only. An instance can be replaced at
// any time (a deadline, a trap, a reload), so vars are a cache; use kv for what must last.
import * as env from "./env";
import { allocBytes, allocString, bytesOf, release, takeBytes, utf8 } from "./memory";

/** Var `key`, or null when unset. */
export function varGet(key: string): Uint8Array | null {
  const k = allocString(key);
  const value = takeBytes(env.var_get(k));
  release(k);
  return value;
}

/** Var `key` as UTF-8 text, or null when unset. */
export function varGetString(key: string): string | null {
  const value = varGet(key);
  return value == null ? null : utf8(value);
}

/** Sets var `key` (an empty value deletes it). */
export function varSet(key: string, value: Uint8Array): void {
  const k = allocString(key);
  const v = allocBytes(value);
  env.var_set(k, v);
  release(v);
  release(k);
}

export function varSetString(key: string, value: string): void {
  varSet(key, bytesOf(value));
}

export function varDelete(key: string): void {
  const k = allocString(key);
  env.var_set(k, 0);
  release(k);
}
