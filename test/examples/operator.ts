/**
 * The examples as an operator meets them: `warden` as a child process on a temporary data
 * directory, the built example folders (dist/examples/<name>/) installed as they are.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runWarden, type CliResult } from '../helpers/cli.js';
import { TEST_VAULT_KEY, type TempDirs } from '../storage/sqlite-helpers.js';

/** The built plugin directory of example `name`. */
export const examplePath = (name: string): string => fileURLToPath(new URL(`../../examples/${name}/`, import.meta.url));

/** Asserts a run exited 0; returns it. */
export function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** Asserts a run failed with exit code 1 and `code` (an error code) on stderr; returns it. */
export function fails(r: CliResult, code: string, mentions?: RegExp): CliResult {
  assert.equal(r.code, 1, `expected a failure, got exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`\\b${code}\\b`));
  if (mentions) assert.match(r.stderr, mentions);
  return r;
}

/** A CLI bound to one fresh data directory. */
export interface Operator {
  dataDir: string;
  run(args: string[], stdin?: string): Promise<CliResult>;
  /** `warden plugin install <example> …args`, asserted to succeed. */
  install(example: string, ...args: string[]): Promise<CliResult>;
  /** `warden plugin call <id> <tool> <input> …args`; stdout parsed as JSON, asserted to succeed. */
  callJson(id: string, tool: string, input?: unknown, ...args: string[]): Promise<unknown>;
}

export function operator(dirs: TempDirs, env: Record<string, string> = {}): Operator {
  const dataDir = dirs.make();
  const run = (args: string[], stdin?: string) => runWarden(args, { env: { WARDEN_DATA_DIR: dataDir, WARDEN_VAULT_KEY: TEST_VAULT_KEY, ...env }, ...(stdin !== undefined && { stdin }) });
  return {
    dataDir,
    run,
    install: async (example, ...args) => ok(await run(['plugin', 'install', example.includes('/') ? example : examplePath(example), ...args])),
    callJson: async (id, tool, input, ...args) => {
      const text = input === undefined ? [] : [typeof input === 'string' ? input : JSON.stringify(input)];
      return JSON.parse(ok(await run(['plugin', 'call', id, tool, ...text, ...args])).stdout);
    },
  };
}
