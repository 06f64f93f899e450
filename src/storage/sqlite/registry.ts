/**
 * The plugin registry, grants and config on SQLite. Grants and config reference the plugin row
 * (`ON DELETE CASCADE`), so removing a plugin takes them along in the same transaction.
 */
import type Database from 'better-sqlite3';
import { WardenError } from '../../errors.js';
import type { Sync } from '../driver.js';
import type { ConfigStore, GrantStore, ModuleHash, PluginRecord, PluginRegistry } from '../registry-types.js';
import { invalid, jsonArg, nameArg, pluginArg } from '../validate.js';

interface PluginRow {
  id: string;
  version: string;
  status: string;
  manifest: string;
  modules: string;
  location: string | null;
  enabled: number;
  installed_at: number;
  updated_at: number;
}

/** The synchronous registry, grant and config implementations over `db`. */
export function createSqliteRegistry(db: Database.Database): {
  plugins: Sync<PluginRegistry>;
  grants: Sync<GrantStore>;
  config: Sync<ConfigStore>;
} {
  const q = {
    get: db.prepare('SELECT * FROM plugins WHERE id = ?'),
    revision: db.prepare('SELECT value FROM registry_revision WHERE id = 1').pluck(),
    list: db.prepare('SELECT * FROM plugins ORDER BY id'),
    put: db.prepare(`INSERT INTO plugins (id, version, status, manifest, modules, enabled, location, installed_at, updated_at)
      VALUES (@id, @version, @status, @manifest, @modules, @enabled, @location, @now, @now)
      ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status, manifest = excluded.manifest,
        modules = excluded.modules, enabled = excluded.enabled, location = excluded.location, updated_at = excluded.updated_at`),
    update: db.prepare('UPDATE plugins SET status = ?, enabled = ?, updated_at = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM plugins WHERE id = ?'),
    dropKv: db.prepare('DELETE FROM kv WHERE plugin = ?'),
    dropKvMeta: db.prepare('DELETE FROM kv_usage WHERE plugin = ?'),
    dropQuota: db.prepare('DELETE FROM kv_quota WHERE plugin = ?'),
    grants: db.prepare('SELECT capability FROM grants WHERE plugin = ? ORDER BY capability').pluck(),
    grant: db.prepare('INSERT OR IGNORE INTO grants (plugin, capability, granted_at) VALUES (?, ?, ?)'),
    revoke: db.prepare('DELETE FROM grants WHERE plugin = ? AND capability = ?'),
    revokeAll: db.prepare('DELETE FROM grants WHERE plugin = ?'),
    configGet: db.prepare('SELECT value FROM config WHERE plugin = ? AND key = ?').pluck(),
    configAll: db.prepare('SELECT key, value FROM config WHERE plugin = ? ORDER BY key'),
    configSet: db.prepare('INSERT OR REPLACE INTO config (plugin, key, value) VALUES (?, ?, ?)'),
    configDelete: db.prepare('DELETE FROM config WHERE plugin = ? AND key = ?'),
  };

  const get = (id: string): PluginRecord | undefined => {
    const row = q.get.get(pluginArg(id)) as PluginRow | undefined;
    return row && toRecord(row);
  };
  const mustExist = (id: string): void => {
    if (!q.get.get(pluginArg(id))) throw new WardenError('NOT_FOUND', `plugin ${JSON.stringify(id)} is not registered`, { data: { plugin: id } });
  };
  const capabilities = (list: readonly string[]): string[] => {
    if (!Array.isArray(list)) throw invalid('capabilities must be an array of strings', 'capabilities');
    return list.map((c, i) => nameArg(c, `capabilities[${i}]`));
  };
  const addGrants = (plugin: string, list: readonly string[]): void => {
    const now = Date.now();
    for (const c of list) q.grant.run(plugin, c, now);
  };

  const plugins: Sync<PluginRegistry> = {
    get,
    revision: () => q.revision.get() as number,
    list: () => (q.list.all() as PluginRow[]).map(toRecord),
    put(record) {
      pluginArg(record?.id);
      for (const f of ['version', 'status'] as const) if (typeof record[f] !== 'string') throw invalid(`record.${f} must be a string`, `record.${f}`);
      if (typeof record.enabled !== 'boolean') throw invalid('record.enabled must be a boolean', 'record.enabled');
      const modules = modulesArg(record.modules);
      const location = locationArg(record.location ?? record.id);
      return db.transaction(() => {
        q.put.run({ id: record.id, version: record.version, status: record.status, manifest: jsonArg(record.manifest, 'record.manifest'),
          modules: JSON.stringify(modules), enabled: record.enabled ? 1 : 0, location, now: Date.now() });
        return get(record.id)!;
      }).immediate();
    },
    update(id, change) {
      return db.transaction(() => {
        const old = get(id);
        if (!old) throw new WardenError('NOT_FOUND', `plugin ${JSON.stringify(id)} is not registered`, { data: { plugin: id } });
        const status = change.status ?? old.status;
        const enabled = change.enabled ?? old.enabled;
        if (typeof status !== 'string' || typeof enabled !== 'boolean') throw invalid('status must be a string and enabled a boolean', 'change');
        q.update.run(status, enabled ? 1 : 0, Date.now(), id);
        return get(id)!;
      }).immediate();
    },
    remove(id, options = {}) {
      pluginArg(id);
      return db.transaction(() => {
        const existed = q.remove.run(id).changes > 0;
        if (existed && !options.keepData) {
          q.dropKv.run(id);
          q.dropKvMeta.run(id);
          q.dropQuota.run(id);
        }
        return existed;
      }).immediate();
    },
  };

  const grants: Sync<GrantStore> = {
    get: (plugin) => q.grants.all(pluginArg(plugin)) as string[],
    set(plugin, list) {
      const caps = capabilities(list);
      db.transaction(() => {
        mustExist(plugin);
        q.revokeAll.run(plugin);
        addGrants(plugin, caps);
      }).immediate();
    },
    add(plugin, list) {
      const caps = capabilities(list);
      db.transaction(() => {
        mustExist(plugin);
        addGrants(plugin, caps);
      }).immediate();
    },
    revoke(plugin, list) {
      pluginArg(plugin);
      const caps = capabilities(list);
      return db.transaction(() => caps.reduce((n, c) => n + q.revoke.run(plugin, c).changes, 0)).immediate();
    },
  };

  const config: Sync<ConfigStore> = {
    get(plugin, key) {
      const value = q.configGet.get(pluginArg(plugin), nameArg(key, 'key')) as string | undefined;
      return value === undefined ? undefined : JSON.parse(value);
    },
    all(plugin) {
      const out: Record<string, unknown> = Object.create(null);
      for (const row of q.configAll.all(pluginArg(plugin)) as { key: string; value: string }[]) out[row.key] = JSON.parse(row.value);
      return out;
    },
    set(plugin, key, value) {
      nameArg(key, 'key');
      const text = jsonArg(value, 'value');
      db.transaction(() => {
        mustExist(plugin);
        q.configSet.run(plugin, key, text);
      }).immediate();
    },
    delete: (plugin, key) => q.configDelete.run(pluginArg(plugin), nameArg(key, 'key')).changes > 0,
  };

  return { plugins, grants, config };
}

function modulesArg(value: unknown): ModuleHash[] {
  if (!Array.isArray(value)) throw invalid('record.modules must be an array', 'record.modules');
  return value.map((m: unknown, i) => {
    const { name, sha256 } = (m ?? {}) as Partial<ModuleHash>;
    if (typeof name !== 'string' || typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw invalid(`record.modules[${i}] must be { name, sha256 } with a lowercase hex sha256`, `record.modules[${i}]`);
    }
    return { name, sha256 };
  });
}

/** A folder inside the plugins directory: relative, `/`-separated, no `.` or `..` segments, not under `.cache`. */
function locationArg(value: unknown): string {
  const ok = typeof value === 'string' && value.length > 0 && value.length <= 1024 && !value.startsWith('/') && !value.includes('\\') && !value.includes('\0')
    && value.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..') && value.split('/')[0] !== '.cache';
  if (!ok) throw invalid('record.location must be a relative folder inside the plugins directory (no "..", not under .cache)', 'record.location');
  return value;
}

function toRecord(row: PluginRow): PluginRecord {
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    manifest: JSON.parse(row.manifest),
    modules: JSON.parse(row.modules) as ModuleHash[],
    enabled: row.enabled === 1,
    location: row.location ?? row.id,
    installedAt: row.installed_at,
    updatedAt: row.updated_at,
  };
}
