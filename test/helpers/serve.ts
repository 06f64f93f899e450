/**
 * `warden serve` as an operator runs it: a child process on a data directory and port 0, killed
 * when the test file ends if it is still running.
 */
import type { ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { TEST_VAULT_KEY } from '../storage/sqlite-helpers.js';
import { startWarden } from './cli.js';

/** A running `warden serve`. */
export interface ServedWarden {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The admin token, when this start printed one. */
  token: string | undefined;
  stdout(): string;
  /** Sends SIGTERM; resolves to the exit code. */
  stop(): Promise<number | null>;
}

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts `warden serve` on `dataDir` (with `env` added) and waits for its banner. */
export async function serveWarden(dataDir: string, extra: string[] = [], env: Record<string, string> = {}): Promise<ServedWarden> {
  const child = startWarden(['serve', '--port', '0', '--data-dir', dataDir, ...extra], { WARDEN_VAULT_KEY: TEST_VAULT_KEY, ...env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner; stdout: ${stdout}\nstderr: ${stderr}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      if (/sign in/.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return {
    url: /listening on (http:\/\/\S+)/.exec(stdout)![1]!,
    token: /admin token[^:]*: (wdn_\S+)/.exec(stdout)?.[1],
    stdout: () => stdout,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
