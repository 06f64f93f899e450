/**
 * Servers in processes of their own, for throughput runs: `warden serve` as an operator starts
 * it, and a bare `node:http` server as the machine's floor. A server inside the bench process
 * would share that process's heap and helper threads with everything the earlier sections left
 * behind (measured: the floor fell from ~11,800 to ~8,100 calls/s there), which is not what
 * `warden serve` runs in.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePluginFolder } from './harness.js';

const WARDEN_BIN = fileURLToPath(new URL('../../bin/warden.js', import.meta.url));

/** A server process listening on 127.0.0.1. */
export interface ServedProcess {
  port: number;
  /** The admin token (`warden serve` only). */
  token: string;
  stop(): Promise<void>;
}

/** Starts `command` and resolves once `ready` matches its standard output. */
function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${stdout}\n${stderr}`));
    }, 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      const match = ready.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({ child, match });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${stderr}`));
    });
  });
}

function stopper(child: ChildProcess, cleanup: () => void = () => undefined): () => Promise<void> {
  return () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve(cleanup());
    child.once('exit', () => resolve(cleanup()));
    child.kill('SIGTERM');
  });
}

/** `warden serve` on a fresh data directory with `wasm` installed as plugin `name` (tool `tool`). */
export async function serveWarden(name: string, tool: string, wasm: Uint8Array): Promise<ServedProcess> {
  const root = mkdtempSync(join(os.tmpdir(), 'warden-bench-serve-'));
  writePluginFolder(join(root, 'plugins', name), name, wasm, [{ name: tool, description: tool }]);
  const env = { PATH: process.env.PATH, HOME: root, WARDEN_VAULT_KEY: '09'.repeat(32) };
  const args = [WARDEN_BIN, 'serve', '--port', '0', '--data-dir', join(root, 'data'), '--examples', join(root, 'plugins')];
  const { child, match } = await startProcess(args, env, /listening on http:\/\/127\.0\.0\.1:(\d+)[\s\S]*admin token[^:]*: (wdn_\S+)/);
  return { port: Number(match[1]), token: match[2]!, stop: stopper(child, () => rmSync(root, { recursive: true, force: true })) };
}

/** The floor: a bare `node:http` server that parses a JSON body and answers it as JSON. */
export async function serveBareHttp(): Promise<ServedProcess> {
  const code = `
    const server = require('node:http').createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const text = JSON.stringify({ output: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`;
  const { child, match } = await startProcess(['-e', code], { PATH: process.env.PATH }, /port (\d+)/);
  return { port: Number(match[1]), token: 'unused', stop: stopper(child) };
}
