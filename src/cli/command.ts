/**
 * How a CLI command is declared: its usage, options, an example, and what it runs. Parsing,
 * `--help` and usage errors are handled here once for every command.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './output.js';

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Shown in `--help`; for a string option, name its value first: `<ms>  deadline of the call`. */
  help: string;
}

/** Parsed arguments handed to a command. */
export interface CommandArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** A command: `warden <path…> [positionals] [options]`. */
export interface Command {
  /** Words after `warden`, e.g. `plugin install`. */
  name: string;
  /** Positional arguments as shown in the usage line, e.g. `<id> <tool> [json]`. */
  args: string;
  summary: string;
  /** Paragraphs after the summary in `--help`. */
  details?: string;
  options?: Record<string, OptionSpec>;
  /** How many positionals are required and allowed (max undefined = any). */
  positionals: { min: number; max?: number };
  example: string;
  run(args: CommandArgs): Promise<number>;
}

/** The options every command that opens the data directory takes. */
export const STATE_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { type: 'string', help: '<dir>  the data directory (default: $WARDEN_DATA_DIR, else ~/.local/share/warden)' },
  config: { type: 'string', help: '<file>  the config file (default: $WARDEN_CONFIG, else config.yaml in the data directory)' },
};

/** The `--json` option. */
export const JSON_OPTION: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: 'print JSON for scripts' },
};

/** The `--help` text of a command. */
export function helpText(command: Command): string {
  const options = { ...command.options, help: { type: 'boolean', short: 'h', help: 'show this help' } as OptionSpec };
  const rows = Object.entries(options).map(([name, o]) => {
    const [value, text] = o.type === 'string' && o.help.startsWith('<') ? [` ${o.help.slice(0, o.help.indexOf('>') + 1)}`, o.help.slice(o.help.indexOf('>') + 1).trim()] : ['', o.help];
    return [`${o.short ? `-${o.short}, ` : ''}--${name}${value}`, text] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: warden ${command.name}${command.args ? ` ${command.args}` : ''} [options]`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
    'Options:',
    ...rows.map(([left, text]) => `  ${left.padEnd(width)}${text}`),
    '',
    'Example:',
    `  ${command.example}`,
  ].join('\n');
}

/** Parses `argv` for `command`; `undefined` when `--help` was asked for. */
export function parseCommandArgs(command: Command, argv: string[]): CommandArgs | undefined {
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(command.options ?? {})) options[name] = { type: o.type, ...(o.multiple && { multiple: true }), ...(o.short && { short: o.short }) };
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  if (values['help']) return undefined;
  const { min, max } = command.positionals;
  if (positionals.length < min) throw new UsageError(`warden ${command.name} needs ${command.args}`);
  if (max !== undefined && positionals.length > max) throw new UsageError(`warden ${command.name} takes ${command.args || 'no arguments'}; unexpected "${positionals[max]}"`);
  return { values: values as CommandArgs['values'], positionals };
}

/** A string option's value, or undefined. */
export function str(args: CommandArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable string option's values. */
export function strs(args: CommandArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
}

/** A boolean option. */
export function flag(args: CommandArgs, name: string): boolean {
  return args.values[name] === true;
}
