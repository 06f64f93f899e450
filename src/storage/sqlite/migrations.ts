/**
 * Versioned schema migrations. Each runs in its own transaction together with its row in
 * `schema_version`, so a crash leaves the database at one version or the next, never between.
 * A database written by a newer Warden is refused rather than guessed at.
 */
import type Database from 'better-sqlite3';
import { WardenError } from '../../errors.js';

/** One schema step. */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Every migration, in order. Append; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'registry, grants, config, kv, vault, audit, memory',
    sql: `
      CREATE TABLE plugins (
        id TEXT PRIMARY KEY, version TEXT NOT NULL, status TEXT NOT NULL, manifest TEXT NOT NULL,
        modules TEXT NOT NULL, enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        installed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
      CREATE TABLE grants (
        plugin TEXT NOT NULL REFERENCES plugins(id) ON DELETE CASCADE, capability TEXT NOT NULL,
        granted_at INTEGER NOT NULL, PRIMARY KEY (plugin, capability)) STRICT, WITHOUT ROWID;
      CREATE TABLE config (
        plugin TEXT NOT NULL REFERENCES plugins(id) ON DELETE CASCADE, key TEXT NOT NULL,
        value TEXT NOT NULL, PRIMARY KEY (plugin, key)) STRICT, WITHOUT ROWID;

      -- Keys are UTF-8 BLOBs so prefix scans are byte ranges: no LIKE, nothing to escape.
      CREATE TABLE kv (
        plugin TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (plugin, key)) STRICT, WITHOUT ROWID;
      CREATE TABLE kv_usage (
        plugin TEXT PRIMARY KEY, keys INTEGER NOT NULL, bytes INTEGER NOT NULL) STRICT, WITHOUT ROWID;
      CREATE TABLE kv_quota (
        plugin TEXT PRIMARY KEY, max_total_bytes INTEGER, max_keys INTEGER, max_value_bytes INTEGER,
        max_key_bytes INTEGER) STRICT, WITHOUT ROWID;
      -- Usage kept by triggers, in the writing transaction: every path that changes kv counts.
      CREATE TRIGGER kv_after_insert AFTER INSERT ON kv BEGIN
        INSERT INTO kv_usage (plugin, keys, bytes) VALUES (new.plugin, 1, length(new.key) + length(new.value))
          ON CONFLICT (plugin) DO UPDATE SET keys = keys + 1, bytes = bytes + excluded.bytes;
      END;
      CREATE TRIGGER kv_after_update AFTER UPDATE ON kv BEGIN
        UPDATE kv_usage SET bytes = bytes - length(old.key) - length(old.value) + length(new.key) + length(new.value)
          WHERE plugin = old.plugin;
      END;
      CREATE TRIGGER kv_after_delete AFTER DELETE ON kv BEGIN
        UPDATE kv_usage SET keys = keys - 1, bytes = bytes - length(old.key) - length(old.value)
          WHERE plugin = old.plugin;
      END;

      CREATE TABLE vault (
        name TEXT PRIMARY KEY, nonce BLOB NOT NULL, ciphertext BLOB NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
      CREATE TABLE vault_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1), nonce BLOB NOT NULL, check_value BLOB NOT NULL) STRICT;

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, plugin TEXT NOT NULL,
        capability TEXT NOT NULL, detail TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('allow', 'deny')), reason TEXT) STRICT;
      CREATE INDEX audit_time ON audit (time, id);
      CREATE INDEX audit_plugin_time ON audit (plugin, time, id);
      CREATE INDEX audit_capability_time ON audit (capability, time, id);

      CREATE VIRTUAL TABLE memory USING fts5 (
        text, source UNINDEXED, metadata UNINDEXED, created_at UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2');
    `,
  },
  {
    version: 2,
    description: "plugins.location: the plugin's folder inside the plugins directory",
    sql: `ALTER TABLE plugins ADD COLUMN location TEXT;`,
  },
  {
    version: 3,
    description: 'registry revision: bumped by every change to plugins, grants and config, so other processes notice',
    sql: `
      CREATE TABLE registry_revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL) STRICT;
      INSERT INTO registry_revision (id, value) VALUES (1, 0);
      ${['plugins', 'grants', 'config'].flatMap((t) => ['INSERT', 'UPDATE', 'DELETE'].map((op) =>
        `CREATE TRIGGER ${t}_${op.toLowerCase()}_revision AFTER ${op} ON ${t} BEGIN UPDATE registry_revision SET value = value + 1 WHERE id = 1; END;`)).join('\n      ')}
    `,
  },
  {
    version: 4,
    description: "sessions: the gateway's browser sessions, by the hash of their id, so they survive a restart",
    sql: `
      CREATE TABLE sessions (
        hash BLOB PRIMARY KEY CHECK (length(hash) = 32), created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL) STRICT;
      CREATE INDEX sessions_expires ON sessions (expires_at);
    `,
  },
];

/** The newest schema version this code knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the database to {@link SCHEMA_VERSION}. Returns the versions applied. A database at a
 * newer version is refused with `STORAGE_ERROR` (`data.version`, `data.supported`).
 */
export function migrate(db: Database.Database, file: string, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  const current = currentVersion(db);
  const supported = migrations[migrations.length - 1]?.version ?? 0;
  if (current > supported) {
    throw new WardenError(
      'STORAGE_ERROR',
      `${file} has schema version ${current}, newer than this Warden supports (${supported}); upgrade Warden or use another data directory`,
      { data: { file, version: current, supported } },
    );
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      // Another process may have migrated between our read and our write lock.
      if (currentVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(m.version, m.description, Date.now());
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}

/** The highest applied version, 0 for a fresh database. */
export function currentVersion(db: Database.Database): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}
