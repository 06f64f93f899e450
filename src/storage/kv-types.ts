/**
 * The per-plugin key-value store of the `storage: kv` capability. Keys are arbitrary UTF-8
 * strings, compared byte for byte; one plugin never sees another's keys whatever they contain.
 */

/** Per-plugin KV caps, checked inside the write transaction. */
export interface KvQuota {
  /** Sum of key and value bytes over all of the plugin's keys. @default 16 MiB */
  maxTotalBytes: number;
  /** Number of keys. @default 10,000 */
  maxKeys: number;
  /** Bytes of one value. @default 1 MiB */
  maxValueBytes: number;
  /** Bytes of one key in UTF-8. @default 1,024 */
  maxKeyBytes: number;
}

/** What a plugin currently holds. */
export interface KvUsage {
  /** Number of keys. */
  keys: number;
  /** Sum of key and value bytes (the quantity `maxTotalBytes` caps). */
  bytes: number;
}

/** Options of {@link KvStore.list}. */
export interface KvListOptions {
  /** Keys per page, at most 1,000. @default 100 */
  limit?: number;
  /** The `cursor` of the previous page; omit for the first page. */
  cursor?: string;
}

/** One page of keys in byte order. */
export interface KvListPage {
  /** Keys starting with the prefix, in UTF-8 byte order. */
  keys: string[];
  /** Pass to the next `list` call; absent on the last page. */
  cursor?: string;
}

/** The key-value store; every method is scoped to one plugin id. */
export interface KvStore {
  /** The value stored under `key`, or `undefined`. */
  get(plugin: string, key: string): Promise<Uint8Array | undefined>;
  /** Stores a copy of `value`; rejects with `LIMIT_EXCEEDED` (with `data.limit`) over a quota. */
  set(plugin: string, key: string, value: Uint8Array): Promise<void>;
  /** Removes `key`; true when it existed. */
  delete(plugin: string, key: string): Promise<boolean>;
  /** Keys of `plugin` starting with `prefix` (taken literally: no wildcards), paged. */
  list(plugin: string, prefix: string, options?: KvListOptions): Promise<KvListPage>;
  /** Keys and bytes the plugin holds. */
  usage(plugin: string): Promise<KvUsage>;
  /** Removes every key of the plugin; returns how many. */
  clear(plugin: string): Promise<number>;
  /** The plugin's effective quota (its override over the store's defaults). */
  quota(plugin: string): Promise<KvQuota>;
  /**
   * Overrides some of the plugin's caps; `null` returns to the defaults. Lowering a cap never
   * deletes data: writes that do not grow past it still succeed.
   */
  setQuota(plugin: string, quota: Partial<KvQuota> | null): Promise<void>;
}
