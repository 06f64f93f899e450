/**
 * The gateway's sessions on SQLite: one row per session, keyed by the id's hash, with an index on
 * the expiry for purging and for dropping the idlest past the cap.
 */
import type Database from 'better-sqlite3';
import type { Sync } from '../driver.js';
import type { SessionRecord, SessionStore } from '../session-types.js';
import { bytesArg, invalid, timeArg } from '../validate.js';

interface Row {
  hash: Buffer;
  created_at: number;
  expires_at: number;
}

/** The synchronous sessions implementation over `db`. */
export function createSqliteSessions(db: Database.Database): Sync<SessionStore> {
  const insert = db.prepare('INSERT INTO sessions (hash, created_at, expires_at) VALUES (?, ?, ?)');
  // Ties on the expiry go to the older row (the smaller rowid).
  const evict = db.prepare(`DELETE FROM sessions WHERE rowid IN (
    SELECT rowid FROM sessions WHERE hash != ? ORDER BY expires_at, rowid
    LIMIT max(0, (SELECT count(*) FROM sessions) - ?))`);
  const select = db.prepare('SELECT hash, created_at, expires_at FROM sessions WHERE hash = ?');
  const touch = db.prepare('UPDATE sessions SET expires_at = ? WHERE hash = ?');
  const remove = db.prepare('DELETE FROM sessions WHERE hash = ?');
  const purge = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  const clear = db.prepare('DELETE FROM sessions');
  const add = db.transaction((hash: Uint8Array, createdAt: number, expiresAt: number, max: number) => {
    insert.run(hash, createdAt, expiresAt);
    evict.run(hash, max);
  });

  return {
    add(session, max) {
      const hash = hashArg(session?.hash, 'session.hash');
      const createdAt = timeArg(session.createdAt, 'session.createdAt');
      const expiresAt = timeArg(session.expiresAt, 'session.expiresAt');
      if (!Number.isSafeInteger(max) || max < 1) throw invalid('max must be a positive integer', 'max');
      add.immediate(hash, createdAt, expiresAt, max);
    },
    get(hash) {
      const row = select.get(hashArg(hash, 'hash')) as Row | undefined;
      return row && toRecord(row);
    },
    touch: (hash, expiresAt) => touch.run(timeArg(expiresAt, 'expiresAt'), hashArg(hash, 'hash')).changes > 0,
    delete: (hash) => remove.run(hashArg(hash, 'hash')).changes > 0,
    purge: (now) => purge.run(timeArg(now, 'now')).changes,
    clear: () => clear.run().changes,
  };
}

function toRecord(row: Row): SessionRecord {
  return { hash: new Uint8Array(row.hash), createdAt: row.created_at, expiresAt: row.expires_at };
}

/** A session hash: exactly 32 bytes. */
function hashArg(value: unknown, path: string): Uint8Array {
  const hash = bytesArg(value, path);
  if (hash.length !== 32) throw invalid(`${path} must be 32 bytes`, path);
  return hash;
}
