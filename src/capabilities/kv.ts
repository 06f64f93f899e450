/**
 * The `storage: kv` capability: host functions over the state store's per-plugin key-value data.
 * Every call goes through the plugin's gate first; the plugin id the data is scoped to comes from
 * the gate, never from the guest, so no key can reach another plugin's rows.
 */
import { WardenError } from '../errors.js';
import type { HostCallContext, HostFunction } from '../runtime/host-call-context.js';
import type { KvStore } from '../storage/driver.js';
import type { Gate } from './gate.js';
import { safeStoreError, tryGuestText } from './guest-values.js';

/** Options of {@link kvFunctions}. */
export interface KvFunctionsOptions {
  /** The plugin's gate; its `plugin` id scopes every key. */
  gate: Gate;
  /** The state store's KV part. */
  kv: KvStore;
}

/** Names of the KV host functions in `extism:host/user`. */
export const KV_FUNCTIONS = ['warden_kv_get', 'warden_kv_set', 'warden_kv_delete', 'warden_kv_list'] as const;

/** Longest key shown in an audit record (keys are plugin data, not secrets). */
const SHOWN_KEY = 128;

/** Keys per store page while collecting a list. */
const PAGE = 1000;

/**
 * The KV host functions. Handles are kernel blocks holding UTF-8; results are kernel handles,
 * `0` for "no value".
 *
 * - `warden_kv_get(key: i64) -> i64` — the value, or 0 when the key is unset.
 * - `warden_kv_set(key: i64, value: i64)` — stores a copy (0 stores an empty value); over a quota
 *   → `LIMIT_EXCEEDED`.
 * - `warden_kv_delete(key: i64)` — removes the key if it exists.
 * - `warden_kv_list(prefix: i64) -> i64` — a JSON array of the plugin's keys starting with the
 *   prefix (taken literally; 0 lists all), in UTF-8 byte order.
 *
 * Without the capability every call is audited and rejects with `PERMISSION_DENIED`.
 */
export function kvFunctions({ gate, kv }: KvFunctionsOptions): Record<(typeof KV_FUNCTIONS)[number], HostFunction> {
  const plugin = gate.plugin;

  /** Passes the gate, then returns the key (or prefix) the guest passed. */
  const enter = async (ctx: HostCallContext, op: string, handle: unknown, optional = false): Promise<string> => {
    const text = optional && (handle === 0n || handle === 0) ? '' : tryGuestText(ctx, handle);
    await gate.require('storage', `kv ${op} ${text === null ? '(invalid handle)' : JSON.stringify(text.slice(0, SHOWN_KEY))}`);
    if (text === null) throw new WardenError('INVALID_MEMORY_ACCESS', `warden_kv_${op}: the key is not an allocated block`);
    return text;
  };

  return {
    async warden_kv_get(ctx, keyHandle) {
      const key = await enter(ctx, 'get', keyHandle);
      const value = await safeStoreError(() => kv.get(plugin, key));
      return value === undefined ? 0n : ctx.store(value);
    },
    async warden_kv_set(ctx, keyHandle, valueHandle) {
      const key = await enter(ctx, 'set', keyHandle);
      const value = valueHandle === 0n ? new Uint8Array(0) : ctx.read(valueHandle as bigint);
      if (value === null) throw new WardenError('INVALID_MEMORY_ACCESS', 'warden_kv_set: the value is not an allocated block');
      await safeStoreError(() => kv.set(plugin, key, value));
    },
    async warden_kv_delete(ctx, keyHandle) {
      const key = await enter(ctx, 'delete', keyHandle);
      await safeStoreError(() => kv.delete(plugin, key));
    },
    async warden_kv_list(ctx, prefixHandle) {
      const prefix = await enter(ctx, 'list', prefixHandle, true);
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await safeStoreError(() => kv.list(plugin, prefix, cursor === undefined ? { limit: PAGE } : { limit: PAGE, cursor }));
        keys.push(...page.keys);
        cursor = page.cursor;
      } while (cursor !== undefined);
      return ctx.store(JSON.stringify(keys));
    },
  };
}
