/**
 * What the MCP gateway adds to a tool call: `tools/call` of the `echo` fixture over the SDK's
 * in-memory transport (the gateway's own cost: JSON-RPC, the tool catalog, result mapping) and
 * over Streamable HTTP on loopback (plus the HTTP server, the SDK's transport and SSE framing),
 * against `warden.call` of the same tool with the same input. Warden only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { PluginOutput } from '../../src/index.js';
import { createMcpHttpHandler, createMcpServer } from '../../src/mcp/index.js';
import { Warden } from '../../src/warden/index.js';
import { collect, ECHO, TableBuilder, writePluginFolder } from '../harness.js';
import type { Runtime } from '../peers.js';
import type { Table } from '../report.js';
import { MCP_BLOCK, MCP_CALLS, MCP_WARMUP_CALLS, SETTLE_MS } from '../sample-counts.js';
import { fmtInt, fmtUs, repeat, sampleLatency, summarize, type LatencySummary } from '../stats.js';
import type { WardenFigures } from '../targets.js';

const ARGS = { text: 'sixteen bytes!!!' };
const INPUT = JSON.stringify(ARGS);
const TOOL = 'bench-echo__echo';
const PROTOCOL_VERSION = '2025-06-18';
const SERIES = ['direct', 'memory', 'http'] as const;
type Series = (typeof SERIES)[number];
const LABELS: Record<Series, string> = { direct: 'direct warden.call', memory: 'MCP in-memory', http: 'MCP HTTP' };

/** The "MCP tools/call" table; records Warden's three summaries. */
export async function mcpCall(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'MCP tools/call against a direct call',
    `A \`Warden\` (SQLite store, durability \`normal\`, temp data dir) with one installed plugin: fixture \`echo\`, tool \`echo\`, default limits. ` +
      `Input: the JSON object \`${INPUT}\` (${INPUT.length} B), which the plugin echoes back. ` +
      `Direct: \`warden.call('bench-echo', 'echo', json)\`. MCP in-memory: the SDK \`Client\` ↔ \`createMcpServer(warden)\` over the SDK's \`InMemoryTransport\`, \`client.callTool({ name: '${TOOL}', arguments })\` (JSON-RPC encoding, schema validation on both ends, the tool catalog, result mapping with \`structuredContent\`). ` +
      `MCP HTTP: \`createMcpHttpHandler(warden)\` on a \`node:http\` server on 127.0.0.1 (same process), one initialised session, each call a POST of the \`tools/call\` JSON-RPC request answered with an SSE stream, sent by a minimal keep-alive \`node:http\` client that reads the whole response (the SDK's client costs several ms per call of its own under \`fetch\`, on the agent's side, so it is left out). ` +
      `${fmtInt(MCP_WARMUP_CALLS)} warm-up calls per series, then ${fmtInt(MCP_CALLS)} timed sequential calls per series, the three alternating in blocks of ${fmtInt(MCP_BLOCK)} (garbage collected between blocks). "Added" is the series' p50 − the direct p50; "CPU per call" is the process's user + system CPU time (main thread and plugin worker, both ends) over a series divided by its calls, which other load on the machine disturbs less than latency. Warden only: the gateway is Warden's.`,
    [...SERIES.flatMap((s) => [`${LABELS[s]} p50`, `${LABELS[s]} p99`]), 'added by MCP, p50 (in-memory / HTTP)', 'CPU per call, all threads (direct / in-memory / HTTP)', 'samples (direct / in-memory / HTTP)'],
  );
  for (const rt of runtimes) {
    if (rt.id !== 'warden') {
      t.set(`${LABELS.direct} p50`, rt.id, 'n/a (no MCP gateway)');
      continue;
    }
    await t.run(rt.id, async () => {
      const dataDir = mkdtempSync(join(os.tmpdir(), 'warden-bench-mcp-'));
      const src = mkdtempSync(join(os.tmpdir(), 'warden-bench-mcp-src-'));
      const w = await Warden.open({ dataDir, durability: 'normal', vaultKey: new Uint8Array(32) });
      const client = new Client({ name: 'bench', version: '0' });
      const handler = createMcpHttpHandler(w);
      const server = createServer((req, res) => void handler.handle(req, res));
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await w.install(writePluginFolder(src, 'bench-echo', ECHO));
        const [a, b] = InMemoryTransport.createLinkedPair();
        await Promise.all([createMcpServer(w).connect(a), client.connect(b)]);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const http = await httpSession((server.address() as AddressInfo).port, agent);

        const calls: Record<Series, () => Promise<unknown>> = {
          direct: () => w.call('bench-echo', 'echo', INPUT),
          memory: () => client.callTool({ name: TOOL, arguments: ARGS }),
          http: () => http.callTool(TOOL, ARGS),
        };
        for (const series of SERIES) await check(series, calls[series]);
        await sleep(SETTLE_MS);
        await collect();
        for (const series of SERIES) await repeat(calls[series], MCP_WARMUP_CALLS);
        const samples: Record<Series, number[]> = { direct: [], memory: [], http: [] };
        const cpuUs: Record<Series, number> = { direct: 0, memory: 0, http: 0 };
        for (let done = 0; done < MCP_CALLS; done += MCP_BLOCK) {
          for (const series of SERIES) {
            const cpu = process.cpuUsage();
            samples[series].push(...(await sampleLatency(calls[series], Math.min(MCP_BLOCK, MCP_CALLS - done))));
            const used = process.cpuUsage(cpu);
            cpuUs[series] += used.user + used.system;
          }
          await collect();
        }
        const [direct, memory, viaHttp] = SERIES.map((s) => summarize(Float64Array.from(samples[s]))) as [LatencySummary, LatencySummary, LatencySummary];
        [direct, memory, viaHttp].forEach((summary, i) => {
          for (const p of ['p50', 'p99'] as const) t.set(`${LABELS[SERIES[i]!]} ${p}`, rt.id, fmtUs(summary[p]));
        });
        t.set('added by MCP, p50 (in-memory / HTTP)', rt.id, `${fmtUs(memory.p50 - direct.p50)} / ${fmtUs(viaHttp.p50 - direct.p50)}`);
        t.set('CPU per call, all threads (direct / in-memory / HTTP)', rt.id, SERIES.map((s) => fmtUs(cpuUs[s] / samples[s].length)).join(' / '));
        t.set('samples (direct / in-memory / HTTP)', rt.id, [direct, memory, viaHttp].map((s) => fmtInt(s.samples)).join(' / '));
        Object.assign(warden, { mcpDirect: direct, mcpInMemory: memory, mcpHttp: viaHttp });
      } finally {
        await client.close();
        await handler.close();
        agent.destroy();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await w.close();
        for (const dir of [dataDir, src]) rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  t.notes.push('Client and server share the main thread (and with it the event loop that relays the plugin call to its worker), so every MCP figure includes both ends of the protocol.');
  return t.build();
}

/** An initialised Streamable HTTP session driven by hand: `callTool` resolves with the result of the SSE response. */
async function httpSession(port: number, agent: Agent): Promise<{ callTool(name: string, args: object): Promise<unknown> }> {
  let headers: Record<string, string> = {};
  const post = (message: object): Promise<{ session?: string; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST', agent, headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', ...headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ session: res.headers['mcp-session-id'] as string | undefined, body }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(message));
    });
  const init = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'bench', version: '0' } } });
  headers = { 'mcp-session-id': String(init.session), 'mcp-protocol-version': PROTOCOL_VERSION };
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  let id = 1;
  return {
    async callTool(name, args) {
      const { body } = await post({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name, arguments: args } });
      const data = body.split('\n').find((line) => line.startsWith('data: '));
      return data && (JSON.parse(data.slice(6)) as { result?: unknown }).result;
    },
  };
}

/** Fails the measurement unless `fn` echoes {@link ARGS}. */
async function check(series: string, fn: () => Promise<unknown>): Promise<void> {
  const out = await fn();
  const text = out instanceof PluginOutput ? out.text() : (out as { content?: { text?: string }[] } | undefined)?.content?.[0]?.text;
  if (text !== INPUT) throw new Error(`${series}: the echo returned ${JSON.stringify(out).slice(0, 200)}, expected ${INPUT}`);
}
