/**
 * What the REST API adds to a tool call: `POST /api/plugins/:id/tools/:tool` of the `echo`
 * fixture through the real gateway on loopback (auth, security checks, routing, JSON), against
 * `warden.call` of the same tool: latency one call at a time, and calls per second with 16 calls
 * in flight. Warden only.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGateway } from '../../src/gateway/server.js';
import { Warden } from '../../src/warden/index.js';
import { collect, ECHO, TableBuilder, writePluginFolder } from '../harness.js';
import { serveBareHttp, serveWarden, type ServedProcess } from '../served.js';
import type { Runtime } from '../peers.js';
import type { Table } from '../report.js';
import { REST_CALLS, REST_CONCURRENCY, REST_THROUGHPUT_RUNS, REST_THROUGHPUT_SECONDS } from '../sample-counts.js';
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

/** One autocannon run against the echo tool: calls per second over `seconds`, every answer a 200. */
async function autocannon(port: number, token: string, seconds: number): Promise<number> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [
    bin, '--json', '--connections', String(REST_CONCURRENCY), '--duration', String(seconds), '--method', 'POST',
    '--headers', `authorization=Bearer ${token}`, '--headers', 'content-type=application/json', '--body', INPUT,
    `http://127.0.0.1:${port}/api/plugins/bench-echo/tools/echo`,
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: seconds * 1000 + 30_000, maxBuffer: 64 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { requests: { total: number }; duration: number; non2xx: number; errors: number; timeouts: number };
  if (result.non2xx || result.errors || result.timeouts) throw new Error(`autocannon: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  return result.requests.total / result.duration;
}

/**
 * Calls per second measured by autocannon in its own process (so the server's event loop is not
 * shared with the client's): a warm-up run, then the median of the timed runs, and their range.
 */
async function restThroughput(port: number, token: string): Promise<{ median: number; min: number; max: number }> {
  await autocannon(port, token, 2);
  const runs: number[] = [];
  for (let i = 0; i < REST_THROUGHPUT_RUNS; i++) runs.push(await autocannon(port, token, REST_THROUGHPUT_SECONDS));
  runs.sort((a, b) => a - b);
  return { median: runs[Math.floor(runs.length / 2)]!, min: runs[0]!, max: runs[runs.length - 1]! };
}

/** The median and range of `restThroughput` against a server started for it, stopped after. */
async function servedThroughput(start: () => Promise<ServedProcess>): Promise<{ median: number; min: number; max: number }> {
  const served = await start();
  try {
    return await restThroughput(served.port, served.token);
  } finally {
    await served.stop();
  }
}

/** `median (runs min–max)`. */
const runsText = (r: { median: number; min: number; max: number }): string => `${fmtInt(Math.round(r.median))} (runs ${fmtInt(Math.round(r.min))}–${fmtInt(Math.round(r.max))})`;

/** The "REST API tool calls" table. */
export async function restCallBench(runtimes: Runtime[], figures: WardenFigures): Promise<Table> {
  const rows = ['direct warden.call p50 / p99', 'REST p50 / p99', 'added by REST, p50', `direct calls/s, ${REST_CONCURRENCY} in flight`, `REST calls/s (autocannon), ${REST_CONCURRENCY} in flight`, `floor: bare node:http JSON echo, calls/s (autocannon)`];
  const t = new TableBuilder(
    'REST API tool calls against a direct call',
    `A \`Warden\` (SQLite, durability \`normal\`) with the \`echo\` fixture installed as \`bench-echo\`, served by \`createGateway\` on 127.0.0.1 in the bench process for the latency rows. ` +
      `REST: \`POST /api/plugins/bench-echo/tools/echo\` with a bearer token and the JSON body \`${INPUT}\`, over a keep-alive \`node:http\` agent that reads the whole answer (auth, Host and Origin checks, routing, body parsing, the tool call, JSON output). ` +
      `Latency: ${fmtInt(REST_CALLS)} sequential calls each, client in the same process. Throughput: ${REST_CONCURRENCY} calls in flight; direct calls for ${REST_THROUGHPUT_SECONDS} s in this process; REST against \`warden serve\` started for it in a process of its own (the plugin installed with \`--examples\`), by [autocannon](https://github.com/mcollina/autocannon) in a third process (client and server share the machine's two cores), a 2 s warm-up then the median (and range) of ${REST_THROUGHPUT_RUNS} runs of ${REST_THROUGHPUT_SECONDS} s. The floor row is what this machine does at that moment with no Warden at all: a bare \`node:http\` server, in its own process too, parsing and answering the same JSON under the same runs (these shared machines vary by 1.5× within an hour, so read REST against it). Warden only.`,
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
        await warden.install(writePluginFolder(join(dataDir, 'src'), 'bench-echo', ECHO));
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
          const dps = await throughput(REST_CONCURRENCY, REST_THROUGHPUT_SECONDS * 1000, direct);
          await collect();
          // Throughput against `warden serve` in its own process, the floor likewise.
          const rps = await servedThroughput(() => serveWarden('bench-echo', 'echo', ECHO));
          t.set(rows[0]!, rt.id, `${fmtUs(d.p50)} / ${fmtUs(d.p99)}`);
          t.set(rows[1]!, rt.id, `${fmtUs(r.p50)} / ${fmtUs(r.p99)}`);
          t.set(rows[2]!, rt.id, fmtUs(r.p50 - d.p50));
          t.set(rows[3]!, rt.id, fmtInt(Math.round(dps)));
          t.set(rows[4]!, rt.id, runsText(rps));
          t.set(rows[5]!, rt.id, runsText(await servedThroughput(serveBareHttp)));
          figures.restDirect = d;
          figures.restCall = r;
          figures.restCallsPerSecond = rps.median;
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
