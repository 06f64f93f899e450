/** Host-function round trip: whole-call latency of `host_add` against a no-host-function baseline, and heap kept per call. */
import type { Runtime } from '../peers.js';
import { anomalies, collect, EMPTY, KITCHEN, label, TableBuilder, text, withRunner } from '../harness.js';
import type { Table } from '../report.js';
import {
  EXTISM_WORKER_HOSTFN_MAX_CALLS, EXTISM_WORKER_HOSTFN_MAX_MS, HOSTFN_BASELINE_CALLS, HOSTFN_CALLS, HOSTFN_WARMUP_CALLS, LATENCY_BUDGET_MS,
} from '../sample-counts.js';
import {
  fmtInt, fmtMiB, fmtUs, repeat, sampleGuarded, sampleLatency, summarize, withTimeout, type LatencySummary,
} from '../stats.js';
import type { WardenFigures } from '../targets.js';

/** The "Host-function round trip" table; records Warden's `host_add` summary and baseline p50; a heap kept per call is an anomaly. */
export async function hostFunctions(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'Host-function round trip',
    `Fixture \`c_kitchen\`, export \`host_add\`: one call of \`extism:host/user\` \`add_i64(i64, i64) -> i64\` per plugin call, then a 2-byte output. ` +
      `The host function is \`async (ctx, a, b) => a + b\` for Warden and Extism worker; Extism in-thread and raw wasm get the synchronous version ` +
      `(Extism in-thread refuses async host functions without JSPI, which Node 20 lacks). ` +
      `Figures are **whole-call latency** of ${fmtInt(HOSTFN_CALLS)} sequential \`host_add\` calls after ${fmtInt(HOSTFN_WARMUP_CALLS)} warm-up calls. ` +
      `The baseline is \`config_or_default\` on the same instance (similar output work, no host function; ${fmtInt(HOSTFN_BASELINE_CALLS)} calls), and "host fn cost" is the difference of the p50s. ` +
      `Extism worker is capped at ${EXTISM_WORKER_HOSTFN_MAX_CALLS} calls or ${EXTISM_WORKER_HOSTFN_MAX_MS / 1000} s per export, no warm-up. ` +
      `"Heap kept" is the main thread's \`heapUsed\` after \`global.gc()\` following the \`host_add\` run, minus the same before it, divided by the calls: memory the runtime keeps per host call.`,
    ['host_add p50', 'host_add p99', 'host_add max', 'calls over 10 ms', 'samples', 'baseline p50 (no host fn)', 'host fn cost, p50 − baseline p50', 'main-thread heap kept per host_add call'],
  );
  for (const rt of runtimes) {
    await t.run(rt.id, () => withRunner(rt, KITCHEN, { hostAdd: true, maxInstances: 1 }, async (r) => {
      const worker = rt.id === 'extismWorker';
      const guard = worker ? EXTISM_WORKER_HOSTFN_MAX_MS : 60_000;
      const first = text(await withTimeout(r.callBytes('host_add', EMPTY), guard, 'first host_add'));
      if (first !== '42') throw new Error(`host_add returned ${JSON.stringify(first)}, expected "42"`);
      const base = text(await withTimeout(r.callBytes('config_or_default', EMPTY), guard, 'first config_or_default'));
      if (base !== 'hello') throw new Error(`config_or_default returned ${JSON.stringify(base)}, expected "hello"`);
      let hostFn: LatencySummary;
      let baseline: LatencySummary;
      let heapBefore = 0;
      if (worker) {
        await collect();
        heapBefore = process.memoryUsage().heapUsed;
        const h = await sampleGuarded(() => r.call('host_add', EMPTY) as Promise<unknown>, EXTISM_WORKER_HOSTFN_MAX_CALLS, EXTISM_WORKER_HOSTFN_MAX_MS);
        hostFn = summarize(h.samples);
        if (h.stalled) {
          t.notes.push(`Extism worker: a host_add call was still pending when the ${EXTISM_WORKER_HOSTFN_MAX_MS / 1000} s cap ran out (after ${h.samples.length} completed calls); the plugin was closed.`);
          anomalies.push(`Extism worker host_add: call still pending at the ${EXTISM_WORKER_HOSTFN_MAX_MS / 1000} s cap after ${h.samples.length} calls.`);
          t.set('baseline p50 (no host fn)', rt.id, 'not run (stalled)');
          baseline = summarize(new Float64Array(0));
        } else {
          const b = await sampleGuarded(() => r.call('config_or_default', EMPTY) as Promise<unknown>, EXTISM_WORKER_HOSTFN_MAX_CALLS, EXTISM_WORKER_HOSTFN_MAX_MS);
          baseline = summarize(b.samples);
        }
      } else {
        await collect();
        await repeat(() => r.call('config_or_default', EMPTY), HOSTFN_WARMUP_CALLS);
        baseline = summarize(await sampleLatency(() => r.call('config_or_default', EMPTY), HOSTFN_BASELINE_CALLS, LATENCY_BUDGET_MS));
        await repeat(() => r.call('host_add', EMPTY), HOSTFN_WARMUP_CALLS);
        await collect();
        heapBefore = process.memoryUsage().heapUsed;
        hostFn = summarize(await sampleLatency(() => r.call('host_add', EMPTY), HOSTFN_CALLS, 4 * LATENCY_BUDGET_MS));
      }
      await collect();
      const keptPerCall = (process.memoryUsage().heapUsed - heapBefore) / Math.max(1, hostFn.samples);
      t.set('main-thread heap kept per host_add call', rt.id, `${keptPerCall.toFixed(0)} B`);
      if (keptPerCall > 64 && hostFn.samples >= 10_000) {
        anomalies.push(`${label(rt.id)}: the main thread's heap grew by ${keptPerCall.toFixed(0)} B per host-function call (${fmtMiB(keptPerCall * hostFn.samples)} over ${fmtInt(hostFn.samples)} calls) and gc did not reclaim it — a leak; the longest call took ${fmtUs(hostFn.max)}.`);
      }
      t.set('host_add p50', rt.id, fmtUs(hostFn.p50));
      t.set('host_add p99', rt.id, fmtUs(hostFn.p99));
      t.set('host_add max', rt.id, fmtUs(hostFn.max));
      t.set('calls over 10 ms', rt.id, fmtInt(hostFn.over10ms));
      t.set('samples', rt.id, fmtInt(hostFn.samples));
      if (baseline.samples > 0) {
        t.set('baseline p50 (no host fn)', rt.id, fmtUs(baseline.p50));
        t.set('host fn cost, p50 − baseline p50', rt.id, fmtUs(hostFn.p50 - baseline.p50));
      }
      if (rt.id === 'warden') {
        warden.hostFn = hostFn;
        warden.hostFnBaselineP50 = baseline.p50;
      }
    }, true));
  }
  return t.build();
}
