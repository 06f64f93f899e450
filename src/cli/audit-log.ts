/**
 * `warden audit-log`: the capability decisions recorded, newest first (denials by default).
 */
import type { AuditDecision } from '../storage/driver.js';
import { JSON_OPTION, STATE_OPTIONS, flag, str, type Command } from './command.js';
import { withWarden } from './open.js';
import { UsageError, out, outJson, table } from './output.js';
import { parseDuration } from '../manifest/limits.js';

function since(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ago = parseDuration(text);
  if (ago !== undefined) return Date.now() - ago;
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new UsageError(`--since expects a duration such as 1h or 30m, or a date such as 2026-12-01T10:00Z; got "${text}"`);
  return t;
}

export const auditLogCommand: Command = {
  name: 'audit-log',
  args: '',
  summary: 'Show capability decisions from the audit log, newest first: denials unless --all.',
  positionals: { min: 0, max: 0 },
  options: {
    plugin: { type: 'string', help: '<id>  only this plugin' },
    capability: { type: 'string', help: '<kind>  only this capability (network, storage, vault, tool, …)' },
    since: { type: 'string', help: '<when>  only records newer than a duration (1h) or a date' },
    all: { type: 'boolean', help: 'allowed uses too (when auditing them is on)' },
    limit: { type: 'string', help: '<n>  records to show (default 50, at most 1000)' },
    ...STATE_OPTIONS,
    ...JSON_OPTION,
  },
  example: 'warden audit-log --plugin hello-world --since 1h',
  async run(args) {
    const limit = Number(str(args, 'limit') ?? 50);
    if (!(Number.isInteger(limit) && limit > 0 && limit <= 1000)) throw new UsageError('--limit expects a number from 1 to 1000');
    const plugin = str(args, 'plugin');
    const capability = str(args, 'capability');
    const from = since(str(args, 'since'));
    const decision: AuditDecision | undefined = flag(args, 'all') ? undefined : 'deny';
    return withWarden(args, async (warden) => {
      const page = await warden.audit({ limit, ...(plugin && { plugin }), ...(capability && { capability }), ...(from !== undefined && { since: from }), ...(decision && { decision }) });
      if (flag(args, 'json')) outJson(page);
      else if (page.records.length === 0) out('no matching records');
      else {
        const rows = page.records.map((r) => [new Date(r.time).toISOString(), r.plugin, r.capability, r.decision, r.detail, r.reason ?? '']);
        for (const line of table(['TIME', 'PLUGIN', 'CAPABILITY', 'DECISION', 'DETAIL', 'REASON'], rows)) out(line);
        if (page.total > page.records.length) out(`(${page.records.length} of ${page.total}; use --limit or filters)`);
      }
      return 0;
    });
  },
};
