/**
 * The `warden` command line: finds the command named by the first words of argv and runs it.
 * Each command lives in its own module and declares its usage, options and example.
 */
import { callCommand, CALL_HELP } from './call.js';
import { helpText, parseCommandArgs, type Command } from './command.js';
import { reportError } from './output.js';
import { auditLogCommand } from './audit-log.js';
import { vaultListCommand, vaultRmCommand, vaultSetCommand } from './vault.js';
import { auditCommand, installCommand } from './plugin/install.js';
import { infoCommand, listCommand } from './plugin/list.js';
import { disableCommand, enableCommand, removeCommand } from './plugin/state.js';
import { grantCommand, revokeCommand } from './plugin/grants.js';
import { configCommand } from './plugin/config.js';
import { pluginCallCommand } from './plugin/call.js';
import { doctorCommand } from './plugin/doctor.js';
import { keygenCommand, signCommand } from './plugin/sign.js';
import { reloadCommand } from './plugin/reload.js';
import { mcpCommand } from './mcp.js';
import { serveCommand } from './serve.js';
import { newCommand } from './new.js';

const COMMANDS: readonly Command[] = [
  installCommand, listCommand, infoCommand, enableCommand, disableCommand, removeCommand, auditCommand, doctorCommand,
  grantCommand, revokeCommand, configCommand, pluginCallCommand, reloadCommand, signCommand, keygenCommand,
  vaultSetCommand, vaultListCommand, vaultRmCommand, auditLogCommand, newCommand,
  mcpCommand, serveCommand,
];

function overview(prefix = ''): string {
  const listed = COMMANDS.filter((c) => c.name.startsWith(prefix));
  const width = Math.max(...listed.map((c) => c.name.length)) + 2;
  return [
    `Usage: warden ${prefix || '<command>'}${prefix ? ' <command>' : ''} [options]`,
    '',
    'Commands:',
    ...(prefix ? [] : [`  ${'call'.padEnd(width)}run one function of a .wasm file once, without installing it`]),
    ...listed.map((c) => `  ${c.name.padEnd(width)}${c.summary.split(/(?<=[.:])\s/)[0]}`),
    '',
    'Run `warden <command> --help` for a command\'s options and an example.',
    '',
    'Example:',
    '  warden plugin install ./hello-world --grant storage:kv',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, second] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${overview()}\n`);
    return first ? 0 : 2;
  }
  if (first === 'call') return runLegacyCall(argv.slice(1));
  const command = COMMANDS.find((c) => c.name === `${first} ${second}`) ?? COMMANDS.find((c) => c.name === first);
  if (!command) {
    const group = COMMANDS.some((c) => c.name.startsWith(`${first} `));
    if (group && (!second || second === '--help' || second === '-h')) {
      process.stdout.write(`${overview(`${first} `).replace(`${first}  <command>`, `${first} <command>`)}\n`);
      return second ? 0 : 2;
    }
    process.stderr.write(`error: unknown command "${[first, group ? second : undefined].filter(Boolean).join(' ')}"\n\n${overview(group ? `${first} ` : '')}\n`);
    return 2;
  }
  try {
    const args = parseCommandArgs(command, argv.slice(command.name.split(' ').length));
    if (!args) {
      process.stdout.write(`${helpText(command)}\n`);
      return 0;
    }
    return await command.run(args);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(e as Error).message}\n\n${helpText(command)}\n`);
      return 2;
    }
    return reportError(e);
  }
}

async function runLegacyCall(argv: string[]): Promise<number> {
  try {
    return await callCommand(argv);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${(e as Error).message}\n\n${CALL_HELP}\n`);
      return 2;
    }
    return reportError(e);
  }
}
