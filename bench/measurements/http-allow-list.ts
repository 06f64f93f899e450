/**
 * Allow-list overhead on an HTTP call: as_kitchen `http_get` of a loopback URL the plugin is
 * allowed to reach, against a bare undici `fetch` of the same URL from the main thread. Warden only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { capabilityOptions, effectiveCapabilities } from '../../src/capabilities/index.js';
import { createHost, type Plugin } from '../../src/index.js';
import { parseCapabilities } from '../../src/manifest/capabilities.js';
import { createSqliteStore, type StateStore } from '../../src/storage/index.js';
import { collect, fixture, TableBuilder } from '../harness.js';
import type { Runtime } from '../peers.js';
import type { Table } from '../report.js';
import { HTTP_BLOCK, HTTP_REQUESTS, HTTP_WARMUP_REQUESTS, SETTLE_MS } from '../sample-counts.js';
import { fmtInt, fmtUs, repeat, sampleLatency, summarize } from '../stats.js';
import type { WardenFigures } from '../targets.js';

const AS_KITCHEN = fixture('as_kitchen');
const BODY = 'hello';

/** The "Allow-list overhead on an HTTP call" table; records Warden's plugin and bare-fetch summaries. */
export async function httpAllowList(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'Allow-list overhead on an HTTP call (loopback)',
    `A \`node:http\` server on 127.0.0.1 (same process) answering every request with 200 and a 5-byte body. ` +
      `Plugin: fixture \`as_kitchen\`, export \`http_get\` (\`http_request\` GET of its input URL, then "<status> <body>" as output), requesting \`network: ["127.0.0.1:<port>"]\`, granted it (level \`strict\`), loaded with \`capabilityOptions\` over a \`createSqliteStore\` (\`normal\`), one instance. ` +
      `Bare: undici \`fetch\` of the same URL from the main thread through a keep-alive \`Agent\`, reading the body as text. ` +
      `${fmtInt(HTTP_WARMUP_REQUESTS)} warm-up requests each, then ${fmtInt(HTTP_REQUESTS)} timed requests each, the two series alternating in blocks of ${fmtInt(HTTP_BLOCK)}. ` +
      `"Overhead" is plugin p50 − bare p50: the plugin call, the worker ↔ main-thread hop, the allow-list and address checks, and copying the response into the plugin. ` +
      `Warden only: the allow-list is a Warden capability.`,
    ['plugin http_get p50', 'plugin http_get p99', 'bare fetch p50', 'bare fetch p99', 'overhead, plugin p50 − bare p50', 'of which a plugin call with no host call (echo 16 B p50, table 1)', 'samples (plugin / bare)'],
  );
  for (const rt of runtimes) {
    if (rt.id !== 'warden') {
      t.set('plugin http_get p50', rt.id, 'n/a (no Warden allow-list)');
      continue;
    }
    await t.run(rt.id, async () => {
      const server = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(BODY);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      const hostPort = `127.0.0.1:${port}`;
      const url = `http://${hostPort}/`;
      const agent = new Agent();
      const host = createHost();
      const dir = mkdtempSync(join(os.tmpdir(), 'warden-bench-http-'));
      let store: StateStore | undefined;
      let plugin: Plugin | undefined;
      try {
        store = createSqliteStore({ dataDir: dir, durability: 'normal' });
        const id = 'bench-http';
        const effective = effectiveCapabilities(parseCapabilities([{ network: [hostPort] }]).capabilities, [`network:${hostPort}`], 'strict');
        plugin = await host.load(AS_KITCHEN, {
          name: id,
          limits: { maxInstances: 1 },
          ...capabilityOptions({ plugin: id, effective, store }),
          functions: { 'extism:host/user': { reverse: () => 0n } },
        });
        const p = plugin;
        const viaPlugin = () => p.call('http_get', url);
        const bare = async () => {
          const res = await fetch(url, { dispatcher: agent });
          return res.text();
        };
        const first = (await viaPlugin()).text();
        if (first !== `200 ${BODY}`) throw new Error(`http_get returned ${JSON.stringify(first)}, expected "200 ${BODY}"`);
        const direct = await bare();
        if (direct !== BODY) throw new Error(`bare fetch returned ${JSON.stringify(direct)}`);
        await sleep(SETTLE_MS);
        await collect();
        await repeat(viaPlugin, HTTP_WARMUP_REQUESTS);
        await repeat(bare, HTTP_WARMUP_REQUESTS);
        const pluginSamples: number[] = [];
        const bareSamples: number[] = [];
        for (let done = 0; done < HTTP_REQUESTS; done += HTTP_BLOCK) {
          const n = Math.min(HTTP_BLOCK, HTTP_REQUESTS - done);
          pluginSamples.push(...await sampleLatency(viaPlugin, n));
          bareSamples.push(...await sampleLatency(bare, n));
        }
        const viaP = summarize(Float64Array.from(pluginSamples));
        const viaB = summarize(Float64Array.from(bareSamples));
        t.set('plugin http_get p50', rt.id, fmtUs(viaP.p50));
        t.set('plugin http_get p99', rt.id, fmtUs(viaP.p99));
        t.set('bare fetch p50', rt.id, fmtUs(viaB.p50));
        t.set('bare fetch p99', rt.id, fmtUs(viaB.p99));
        t.set('overhead, plugin p50 − bare p50', rt.id, fmtUs(viaP.p50 - viaB.p50));
        t.set('of which a plugin call with no host call (echo 16 B p50, table 1)', rt.id, warden.echo16 ? fmtUs(warden.echo16.p50) : 'not measured');
        t.set('samples (plugin / bare)', rt.id, `${fmtInt(viaP.samples)} / ${fmtInt(viaB.samples)}`);
        warden.httpPlugin = viaP;
        warden.httpBare = viaB;
      } finally {
        await plugin?.close();
        await host.close();
        await store?.close();
        await agent.close();
        await new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  t.notes.push('Server and bare client share the main thread with Warden\'s side of the plugin\'s request, so both series pay the same server cost; the difference is what the sandboxed path adds.');
  return t.build();
}
