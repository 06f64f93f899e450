/**
 * The storage-driver interface: everything Warden keeps between runs goes through a
 * {@link StateStore}. Methods return promises so a network driver (PostgreSQL) fits; the
 * embedded SQLite driver resolves them at once. Every driver passes `test/storage/conformance.ts`.
 */
import type { KvStore } from './kv-types.js';
import type { AuditStore, MemoryStore, VaultStore } from './record-types.js';
import type { ConfigStore, GrantStore, PluginRegistry } from './registry-types.js';
import type { SessionStore } from './session-types.js';

export type * from './kv-types.js';
export type * from './record-types.js';
export type * from './registry-types.js';
export type * from './session-types.js';

/**
 * One state store: the plugin registry, grants, config, KV data, the encrypted vault, the memory
 * store, the audit log and the web UI's sessions. Each method is atomic on its own;
 * {@link StateStore.transaction} groups several.
 */
export interface StateStore {
  /** Per-plugin key-value data with quotas. */
  readonly kv: KvStore;
  /** Operator secrets, encrypted at rest. */
  readonly vault: VaultStore;
  /** The append-only record of capability decisions. */
  readonly audit: AuditStore;
  /** The host's full-text searchable memory. */
  readonly memory: MemoryStore;
  /** Installed plugins. */
  readonly plugins: PluginRegistry;
  /** Capabilities the operator granted, per plugin. */
  readonly grants: GrantStore;
  /** Operator-set config values, per plugin. */
  readonly config: ConfigStore;
  /** The gateway's browser sessions, stored by hash. */
  readonly sessions: SessionStore;
  /**
   * Runs `fn` in one transaction: every change made through `tx` commits together, or none does
   * when `fn` throws. Use only `tx` inside `fn`; calls on the outer store wait for the
   * transaction to end, so a driver rejects them with `INVALID_ARGUMENT` instead of deadlocking.
   * Transactions nest (as savepoints) through `tx.transaction`.
   *
   * @example
   * ```ts
   * await store.transaction(async (tx) => {
   *   await tx.plugins.put(record);
   *   await tx.grants.set(record.id, ['storage:kv']);
   * });
   * ```
   */
  transaction<T>(fn: (tx: StateStore) => Promise<T> | T): Promise<T>;
  /** Closes the store; later calls reject with `CLOSED`. Idempotent. */
  close(): Promise<void>;
}

/**
 * Turns a promise-returning interface into its synchronous twin: how the SQLite driver's
 * concern modules are typed before the store wraps them.
 */
export type Sync<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};
