/**
 * `warden plugin reload [id]`: accept what changed in the plugins directory — changed files are
 * checked and swapped in, new folders registered; invalid files leave the old version in place.
 */
import { JSON_OPTION, STATE_OPTIONS, flag, type Command } from '../command.js';
import { withWarden } from '../open.js';
import { out, outJson } from '../output.js';

export const reloadCommand: Command = {
  name: 'plugin reload',
  args: '[id]',
  summary: 'Reload plugins from the plugins directory: changed files are checked and swapped in, new plugin folders registered.',
  details: 'Exits with 1 when a plugin could not be reloaded (its previous version stays installed).',
  positionals: { min: 0, max: 1 },
  options: { ...STATE_OPTIONS, ...JSON_OPTION },
  example: 'warden plugin reload hello-world',
  async run(args) {
    return withWarden(args, async (warden) => {
      const results = await warden.reload(args.positionals[0]);
      if (flag(args, 'json')) outJson(results);
      else for (const r of results) out(`${r.id}: ${r.outcome}${r.message ? ` — ${r.message}` : ''}`);
      return results.some((r) => r.outcome === 'failed') ? 1 : 0;
    });
  },
};
