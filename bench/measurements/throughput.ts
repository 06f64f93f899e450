/** Calls per second of a 16-byte `echo`: one instance sequentially, and Warden's pool of two with two callers. */
import os from 'node:os';
import type { Runtime } from '../peers.js';
import { collect, ECHO, IN_16, TableBuilder, withRunner } from '../harness.js';
import type { Table } from '../report.js';
import { EXTISM_WORKER_WARMUP_CALLS, SETTLE_MS, THROUGHPUT_CALLS, WARMUP_CALLS } from '../sample-counts.js';
import { fmtInt, repeat } from '../stats.js';
import type { WardenFigures } from '../targets.js';

/** The "Throughput, 16-byte echo" table; records Warden's calls/s for one instance and for the pool. */
export async function throughput(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'Throughput, 16-byte echo',
    `${fmtInt(THROUGHPUT_CALLS)} calls of \`echo\` with 16 bytes after a ${SETTLE_MS} ms pause and ${fmtInt(WARMUP_CALLS)} warm-up calls (Extism worker: ${fmtInt(EXTISM_WORKER_WARMUP_CALLS)}). ` +
      `"1 instance": one caller awaiting each call in turn (Warden with \`limits.maxInstances: 1\`). ` +
      `"pool of 2": Warden with \`limits.maxInstances: 2\` and two concurrent callers (\`Promise.all\` of two loops of ${fmtInt(THROUGHPUT_CALLS / 2)} calls).`,
    ['1 instance, sequential', 'pool of 2, 2 callers'],
  );
  for (const rt of runtimes) {
    await t.run(rt.id, async () => {
      await withRunner(rt, ECHO, { maxInstances: 1 }, async (r) => {
        await collect();
        await repeat(() => r.call('echo', IN_16), rt.id === 'extismWorker' ? EXTISM_WORKER_WARMUP_CALLS : WARMUP_CALLS);
        const t0 = performance.now();
        await repeat(() => r.call('echo', IN_16), THROUGHPUT_CALLS);
        const cps = THROUGHPUT_CALLS / ((performance.now() - t0) / 1000);
        t.set('1 instance, sequential', rt.id, `${fmtInt(cps)} calls/s`);
        if (rt.id === 'warden') warden.callsPerSecond = cps;
      }, true);
      if (rt.id !== 'warden') return;
      await withRunner(rt, ECHO, { maxInstances: 2 }, async (r) => {
        await collect();
        const loop = (n: number) => repeat(() => r.call('echo', IN_16), n);
        await Promise.all([loop(WARMUP_CALLS / 2), loop(WARMUP_CALLS / 2)]);
        const t0 = performance.now();
        await Promise.all([loop(THROUGHPUT_CALLS / 2), loop(THROUGHPUT_CALLS / 2)]);
        const cps = THROUGHPUT_CALLS / ((performance.now() - t0) / 1000);
        t.set('pool of 2, 2 callers', rt.id, `${fmtInt(cps)} calls/s`);
        warden.callsPerSecondPool = cps;
      }, true);
    });
  }
  t.notes.push(`This machine has ${os.cpus().length} cores: the pool of 2 runs the main thread and two worker threads, which also spin briefly while idle (HostOptions.spinMicros), so it can come out slower than one instance.`);
  return t.build();
}
