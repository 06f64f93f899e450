/**
 * `warden plugin enable | disable | remove`.
 */
import { STATE_OPTIONS, flag, type Command } from '../command.js';
import { withWarden } from '../open.js';
import { out, warn } from '../output.js';
import type { Warden } from '../../warden/warden.js';

function policyNote(warden: Warden, id: string, enabled: boolean): void {
  const pinned = warden.options.policies?.[id]?.enabled;
  if (pinned !== undefined && pinned !== enabled) warn(`the config file sets plugins.${id}.enabled: ${pinned}, which applies again at the next start; change it there to make this last`);
}

export const enableCommand: Command = {
  name: 'plugin enable',
  args: '<id>',
  summary: 'Enable a plugin: it loads now and serves calls.',
  positionals: { min: 1, max: 1 },
  options: { ...STATE_OPTIONS },
  example: 'warden plugin enable hello-world',
  async run(args) {
    const id = args.positionals[0]!;
    return withWarden(args, async (warden) => {
      await warden.enable(id);
      policyNote(warden, id, true);
      out(`enabled ${id}`);
      return 0;
    });
  },
};

export const disableCommand: Command = {
  name: 'plugin disable',
  args: '<id>',
  summary: 'Disable a plugin: new calls are refused at once; its data and grants are kept.',
  positionals: { min: 1, max: 1 },
  options: { ...STATE_OPTIONS },
  example: 'warden plugin disable hello-world',
  async run(args) {
    const id = args.positionals[0]!;
    return withWarden(args, async (warden) => {
      await warden.disable(id);
      policyNote(warden, id, false);
      out(`disabled ${id}`);
      return 0;
    });
  },
};

export const removeCommand: Command = {
  name: 'plugin remove',
  args: '<id>',
  summary: 'Remove a plugin with its files, grants, config and KV data.',
  positionals: { min: 1, max: 1 },
  options: { 'keep-data': { type: 'boolean', help: 'keep its KV data for a later reinstall' }, ...STATE_OPTIONS },
  example: 'warden plugin remove hello-world --keep-data',
  async run(args) {
    const id = args.positionals[0]!;
    return withWarden(args, async (warden) => {
      await warden.remove(id, { keepData: flag(args, 'keep-data') });
      out(`removed ${id}${flag(args, 'keep-data') ? ' (data kept)' : ''}`);
      return 0;
    });
  },
};
