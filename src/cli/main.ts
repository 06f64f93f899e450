/**
 * The `warden` command line: dispatches to one module per command.
 */
import { callCommand, CALL_HELP } from './call.js';
import { reportError } from './output.js';

const HELP = `Usage: warden <command> [options]

Commands:
  call <plugin.wasm> <function>   run one function of a plugin once

Run \`warden <command> --help\` for a command's options.

Example:
  warden call plugin.wasm greet --input world`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  call: callCommand,
};

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    process.stderr.write(`error: unknown command "${command}"\n\n${HELP}\n`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(e as Error).message}\n\n${command === 'call' ? CALL_HELP : HELP}\n`);
      return 2;
    }
    return reportError(e);
  }
}
