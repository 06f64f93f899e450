/**
 * Runs the real `warden` CLI as a child process, the way an operator or a script does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of `bin/warden.js`. */
export const WARDEN_BIN = fileURLToPath(new URL('../../../bin/warden.js', import.meta.url));

/** What a CLI run printed and how it exited. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `warden args…` with `env` added to a minimal environment. */
export function startWarden(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [WARDEN_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env } });
}

/** Runs `warden args…` to completion, feeding `stdin`. */
export function runWarden(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = startWarden(args, options.env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin!.end(options.stdin ?? '');
  });
}
