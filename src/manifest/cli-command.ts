/**
 * Entries of the `cli` capability: a host program named by absolute path, with the argument
 * lists it may be run with. Patterns are space-separated words; a word is matched exactly,
 * except `*`, which matches any one argument — or, as the last word, any number of remaining
 * arguments (zero or more). A `*` inside a word (`--format=*`) is refused: partial globs on
 * arguments are where allow-lists get bypassed (`--format=x --exec=…` tricks).
 */
import { posix } from 'node:path';

/** One allowed host command. */
export interface CliCommand {
  /** Absolute path of the program, e.g. `/usr/bin/git`. */
  command: string;
  /** Argument patterns, each a list of words; an empty list of patterns allows no arguments. */
  args: string[][];
}

const MAX_PATTERNS = 64;

/** Parses `{ command, args? }`. Returns the command, or a message saying what is wrong. */
export function parseCliCommand(input: unknown): CliCommand | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return 'expected { command: /absolute/path, args: ["pattern", …] }';
  }
  const unknown = Object.keys(input).filter((k) => k !== 'command' && k !== 'args');
  if (unknown.length > 0) return `unknown key(s) ${unknown.map((k) => JSON.stringify(k)).join(', ')} (expected command and args)`;
  const { command, args } = input as { command?: unknown; args?: unknown };
  if (typeof command !== 'string' || !posix.isAbsolute(command)) return 'command must be an absolute path such as /usr/bin/git';
  if (command.includes('\0') || command.endsWith('/') || command.split('/').some((seg) => seg === '.' || seg === '..')) {
    return 'command must be a plain absolute path to a program (no "..", "." or trailing "/")';
  }
  if (posix.normalize(command) !== command) return `command must be written in normal form (${posix.normalize(command)})`;
  if (args === undefined || args === null) return { command, args: [] };
  if (!Array.isArray(args) || args.length > MAX_PATTERNS || !args.every((a) => typeof a === 'string')) {
    return `args must be a list of at most ${MAX_PATTERNS} pattern strings such as "log *"`;
  }
  const patterns = (args as string[]).map((a) => a.split(/\s+/).filter((w) => w !== ''));
  if (patterns.some((words) => words.some((w) => w.includes('*') && w !== '*' || w.includes('\0')))) {
    return 'a "*" must be a whole word (it matches one argument, or all remaining ones at the end)';
  }
  return { command, args: patterns };
}

/**
 * True when running `cmd.command` with `argv` is allowed by one of its patterns.
 *
 * @example cliArgsAllowed({ command: '/usr/bin/git', args: [['log', '*']] }, ['log', '--oneline']) // true
 */
export function cliArgsAllowed(cmd: CliCommand, argv: readonly string[]): boolean {
  if (cmd.args.length === 0) return argv.length === 0;
  return cmd.args.some((words) => {
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (w === '*' && i === words.length - 1) return true;
      if (i >= argv.length || (w !== '*' && w !== argv[i])) return false;
    }
    return argv.length === words.length;
  });
}
