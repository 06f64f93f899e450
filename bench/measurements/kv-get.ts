/**
 * KV get round trip from a plugin: cap_kv `kv_get` (one `warden_kv_get` host call) on a plugin
 * granted `storage: kv` over a real SQLite store, at `normal` and `full` durability, against a
 * 16-byte `echo` on the same host (a plugin call with no host call). Warden only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { capabilityFunctions, effectiveCapabilities } from '../../src/capabilities/index.js';
import { createHost, type Plugin } from '../../src/index.js';
import { parseCapabilities } from '../../src/manifest/capabilities.js';
import { createSqliteStore, type Durability, type StateStore } from '../../src/storage/index.js';
import { collect, ECHO, fixture, IN_16, sameBytes, TableBuilder, text } from '../harness.js';
import type { Runtime } from '../peers.js';
import type { Table } from '../report.js';
import { KV_GET_CALLS, KV_GET_WARMUP_CALLS, LATENCY_BUDGET_MS, SETTLE_MS } from '../sample-counts.js';
import { fmtInt, fmtUs, repeat, sampleLatency, summarize, type LatencySummary } from '../stats.js';
import type { WardenFigures } from '../targets.js';

const CAP_KV = fixture('cap_kv');
const KEY = 'bench-key';
const VALUE = 'v'.repeat(16);
const DURABILITIES: Durability[] = ['normal', 'full'];

/** Warmed-up latency of `fn` over {@link KV_GET_CALLS} sequential calls. */
async function timed(fn: () => Promise<unknown>): Promise<LatencySummary> {
  await collect();
  await repeat(fn, KV_GET_WARMUP_CALLS);
  return summarize(await sampleLatency(fn, KV_GET_CALLS, LATENCY_BUDGET_MS));
}

/** The "KV get round trip" table; records Warden's kv_get summaries and the echo baseline p50. */
export async function kvGet(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'KV get round trip from a plugin',
    `Fixture \`cap_kv\`, export \`kv_get\`: one \`warden_kv_get\` host call per plugin call, then the value (16 B) as output. ` +
      `The plugin requests and is granted \`storage: kv\` (level \`strict\`) and runs with \`capabilityFunctions\` over \`createSqliteStore({ dataDir: <temp dir>, durability })\`, one store per durability; ` +
      `the key is set once through \`kv_put\` before timing. One instance (\`limits.maxInstances: 1\`), a ${SETTLE_MS} ms pause after loading, ${fmtInt(KV_GET_WARMUP_CALLS)} warm-up calls, then ${fmtInt(KV_GET_CALLS)} sequential calls, whole-call latency. ` +
      `The baseline is a 16-byte \`echo\` on the same host (a plugin call with no host call), timed the same way, and "KV cost" is the difference of the p50s. ` +
      `Warden only: the KV store is a Warden capability.`,
    ['kv_get p50, durability normal', 'kv_get p99, durability normal', 'kv_get p50, durability full', 'kv_get p99, durability full',
      'baseline p50 (echo 16 B, no host call)', 'baseline p99', 'KV cost, p50 − baseline p50 (normal / full)', 'samples (normal / full / baseline)'],
  );
  for (const rt of runtimes) {
    if (rt.id !== 'warden') {
      t.set('kv_get p50, durability normal', rt.id, 'n/a (no KV capability)');
      continue;
    }
    await t.run(rt.id, async () => {
      const host = createHost();
      const dirs: string[] = [];
      const stores: StateStore[] = [];
      try {
        const results = new Map<Durability, LatencySummary>();
        for (const durability of DURABILITIES) {
          const dir = mkdtempSync(join(os.tmpdir(), 'warden-bench-kv-'));
          dirs.push(dir);
          const store = createSqliteStore({ dataDir: dir, durability });
          stores.push(store);
          const id = `bench-kv-${durability}`;
          const effective = effectiveCapabilities(parseCapabilities([{ storage: 'kv' }]).capabilities, ['storage:kv'], 'strict');
          const plugin: Plugin = await host.load(CAP_KV, { name: id, limits: { maxInstances: 1 }, functions: capabilityFunctions({ plugin: id, effective, store }) });
          try {
            await plugin.call('kv_put', `${KEY}=${VALUE}`);
            const got = (await plugin.call('kv_get', KEY)).text();
            if (got !== VALUE) throw new Error(`kv_get returned ${JSON.stringify(got)}, expected ${JSON.stringify(VALUE)}`);
            await sleep(SETTLE_MS);
            results.set(durability, await timed(() => plugin.call('kv_get', KEY)));
          } finally {
            await plugin.close();
          }
        }
        const echo = await host.load(ECHO, { name: 'bench-echo', limits: { maxInstances: 1 } });
        let base: LatencySummary;
        try {
          const out = await echo.call('echo', IN_16);
          if (!sameBytes(out.length === 0 ? null : out.bytes, IN_16)) throw new Error(`echo returned wrong bytes: ${text(out.bytes)}`);
          await sleep(SETTLE_MS);
          base = await timed(() => echo.call('echo', IN_16));
        } finally {
          await echo.close();
        }
        const normal = results.get('normal')!;
        const full = results.get('full')!;
        t.set('kv_get p50, durability normal', rt.id, fmtUs(normal.p50));
        t.set('kv_get p99, durability normal', rt.id, fmtUs(normal.p99));
        t.set('kv_get p50, durability full', rt.id, fmtUs(full.p50));
        t.set('kv_get p99, durability full', rt.id, fmtUs(full.p99));
        t.set('baseline p50 (echo 16 B, no host call)', rt.id, fmtUs(base.p50));
        t.set('baseline p99', rt.id, fmtUs(base.p99));
        t.set('KV cost, p50 − baseline p50 (normal / full)', rt.id, `${fmtUs(normal.p50 - base.p50)} / ${fmtUs(full.p50 - base.p50)}`);
        t.set('samples (normal / full / baseline)', rt.id, `${fmtInt(normal.samples)} / ${fmtInt(full.samples)} / ${fmtInt(base.samples)}`);
        warden.kvGetNormal = normal;
        warden.kvGetFull = full;
        warden.kvBaselineP50 = base.p50;
      } finally {
        await host.close();
        for (const s of stores) await s.close();
        for (const d of dirs) rmSync(d, { recursive: true, force: true });
      }
    });
  }
  t.notes.push('Durability sets SQLite\'s `synchronous` level, which matters for writes (commits); `kv_get` only reads, so the two rows should agree.');
  return t.build();
}
