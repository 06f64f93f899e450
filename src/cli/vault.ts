/**
 * `warden vault set | list | rm`: operator secrets. A value is never taken from the command line
 * (it would land in shell history and `ps`): it is read from a prompt without echo, or stdin.
 */
import { WardenError } from '../errors.js';
import { STATE_OPTIONS, JSON_OPTION, flag, type Command } from './command.js';
import { withWarden } from './open.js';
import { UsageError, out, outJson } from './output.js';
import { interactive, readSecret, readStdinText } from './prompt.js';

const KEY = /^[A-Za-z0-9_.-]{1,128}$/;

export const vaultSetCommand: Command = {
  name: 'vault set',
  args: '<key>',
  summary: 'Store a secret, read from a prompt (no echo) or from standard input; it is encrypted at rest and never printed.',
  positionals: { min: 1, max: 1 },
  options: { ...STATE_OPTIONS },
  example: 'printf %s "$TOKEN" | warden vault set example_api_key',
  async run(args) {
    const key = args.positionals[0]!;
    if (!KEY.test(key)) throw new UsageError(`"${key}" is not a key name: use 1–128 letters, digits, "_", "." or "-"`);
    const value = process.stdin.isTTY ? (interactive() ? await readSecret(`value for ${key}: `) : '') : await readStdinText();
    if (value === '') throw new UsageError('the secret is empty: type it at the prompt, or pipe it on standard input');
    return withWarden(args, async (warden) => {
      await warden.store.vault.set(key, value);
      out(`stored ${key}`);
      return 0;
    });
  },
};

export const vaultListCommand: Command = {
  name: 'vault list',
  args: '',
  summary: 'List the names of stored secrets (never their values).',
  positionals: { min: 0, max: 0 },
  options: { ...STATE_OPTIONS, ...JSON_OPTION },
  example: 'warden vault list',
  async run(args) {
    return withWarden(args, async (warden) => {
      const names = await warden.store.vault.list();
      if (flag(args, 'json')) outJson(names);
      else for (const n of names) out(n);
      return 0;
    });
  },
};

export const vaultRmCommand: Command = {
  name: 'vault rm',
  args: '<key>',
  summary: 'Delete a secret.',
  positionals: { min: 1, max: 1 },
  options: { ...STATE_OPTIONS },
  example: 'warden vault rm example_api_key',
  async run(args) {
    const key = args.positionals[0]!;
    return withWarden(args, async (warden) => {
      if (!(await warden.store.vault.delete(key))) {
        throw new WardenError('NOT_FOUND', `no secret named "${key}": see \`warden vault list\``);
      }
      out(`removed ${key}`);
      return 0;
    });
  },
};
