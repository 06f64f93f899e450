/** Warm call latency of `echo` with 16 B and 64 KiB inputs, one instance, per runtime. */
import type { Runtime } from '../peers.js';
import { collect, ECHO, IN_16, IN_64K, sameBytes, TableBuilder, withRunner } from '../harness.js';
import type { Table } from '../report.js';
import {
  EXTISM_WORKER_SAMPLES_16B, EXTISM_WORKER_SAMPLES_64K, EXTISM_WORKER_WARMUP_CALLS, LATENCY_BUDGET_MS, SAMPLES_16B, SAMPLES_64K,
  SETTLE_MS, WARMUP_CALLS, WARMUP_CALLS_64K,
} from '../sample-counts.js';
import { fmtInt, fmtUs, repeat, sampleLatency, summarize } from '../stats.js';
import type { WardenFigures } from '../targets.js';

/** The "Warm call latency, echo" table; records Warden's 16 B and 64 KiB summaries. */
export async function echoLatency(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'Warm call latency, echo',
    `Fixture \`echo\`, export \`echo\` (input copied to output through the Extism ABI: \`input_load_u64\` + \`store_u64\` per 8 bytes). ` +
      `One instance; a ${SETTLE_MS} ms pause after loading, ${fmtInt(WARMUP_CALLS)} warm-up calls (${fmtInt(WARMUP_CALLS_64K)} before 64 KiB), then ${fmtInt(SAMPLES_16B)} sequential samples of 16 B and ${fmtInt(SAMPLES_64K)} of 64 KiB ` +
      `(Extism worker: ${fmtInt(EXTISM_WORKER_WARMUP_CALLS)} warm-up, ${fmtInt(EXTISM_WORKER_SAMPLES_16B)} and ${fmtInt(EXTISM_WORKER_SAMPLES_64K)} samples). Each sample set stops after ${LATENCY_BUDGET_MS / 1000} s; the samples row says how many were taken.`,
    ['16 B p50', '16 B p99', '16 B mean', '64 KiB p50', '64 KiB p99', '64 KiB mean', 'samples (16 B / 64 KiB)'],
  );
  for (const rt of runtimes) {
    await t.run(rt.id, () => withRunner(rt, ECHO, { maxInstances: 1 }, async (r) => {
      if (!sameBytes(await r.callBytes('echo', IN_16), IN_16)) throw new Error('16-byte echo returned wrong bytes');
      if (!sameBytes(await r.callBytes('echo', IN_64K), IN_64K)) throw new Error('64 KiB echo returned wrong bytes');
      const worker = rt.id === 'extismWorker';
      await collect();
      await repeat(() => r.call('echo', IN_16), worker ? EXTISM_WORKER_WARMUP_CALLS : WARMUP_CALLS);
      const s16 = summarize(await sampleLatency(() => r.call('echo', IN_16), worker ? EXTISM_WORKER_SAMPLES_16B : SAMPLES_16B, LATENCY_BUDGET_MS));
      await collect();
      await repeat(() => r.call('echo', IN_64K), worker ? Math.min(100, WARMUP_CALLS_64K) : WARMUP_CALLS_64K);
      const s64 = summarize(await sampleLatency(() => r.call('echo', IN_64K), worker ? EXTISM_WORKER_SAMPLES_64K : SAMPLES_64K, LATENCY_BUDGET_MS));
      t.set('16 B p50', rt.id, fmtUs(s16.p50));
      t.set('16 B p99', rt.id, fmtUs(s16.p99));
      t.set('16 B mean', rt.id, fmtUs(s16.mean));
      t.set('64 KiB p50', rt.id, fmtUs(s64.p50));
      t.set('64 KiB p99', rt.id, fmtUs(s64.p99));
      t.set('64 KiB mean', rt.id, fmtUs(s64.mean));
      t.set('samples (16 B / 64 KiB)', rt.id, `${fmtInt(s16.samples)} / ${fmtInt(s64.samples)}`);
      if (rt.id === 'warden') {
        warden.echo16 = s16;
        warden.echo64k = s64;
      }
    }, true));
  }
  t.notes.push('raw wasm implements the kernel in JavaScript (one JS crossing with a BigInt per 8 bytes), which is why its 64 KiB figure is not the fastest: it is the floor for isolation, not for the ABI.');
  return t.build();
}
