/**
 * `warden plugin call <id> <tool> [json]`: runs an installed plugin's tool with its grants.
 */
import { WardenError } from '../../errors.js';
import { STATE_OPTIONS, str, type Command } from '../command.js';
import { withWarden } from '../open.js';
import { UsageError } from '../output.js';
import { readStdinText } from '../prompt.js';

export const pluginCallCommand: Command = {
  name: 'plugin call',
  args: '<id> <tool> [input]',
  summary: 'Run a tool of an installed, enabled plugin with its grants and print the output.',
  details: 'The input is the third argument, else standard input when it is not a terminal. Output goes to stdout as raw bytes.',
  positionals: { min: 2, max: 3 },
  options: {
    context: { type: 'string', help: '<json>  the call context (session id, user, agent config) the plugin may read' },
    timeout: { type: 'string', help: '<ms>  deadline for the call (default: the plugin\'s limit)' },
    ...STATE_OPTIONS,
  },
  example: 'warden plugin call hello-world hello \'{"name":"Ada"}\'',
  async run(args) {
    const [id, tool, given] = args.positionals as [string, string, string?];
    const input = given ?? (process.stdin.isTTY ? undefined : await readStdinText());
    const contextText = str(args, 'context');
    let context: unknown;
    try {
      context = contextText === undefined ? undefined : JSON.parse(contextText);
    } catch {
      throw new UsageError('--context expects JSON, e.g. \'{"session":"s1"}\'');
    }
    const timeoutText = str(args, 'timeout');
    const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new UsageError(`--timeout expects milliseconds, got "${timeoutText}"`);
    return withWarden(args, async (warden) => {
      const output = await warden.call(id, tool, input, { ...(context !== undefined && { context }), ...(timeoutMs && { timeoutMs }) }).catch((e: unknown) => {
        if (e instanceof WardenError && e.code === 'PLUGIN_ERROR') throw new WardenError('PLUGIN_ERROR', `${id}.${tool} failed: ${e.message}`, { data: e.data });
        throw e;
      });
      process.stdout.write(output.bytes);
      if (process.stdout.isTTY && output.bytes.length && output.bytes.at(-1) !== 10) process.stdout.write('\n');
      return 0;
    });
  },
};
