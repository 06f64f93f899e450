// The plugin's persistent key-value store (capability `storage: kv`). Keys are the plugin's
// own: no other plugin reads or lists them. Without the grant every call fails the plugin call
// with PERMISSION_DENIED; over a quota, with LIMIT_EXCEEDED.
import * as host from "./host";
import { allocBytes, allocString, bytesOf, release, takeBytes, utf8 } from "./memory";
import { takeJson } from "./result";

/** The value of `key`, or null when it is unset (or set to an empty value). */
export function kvGet(key: string): Uint8Array | null {
  const k = allocString(key);
  const value = takeBytes(host.warden_kv_get(k));
  release(k);
  return value;
}

export function kvGetString(key: string): string | null {
  const value = kvGet(key);
  return value == null ? null : utf8(value);
}

/** Stores a copy of `value` under `key`. */
export function kvSet(key: string, value: Uint8Array): void {
  const k = allocString(key);
  const v = allocBytes(value);
  host.warden_kv_set(k, v);
  release(v);
  release(k);
}

export function kvSetString(key: string, value: string): void {
  kvSet(key, bytesOf(value));
}

/** Removes `key` if it is set. */
export function kvDelete(key: string): void {
  const k = allocString(key);
  host.warden_kv_delete(k);
  release(k);
}

/** The plugin's keys that start with `prefix` (all keys when empty), in UTF-8 byte order. */
export function kvList(prefix: string = ""): string[] {
  const p = allocString(prefix);
  const list = takeJson(host.warden_kv_list(p));
  release(p);
  const keys: string[] = [];
  if (list == null) return keys;
  for (let k = 0; k < list.length; k++) keys.push(list.at(k)!.asString());
  return keys;
}
