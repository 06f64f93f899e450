/**
 * The audit log, newest first, filtered and paged.
 */
import type { AuditQuery } from '../../storage/driver.js';
import type { Route } from '../router.js';
import { ApiError } from '../status.js';
import { intQuery, timeQuery } from './params.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function auditQuery(query: URLSearchParams): AuditQuery & { limit: number; offset: number } {
  const decision = query.get('decision');
  if (decision !== null && decision !== 'allow' && decision !== 'deny') throw new ApiError('INVALID_ARGUMENT', 'query parameter decision must be allow or deny');
  const text = (name: string): string | undefined => {
    const v = query.get(name);
    if (v !== null && (v.length === 0 || v.length > 256)) throw new ApiError('INVALID_ARGUMENT', `query parameter ${name} must be 1–256 characters`);
    return v ?? undefined;
  };
  const plugin = text('plugin');
  const capability = text('capability');
  const since = timeQuery(query, 'since');
  const until = timeQuery(query, 'until');
  return {
    ...(plugin !== undefined && { plugin }), ...(capability !== undefined && { capability }), ...(decision !== null && { decision }),
    ...(since !== undefined && { since }), ...(until !== undefined && { until }),
    limit: intQuery(query, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
    offset: intQuery(query, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
  };
}

export const auditRoutes: Route[] = [
  {
    method: 'GET', path: '/api/audit', query: ['plugin', 'capability', 'decision', 'since', 'until', 'limit', 'offset'],
    summary: 'Audit records, newest first: {records, total, limit, offset, nextOffset?}.',
    handle: async ({ warden, query }) => {
      const q = auditQuery(query);
      const page = await warden.audit(q);
      const next = q.offset + page.records.length;
      return { body: { ...page, limit: q.limit, offset: q.offset, ...(next < page.total && { nextOffset: next }) } };
    },
  },
];
