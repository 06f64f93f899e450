/**
 * The KV store on SQLite. Keys are stored as UTF-8 BLOBs in `(plugin, key)` order: every query
 * pins `plugin = ?` and a prefix becomes a byte range, so no key or prefix can reach another
 * plugin's rows. Quotas are checked in the same transaction as the write.
 */
import type Database from 'better-sqlite3';
import type { Sync } from '../driver.js';
import type { KvListPage, KvQuota, KvStore, KvUsage } from '../kv-types.js';
import { checkLimit, mergeQuota, pageSize } from '../limits.js';
import { bytesArg, invalid, pluginArg, prefixUpperBound, utf8Arg } from '../validate.js';

interface QuotaRow {
  max_total_bytes: number | null;
  max_keys: number | null;
  max_value_bytes: number | null;
  max_key_bytes: number | null;
}

/** The synchronous KV implementation over `db`, with `defaults` as every plugin's base quota. */
export function createSqliteKv(db: Database.Database, defaults: KvQuota): Sync<KvStore> {
  const q = {
    get: db.prepare('SELECT value FROM kv WHERE plugin = ? AND key = ?').pluck(),
    size: db.prepare('SELECT length(value) FROM kv WHERE plugin = ? AND key = ?').pluck(),
    upsert: db.prepare(`INSERT INTO kv (plugin, key, value, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (plugin, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    delete: db.prepare('DELETE FROM kv WHERE plugin = ? AND key = ?'),
    clear: db.prepare('DELETE FROM kv WHERE plugin = ?'),
    dropUsage: db.prepare('DELETE FROM kv_usage WHERE plugin = ?'),
    usage: db.prepare('SELECT keys, bytes FROM kv_usage WHERE plugin = ?'),
    quota: db.prepare('SELECT max_total_bytes, max_keys, max_value_bytes, max_key_bytes FROM kv_quota WHERE plugin = ?'),
    setQuota: db.prepare(`INSERT OR REPLACE INTO kv_quota (plugin, max_total_bytes, max_keys, max_value_bytes, max_key_bytes)
      VALUES (?, ?, ?, ?, ?)`),
    dropQuota: db.prepare('DELETE FROM kv_quota WHERE plugin = ?'),
    rangeOpen: db.prepare('SELECT key FROM kv WHERE plugin = ? AND key >= ? AND key > ? ORDER BY key LIMIT ?').pluck(),
    rangeBounded: db.prepare('SELECT key FROM kv WHERE plugin = ? AND key >= ? AND key > ? AND key < ? ORDER BY key LIMIT ?').pluck(),
  };

  const usage = (plugin: string): KvUsage => {
    const row = q.usage.get(plugin) as KvUsage | undefined;
    return row ? { keys: row.keys, bytes: row.bytes } : { keys: 0, bytes: 0 };
  };
  const quota = (plugin: string): KvQuota => {
    const row = q.quota.get(plugin) as QuotaRow | undefined;
    if (!row) return { ...defaults };
    return mergeQuota(defaults, {
      maxTotalBytes: row.max_total_bytes ?? undefined,
      maxKeys: row.max_keys ?? undefined,
      maxValueBytes: row.max_value_bytes ?? undefined,
      maxKeyBytes: row.max_key_bytes ?? undefined,
    }, 'quota');
  };
  const keyBytes = (plugin: string, key: unknown, limit: number): Buffer => {
    const bytes = utf8Arg(key, 'key', Number.MAX_SAFE_INTEGER);
    checkLimit('maxKeyBytes', bytes.length, limit, `kv key of plugin ${JSON.stringify(plugin)}`);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  };

  const write = db.transaction((plugin: string, key: Buffer, value: Uint8Array, limits: KvQuota) => {
    const old = q.size.get(plugin, key) as number | undefined;
    const now = usage(plugin);
    const keys = now.keys + (old === undefined ? 1 : 0);
    const bytes = now.bytes + value.length + (old === undefined ? key.length : -old);
    const what = `kv of plugin ${JSON.stringify(plugin)}`;
    // A write that does not grow past a (possibly lowered) cap is always allowed.
    if (keys > now.keys) checkLimit('maxKeys', keys, limits.maxKeys, what);
    if (bytes > now.bytes) checkLimit('maxTotalBytes', bytes, limits.maxTotalBytes, what);
    q.upsert.run(plugin, key, value, Date.now());
  });

  return {
    get(plugin, key) {
      const value = q.get.get(pluginArg(plugin), keyBytes(plugin, key, Number.MAX_SAFE_INTEGER)) as Buffer | undefined;
      return value === undefined ? undefined : new Uint8Array(value.buffer, value.byteOffset, value.length);
    },
    set(plugin, key, value) {
      pluginArg(plugin);
      bytesArg(value, 'value');
      // Read the quota inside the write lock so a concurrent setQuota cannot be skipped.
      db.transaction(() => {
        const limits = quota(plugin);
        const k = keyBytes(plugin, key, limits.maxKeyBytes);
        checkLimit('maxValueBytes', value.length, limits.maxValueBytes, `kv value of plugin ${JSON.stringify(plugin)}`);
        write(plugin, k, value, limits);
      }).immediate();
    },
    delete(plugin, key) {
      return q.delete.run(pluginArg(plugin), keyBytes(plugin, key, Number.MAX_SAFE_INTEGER)).changes > 0;
    },
    list(plugin, prefix, options = {}) {
      pluginArg(plugin);
      if (typeof prefix !== 'string' || !prefix.isWellFormed()) throw invalid('prefix must be a well-formed string', 'prefix');
      const limit = pageSize(options.limit, 100, 1000, 'options.limit');
      const low = Buffer.from(prefix, 'utf8');
      // Keys are never empty, so `key > X''` holds for every key on the first page.
      let after = Buffer.alloc(0);
      if (options.cursor !== undefined) {
        if (typeof options.cursor !== 'string') throw invalid('options.cursor must be a string', 'options.cursor');
        after = Buffer.from(options.cursor, 'base64url');
      }
      const high = prefixUpperBound(low);
      const rows = (high
        ? q.rangeBounded.all(plugin, low, after, Buffer.from(high), limit + 1)
        : q.rangeOpen.all(plugin, low, after, limit + 1)) as Buffer[];
      const page = rows.slice(0, limit);
      const out: KvListPage = { keys: page.map((k) => k.toString('utf8')) };
      if (rows.length > limit) out.cursor = page[page.length - 1]!.toString('base64url');
      return out;
    },
    usage: (plugin) => usage(pluginArg(plugin)),
    clear(plugin) {
      pluginArg(plugin);
      return db.transaction(() => {
        const n = q.clear.run(plugin).changes;
        q.dropUsage.run(plugin);
        return n;
      }).immediate();
    },
    quota: (plugin) => quota(pluginArg(plugin)),
    setQuota(plugin, override) {
      pluginArg(plugin);
      if (override === null) { q.dropQuota.run(plugin); return; }
      const m = mergeQuota(defaults, override, 'quota');
      const pick = (k: keyof KvQuota) => (override[k] === undefined ? null : m[k]);
      q.setQuota.run(plugin, pick('maxTotalBytes'), pick('maxKeys'), pick('maxValueBytes'), pick('maxKeyBytes'));
    },
  };
}
