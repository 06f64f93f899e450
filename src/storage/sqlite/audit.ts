/**
 * The audit log on SQLite: append-only rows, queried newest first with a total count. Filters
 * are bound parameters assembled from a fixed set of clauses, never from caller text.
 */
import type Database from 'better-sqlite3';
import type { Sync } from '../driver.js';
import { pageSize } from '../limits.js';
import type { AuditQuery, AuditRecord, AuditStore } from '../record-types.js';
import { invalid, nameArg, pluginArg, timeArg } from '../validate.js';

const MAX_DETAIL = 2048;
const MAX_REASON = 1024;

interface Row {
  id: number;
  time: number;
  plugin: string;
  capability: string;
  detail: string;
  decision: 'allow' | 'deny';
  reason: string | null;
}

/** The synchronous audit implementation over `db`. */
export function createSqliteAudit(db: Database.Database): Sync<AuditStore> {
  const insert = db.prepare('INSERT INTO audit (time, plugin, capability, detail, decision, reason) VALUES (?, ?, ?, ?, ?, ?)');
  const prune = db.prepare('DELETE FROM audit WHERE time < ?');
  // At most 32 filter shapes exist (5 optional clauses), so the cache stays small.
  const statements = new Map<string, { count: Database.Statement; page: Database.Statement }>();
  const prepared = (filter: string) => {
    let s = statements.get(filter);
    if (!s) {
      s = {
        count: db.prepare(`SELECT count(*) FROM audit ${filter}`).pluck(),
        page: db.prepare(`SELECT id, time, plugin, capability, detail, decision, reason FROM audit ${filter}
          ORDER BY time DESC, id DESC LIMIT ? OFFSET ?`),
      };
      statements.set(filter, s);
    }
    return s;
  };

  return {
    append(entry) {
      const time = entry.time ?? Date.now();
      timeArg(time, 'entry.time');
      pluginArg(entry.plugin);
      nameArg(entry.capability, 'entry.capability');
      if (entry.decision !== 'allow' && entry.decision !== 'deny') throw invalid("entry.decision must be 'allow' or 'deny'", 'entry.decision');
      if (typeof entry.detail !== 'string') throw invalid('entry.detail must be a string', 'entry.detail');
      if (entry.reason !== undefined && typeof entry.reason !== 'string') throw invalid('entry.reason must be a string', 'entry.reason');
      const reason = entry.reason === undefined ? null : entry.reason.slice(0, MAX_REASON);
      const info = insert.run(time, entry.plugin, entry.capability, entry.detail.slice(0, MAX_DETAIL), entry.decision, reason);
      return Number(info.lastInsertRowid);
    },
    query(query: AuditQuery = {}) {
      const where: string[] = [];
      const args: unknown[] = [];
      for (const name of ['plugin', 'capability', 'decision'] as const) {
        const value = query[name];
        if (value === undefined) continue;
        if (typeof value !== 'string') throw invalid(`query.${name} must be a string`, `query.${name}`);
        where.push(`${name} = ?`);
        args.push(value);
      }
      if (query.since !== undefined) { where.push('time >= ?'); args.push(timeArg(query.since, 'query.since')); }
      if (query.until !== undefined) { where.push('time < ?'); args.push(timeArg(query.until, 'query.until')); }
      const limit = pageSize(query.limit, 100, 1000, 'query.limit');
      const offset = query.offset ?? 0;
      if (!Number.isSafeInteger(offset) || offset < 0) throw invalid('query.offset must be a non-negative integer', 'query.offset');
      const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
      // One read transaction: the page and the total see the same snapshot.
      const { count, page } = prepared(filter);
      return db.transaction(() => {
        const total = count.get(...args) as number;
        const rows = page.all(...args, limit, offset) as Row[];
        return { records: rows.map(toRecord), total };
      }).deferred();
    },
    prune: (before) => prune.run(timeArg(before, 'before')).changes,
  };
}

function toRecord(row: Row): AuditRecord {
  const { reason, ...rest } = row;
  return reason === null ? { ...rest } : { ...rest, reason };
}
