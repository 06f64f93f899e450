/**
 * `warden plugin doctor`: pass / warn / fail per plugin and check; exit 1 on any fail.
 */
import { runDoctor } from '../../warden/doctor.js';
import { JSON_OPTION, STATE_OPTIONS, flag, type Command } from '../command.js';
import { withWarden } from '../open.js';
import { out, outJson, style } from '../output.js';

const MARK = { pass: style('green', 'pass'), warn: style('yellow', 'warn'), fail: style('red', 'FAIL') } as const;

export const doctorCommand: Command = {
  name: 'plugin doctor',
  args: '',
  summary: 'Check every plugin: files and hashes, loading, exports, grants, required config, recent traps and timeouts.',
  details: 'Exits with 1 when any check fails.',
  positionals: { min: 0, max: 0 },
  options: { ...STATE_OPTIONS, ...JSON_OPTION },
  example: 'warden plugin doctor --json',
  async run(args) {
    return withWarden(args, async (warden) => {
      const report = await runDoctor(warden);
      if (flag(args, 'json')) outJson(report);
      else {
        for (const p of report.plugins) {
          out(`${MARK[p.result]}  ${style('bold', p.id)} ${p.version}`);
          for (const c of p.checks) out(`    ${MARK[c.result]}  ${c.check}: ${c.message}`);
        }
        const t = report.totals;
        out(`${report.plugins.length} plugin(s): ${t.loaded} loaded, ${t.failed} failed, ${t.disabled} disabled`);
      }
      return report.failed ? 1 : 0;
    });
  },
};
