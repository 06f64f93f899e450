/**
 * What the REST API adds to a tool call: `POST /api/plugins/:id/tools/:tool` of the `echo`
 * fixture through the real gateway on loopback (auth, security checks, routing, JSON), against
 * `warden.call` of the same tool: latency one call at a time, and calls per second with 16 calls
 * in flight. Warden only.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { createGateway } from '../../src/gateway/server.js';
import { Warden } from '../../src/warden/index.js';
import { collect, ECHO, TableBuilder } from '../harness.js';
import type { Runtime } from '../peers.js';
import type { Table } from '../report.js';
import { REST_CALLS, REST_CONCURRENCY, REST_THROUGHPUT_MS } from '../sample-counts.js';
import { fmtInt, fmtUs, summarize } from '../stats.js';
import type { WardenFigures } from '../targets.js';

const INPUT = JSON.stringify({ text: 'sixteen bytes!!!' });

/** One REST tool call over a keep-alive agent; resolves when the whole answer is read. */
function restCall(agent: Agent, port: number, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({
      agent, host: '127.0.0.1', port, method: 'POST', path: '/api/plugins/bench-echo/tools/echo',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(INPUT) },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`REST call answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(INPUT);
  });
}

/** Latencies (µs) of `n` sequential calls of `fn`. */
async function sequential(n: number, fn: () => Promise<unknown>): Promise<Float64Array> {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out[i] = (performance.now() - t0) * 1000;
  }
  return out;
}

/** Calls per second of `fn` with `lanes` calls in flight for `ms`. */
async function throughput(lanes: number, ms: number, fn: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (performance.now() < end) {
      await fn();
      calls++;
    }
  }));
  return calls / ((performance.now() - t0) / 1000);
}

/**
 * REST calls per second from a separate client process (as autocannon would be), so the
 * server's event loop is not shared with the client's: `lanes` keep-alive connections for `ms`.
 */
async function restThroughput(port: number, token: string, lanes: number, ms: number): Promise<number> {
  const client = `
    const { Agent, request } = require('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: ${lanes} });
    const body = ${JSON.stringify(INPUT)};
    const call = () => new Promise((resolve, reject) => {
      const req = request({ agent, host: '127.0.0.1', port: ${port}, method: 'POST', path: '/api/plugins/bench-echo/tools/echo',
        headers: { authorization: 'Bearer ${token}', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => { res.resume(); res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('status ' + res.statusCode)))); });
      req.on('error', reject);
      req.end(body);
    });
    (async () => {
      let n = 0;
      const end = performance.now() + ${ms};
      const t0 = performance.now();
      await Promise.all(Array.from({ length: ${lanes} }, async () => { while (performance.now() < end) { await call(); n++; } }));
      process.stdout.write(String(n / ((performance.now() - t0) / 1000)));
      agent.destroy();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', client], { timeout: ms + 30_000 });
  return Number(stdout);
}

/** The "REST API tool calls" table. */
export async function restCallBench(runtimes: Runtime[], figures: WardenFigures): Promise<Table> {
  const rows = ['direct warden.call p50 / p99', 'REST p50 / p99', 'added by REST, p50', `direct calls/s, ${REST_CONCURRENCY} in flight`, `REST calls/s, ${REST_CONCURRENCY} in flight`];
  const t = new TableBuilder(
    'REST API tool calls against a direct call',
    `A \`Warden\` (SQLite, durability \`normal\`) with the \`echo\` fixture installed as \`bench-echo\`, served by \`createGateway\` on 127.0.0.1 in the same process. ` +
      `REST: \`POST /api/plugins/bench-echo/tools/echo\` with a bearer token and the JSON body \`${INPUT}\`, over a keep-alive \`node:http\` agent that reads the whole answer (auth, Host and Origin checks, routing, body parsing, the tool call, JSON output). ` +
      `Latency: ${fmtInt(REST_CALLS)} sequential calls each, client in the same process. Throughput: ${REST_CONCURRENCY} calls in flight for ${REST_THROUGHPUT_MS / 1000} s; for REST from a separate client process, as autocannon would run (client and server still share the machine's two cores). Warden only.`,
    rows,
  );
  for (const rt of runtimes) {
    if (rt.id !== 'warden') {
      t.set(rows[0]!, rt.id, 'n/a (no REST gateway)');
      continue;
    }
    await t.run(rt.id, async () => {
      const dataDir = mkdtempSync(join(os.tmpdir(), 'warden-bench-rest-'));
      const warden = await Warden.open({ dataDir, vaultKey: new Uint8Array(32).fill(9), durability: 'normal' });
      const agent = new Agent({ keepAlive: true, maxSockets: REST_CONCURRENCY });
      try {
        const src = join(dataDir, 'src');
        mkdirSync(src);
        writeFileSync(join(src, 'plugin.wasm'), ECHO);
        writeFileSync(join(src, 'warden.yaml'), stringify({ name: 'bench-echo', version: '1.0.0', description: 'bench', wasm: 'plugin.wasm', tools: [{ name: 'echo', description: 'echo' }] }));
        await warden.install(src);
        const gateway = await createGateway(warden, { port: 0, onError: () => undefined });
        try {
          const port = Number(new URL(gateway.url).port);
          const token = gateway.newToken!;
          const direct = () => warden.call('bench-echo', 'echo', INPUT);
          const rest = () => restCall(agent, port, token);
          for (let i = 0; i < 500; i++) await Promise.all([direct(), rest()]); // warm-up
          await collect();
          const d = summarize(await sequential(REST_CALLS, direct));
          await collect();
          const r = summarize(await sequential(REST_CALLS, rest));
          await collect();
          const dps = await throughput(REST_CONCURRENCY, REST_THROUGHPUT_MS, direct);
          await collect();
          const rps = await restThroughput(port, token, REST_CONCURRENCY, REST_THROUGHPUT_MS);
          t.set(rows[0]!, rt.id, `${fmtUs(d.p50)} / ${fmtUs(d.p99)}`);
          t.set(rows[1]!, rt.id, `${fmtUs(r.p50)} / ${fmtUs(r.p99)}`);
          t.set(rows[2]!, rt.id, fmtUs(r.p50 - d.p50));
          t.set(rows[3]!, rt.id, fmtInt(Math.round(dps)));
          t.set(rows[4]!, rt.id, fmtInt(Math.round(rps)));
          figures.restDirect = d;
          figures.restCall = r;
          figures.restCallsPerSecond = rps;
        } finally {
          await gateway.close();
        }
      } finally {
        agent.destroy();
        await warden.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
  return t.build();
}
