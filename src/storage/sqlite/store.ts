/**
 * The embedded SQLite driver: one `warden.db` in the data directory holds the whole state.
 * Each concern lives in its own file as a synchronous implementation; this file opens the
 * database, migrates it and binds those implementations to a transaction scope.
 */
import { WardenError } from '../../errors.js';
import type { StateStore } from '../driver.js';
import { resolveLimits, type StoreLimitsOptions } from '../limits.js';
import { createSqliteAudit } from './audit.js';
import { createSqliteKv } from './kv.js';
import { createSqliteMemory } from './memory.js';
import { migrate } from './migrations.js';
import { openDatabase, storageError, type Durability } from './open.js';
import { createSqliteRegistry } from './registry.js';
import { bind, Scope } from './scope.js';
import { createSqliteSessions } from './sessions.js';
import { createSqliteVault } from './vault.js';

/** The driver's name. */
export const SQLITE_DRIVER = 'sqlite';

/** Options of {@link createSqliteStore}; only `dataDir` is required. */
export interface SqliteStoreOptions {
  /** The data directory; `warden.db` (and `vault.key` when no key is given) live here. */
  dataDir: string;
  /** See {@link OpenOptions.durability}. @default 'full' */
  durability?: Durability;
  /** How long a write waits for another process's lock. @default 5000 */
  busyTimeoutMs?: number;
  /** Caps; see {@link StoreLimits}. */
  limits?: StoreLimitsOptions;
  /** The vault's 32-byte master key, instead of `WARDEN_VAULT_KEY` or the key file. */
  vaultKey?: Uint8Array;
  /** Read instead of `process.env` (for `WARDEN_VAULT_KEY`). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Opens (creating and migrating when needed) the SQLite state store in `dataDir`.
 *
 * @example
 * ```ts
 * const store = createSqliteStore({ dataDir: '/var/lib/warden' });
 * await store.kv.set('hello-world', 'greeting', new TextEncoder().encode('hi'));
 * await store.close();
 * ```
 */
export function createSqliteStore(options: SqliteStoreOptions): StateStore {
  if (typeof options?.dataDir !== 'string' || options.dataDir === '') {
    throw new WardenError('INVALID_ARGUMENT', 'dataDir must be a non-empty path', { data: { path: 'dataDir' } });
  }
  const limits = resolveLimits(options.limits);
  const { db, file } = openDatabase(options);
  let closed = false;
  try {
    migrate(db, file);
    const registry = createSqliteRegistry(db);
    const parts = {
      kv: createSqliteKv(db, limits.kvQuota),
      vault: createSqliteVault(db, {
        dataDir: options.dataDir,
        key: options.vaultKey,
        env: options.env,
        maxSecretBytes: limits.vaultMaxSecretBytes,
      }),
      audit: createSqliteAudit(db),
      memory: createSqliteMemory(db, { maxResults: limits.memoryMaxResults, maxTextBytes: limits.memoryMaxTextBytes }),
      sessions: createSqliteSessions(db),
      ...registry,
    };
    const view = (scope: Scope, top: boolean): StateStore => ({
      kv: bind(parts.kv, scope),
      vault: bind(parts.vault, scope),
      audit: bind(parts.audit, scope),
      memory: bind(parts.memory, scope),
      plugins: bind(parts.plugins, scope),
      grants: bind(parts.grants, scope),
      config: bind(parts.config, scope),
      sessions: bind(parts.sessions, scope),
      transaction: (fn) => scope.transaction((child) => fn(view(child, false))),
      close: async () => {
        if (!top) throw new WardenError('INVALID_ARGUMENT', 'close the store, not a transaction');
        if (closed) return;
        closed = true;
        try {
          db.close();
        } catch (e) {
          throw storageError(e, file);
        }
      },
    });
    return view(new Scope(db, file, 0, () => closed), true);
  } catch (e) {
    db.close();
    throw storageError(e, file);
  }
}
