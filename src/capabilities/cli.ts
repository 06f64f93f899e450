/**
 * The `cli` capability: a plugin runs a granted host program, named by absolute path, with
 * arguments that match one of the grant's patterns (`cliArgsAllowed`). No shell, a scrubbed
 * environment, an operator-chosen working directory, a deadline and capped output; the child and
 * its process group are killed on any overrun or when the plugin call dies.
 */
import { spawn } from 'node:child_process';
import { WardenError } from '../errors.js';
import { cliArgsAllowed } from '../manifest/cli-command.js';
import type { HostFunction } from '../runtime/host-call-context.js';
import type { Gate } from './gate.js';
import { guestText } from './guest-values.js';

/** Operator settings of {@link cliFunctions}. */
export interface CliOptions {
  /** Working directory of every command. @default '/' */
  cwd?: string;
  /** Longest a command may run (also bounded by a delegation chain's deadline). @default 10000 */
  timeoutMs?: number;
  /** Cap on each of stdout and stderr; over it the child is killed. @default 1 MiB */
  maxOutputBytes?: number;
}

/** Options of {@link cliFunctions}. */
export interface CliFunctionsOptions extends CliOptions {
  gate: Gate;
}

export const CLI_FUNCTIONS = ['warden_cli_run'] as const;

/** The whole environment a command sees. */
export const CLI_ENV: Readonly<Record<string, string>> = Object.freeze({ PATH: '/usr/bin:/bin' });

const MAX_ARGS = 256;
const SHOWN_PATH = 128;

interface CliRequest { command: string; args: string[] }

function parseRequest(text: string): CliRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WardenError('PLUGIN_ERROR', 'warden_cli_run: the request is not valid JSON');
  }
  const { command, args = [] } = (typeof value === 'object' && value !== null ? value : {}) as { command?: unknown; args?: unknown };
  const ok = typeof command === 'string' && Array.isArray(args) && args.length <= MAX_ARGS
    && args.every((a) => typeof a === 'string' && !a.includes('\0')) && !command.includes('\0');
  if (!ok) throw new WardenError('PLUGIN_ERROR', `warden_cli_run: expected { "command": "/absolute/path", "args": [at most ${MAX_ARGS} strings] }`);
  return { command: command as string, args: args as string[] };
}

/**
 * `warden_cli_run(request: i64) -> i64` — request `{ "command", "args" }` (JSON), result
 * `{ "code", "stdout", "stderr" }` (`code` null when the child died of a signal). Not granted →
 * `PERMISSION_DENIED`; past the deadline → `TIMEOUT`; over the output cap → `LIMIT_EXCEEDED`
 * (`data.limit` `cliOutputBytes`). The audit detail names the command only when it is a granted
 * path, and counts the arguments without showing them (a plugin may pass secrets there).
 */
export function cliFunctions(options: CliFunctionsOptions): Record<(typeof CLI_FUNCTIONS)[number], HostFunction> {
  const { gate } = options;
  const cwd = options.cwd ?? '/';
  const cap = options.maxOutputBytes ?? 1024 * 1024;
  return {
    async warden_cli_run(ctx, requestHandle) {
      const { command, args } = parseRequest(guestText(ctx, requestHandle, 'warden_cli_run'));
      const known = gate.capability('cli')?.commands.some((c) => c.command === command) && command.length <= SHOWN_PATH;
      const detail = `cli run ${known ? JSON.stringify(command) : `(a path of ${command.length} characters)`} with ${args.length} argument(s)`;
      await gate.require('cli', detail, (c) => c.commands.some((cmd) => cmd.command === command && cliArgsAllowed(cmd, args)));
      const chainDeadline = ctx.call.delegation?.deadline ?? Infinity;
      const ms = Math.floor(Math.min(options.timeoutMs ?? 10_000, chainDeadline - Date.now()));
      if (ms <= 0) throw new WardenError('TIMEOUT', 'cli: no time left before the deadline');
      return ctx.store(await run(command, args, { cwd, ms, cap, signal: ctx.signal }));
    },
  };
}

interface RunSettings { cwd: string; ms: number; cap: number; signal: AbortSignal }

function run(command: string, args: string[], { cwd, ms, cap, signal }: RunSettings): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...CLI_ENV }, shell: false, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sizes = { out: 0, err: 0 };
    let failure: WardenError | undefined;
    const kill = (why: WardenError): void => {
      failure ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => kill(new WardenError('TIMEOUT', `cli: ${command} ran past its deadline (${ms} ms) and was killed`, { data: { timeoutMs: ms } })), ms);
    const onAbort = (): void => kill(new WardenError('TIMEOUT', `cli: the plugin call ended; ${command} was killed`));
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    const collect = (into: Buffer[], key: 'out' | 'err') => (chunk: Buffer): void => {
      sizes[key] += chunk.length;
      if (sizes[key] > cap) {
        kill(new WardenError('LIMIT_EXCEEDED', `cli: ${command} wrote more than ${cap} bytes to std${key}; it was killed`, {
          data: { limit: 'cliOutputBytes', max: cap },
        }));
      } else into.push(chunk);
    };
    child.stdout.on('data', collect(out, 'out'));
    child.stderr.on('data', collect(err, 'err'));
    child.once('error', (e: NodeJS.ErrnoException) => {
      failure ??= new WardenError('HOST_FUNCTION_ERROR', `cli: ${command} could not be started (${e.code ?? 'error'})`);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
