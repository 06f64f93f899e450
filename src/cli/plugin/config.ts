/**
 * `warden plugin config <id> [key [value]]`: show or set a plugin's operator config.
 */
import { WardenError } from '../../errors.js';
import type { Manifest } from '../../manifest/index.js';
import { JSON_OPTION, STATE_OPTIONS, flag, str, type Command } from '../command.js';
import { withWarden } from '../open.js';
import { out, outJson } from '../output.js';

export const configCommand: Command = {
  name: 'plugin config',
  args: '<id> [key [value]]',
  summary: 'Show a plugin\'s config keys and values, one value, or set one (typed as the manifest declares it).',
  positionals: { min: 1, max: 3 },
  options: { unset: { type: 'string', help: '<key>  remove the operator value of a key (its default applies again)' }, ...STATE_OPTIONS, ...JSON_OPTION },
  example: 'warden plugin config weather units metric',
  async run(args) {
    const [id, key, value] = args.positionals as [string, string?, string?];
    return withWarden(args, async (warden) => {
      const unset = str(args, 'unset');
      if (unset !== undefined) {
        await warden.unsetConfig(id, unset);
        out(`unset ${id} ${unset}`);
        return 0;
      }
      if (key !== undefined && value !== undefined) {
        await warden.setConfig(id, key, value);
        out(`set ${id} ${key}`);
        return 0;
      }
      const manifest = (await warden.info(id)).record.manifest as Manifest;
      const values = await warden.store.config.all(id);
      const rows = Object.entries(manifest.config)
        .filter(([k]) => key === undefined || k === key)
        .map(([k, e]) => ({ key: k, type: e.type, required: e.required, value: Object.hasOwn(values, k) ? values[k] : undefined, default: e.default }));
      if (key !== undefined && rows.length === 0) {
        throw new WardenError('NOT_FOUND', `plugin ${id} declares no config key "${key}": see \`warden plugin info ${id}\``);
      }
      if (flag(args, 'json')) outJson(rows);
      else if (rows.length === 0) out(`${id} declares no config keys`);
      else for (const r of rows) out(`${r.key} = ${r.value !== undefined ? JSON.stringify(r.value) : r.default !== undefined ? `${JSON.stringify(r.default)} (default)` : r.required ? '(not set: required)' : '(not set)'}`);
      return 0;
    });
  },
};
