/**
 * Opens `warden.db` with the settings the rest of the driver relies on: WAL, the chosen
 * `synchronous` level, a busy timeout, foreign keys, and a file only its owner can read.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WardenError } from '../../errors.js';

/** How hard a commit waits for the disk. */
export type Durability = 'full' | 'normal';

/** Options of {@link openDatabase}. */
export interface OpenOptions {
  /** The data directory; created (mode 0700) when missing. */
  dataDir: string;
  /**
   * `full` (the default) fsyncs the WAL on every commit, so a commit survives power loss as well
   * as a killed process: a revoked grant or a denial in the audit log must not come back after
   * an outage. `normal` skips that fsync (commits survive a killed process, not a power cut) for
   * write-heavy KV use. @default 'full'
   */
  durability?: Durability;
  /** How long a write waits for another process's lock. @default 5000 */
  busyTimeoutMs?: number;
}

/** The database file name inside the data directory. */
export const DATABASE_FILE = 'warden.db';

/** Opens (creating when missing) the database file; `STORAGE_ERROR` naming the file on failure. */
export function openDatabase(options: OpenOptions): { db: Database.Database; file: string } {
  const file = join(options.dataDir, DATABASE_FILE);
  let db: Database.Database | undefined;
  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    // SQLite creates -wal and -shm with the database file's mode, so this covers all three.
    closeSync(openSync(file, 'a', 0o600));
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new Error(`the file system refused WAL mode (journal_mode is ${String(mode)})`);
    }
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // A crafted schema must not run functions with side effects.
    db.pragma('trusted_schema = OFF');
    return { db, file };
  } catch (e) {
    db?.close();
    throw storageError(e, file, 'cannot open the state store');
  }
}

/**
 * Wraps a driver failure as `STORAGE_ERROR` naming the file; a `WardenError` passes through.
 * SQLite messages name tables and constraints, never bound values, so no secret leaks here.
 */
export function storageError(e: unknown, file: string, what = 'state store failure'): WardenError {
  if (e instanceof WardenError) return e;
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : undefined;
  const reason = e instanceof Error ? e.message : String(e);
  return new WardenError('STORAGE_ERROR', `${what} (${file}): ${reason}`, {
    data: { file, ...(code ? { sqliteCode: code } : {}) },
    cause: e,
  });
}
