/**
 * The memory store on SQLite FTS5. User text never reaches the FTS5 query parser as syntax:
 * it is cut into words and each word is passed as a quoted string, so `"`, `*`, `NEAR(`, `-`,
 * `AND` or column filters are just text.
 */
import type Database from 'better-sqlite3';
import type { Sync } from '../driver.js';
import { checkLimit, pageSize } from '../limits.js';
import type { MemoryHit, MemoryStore } from '../record-types.js';
import { invalid, jsonArg } from '../validate.js';

/** Most words of a query that are searched; the rest are ignored (each adds cost). */
export const MAX_QUERY_TERMS = 32;

/** Caps of the memory store. */
export interface SqliteMemoryOptions {
  maxResults: number;
  maxTextBytes: number;
}

/**
 * Turns user text into a safe FTS5 query matching any of its words, or `undefined` when it has
 * none. Words are runs of letters, digits and underscores; each is quoted (quotes doubled).
 */
export function toFtsQuery(text: string): string | undefined {
  const words = [...new Set(text.match(/[\p{L}\p{N}_]+/gu) ?? [])].slice(0, MAX_QUERY_TERMS);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' OR ');
}

/** The synchronous memory implementation over `db`. */
export function createSqliteMemory(db: Database.Database, options: SqliteMemoryOptions): Sync<MemoryStore> {
  const insert = db.prepare('INSERT INTO memory (text, source, metadata, created_at) VALUES (?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM memory WHERE rowid = ?');
  const search = db.prepare(`SELECT rowid AS id, text, source, -bm25(memory) AS score FROM memory
    WHERE memory MATCH ? ORDER BY bm25(memory) LIMIT ?`);

  return {
    add(input) {
      if (typeof input?.text !== 'string' || input.text.length === 0) throw invalid('text must be a non-empty string', 'text');
      checkLimit('memoryMaxTextBytes', Buffer.byteLength(input.text, 'utf8'), options.maxTextBytes, 'memory text');
      if (input.source !== undefined && typeof input.source !== 'string') throw invalid('source must be a string', 'source');
      const meta = input.metadata;
      if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta))) {
        throw invalid('metadata must be a JSON object', 'metadata');
      }
      const metadata = meta === undefined ? null : jsonArg(meta, 'metadata');
      return Number(insert.run(input.text, input.source ?? null, metadata, Date.now()).lastInsertRowid);
    },
    search(query, opts = {}) {
      if (typeof query !== 'string') throw invalid('query must be a string', 'query');
      const limit = pageSize(opts.limit, 10, options.maxResults, 'options.limit');
      const fts = toFtsQuery(query);
      if (fts === undefined) return [];
      return search.all(fts, limit) as MemoryHit[];
    },
    delete(id) {
      if (!Number.isSafeInteger(id)) throw invalid('id must be an integer', 'id');
      return remove.run(id).changes > 0;
    },
  };
}
