/** Load time: module bytes to the first `echo` result, isolated, back to back and on a fresh host. */
import { setTimeout as sleep } from 'node:timers/promises';
import { wardenRuntime, type Runtime } from '../peers.js';
import { ECHO, IN_16, sameBytes, TableBuilder } from '../harness.js';
import type { Table } from '../report.js';
import { LOAD_GAP_MS, LOAD_RUNS } from '../sample-counts.js';
import { fmtMs, median } from '../stats.js';
import type { WardenFigures } from '../targets.js';

/** Times `runs` loads (bytes → first 16-byte echo result), closing each plugin untimed. */
async function timeLoads(rt: Runtime, runs: number, gapMs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (gapMs > 0) await sleep(gapMs);
    const t0 = performance.now();
    const r = await rt.load(ECHO);
    try {
      const out = await r.callBytes('echo', IN_16);
      times.push(performance.now() - t0);
      if (!sameBytes(out, IN_16)) throw new Error('first echo returned wrong bytes');
    } finally {
      await r.close();
    }
  }
  return times;
}

/** The "Load time" table; records Warden's isolated, back-to-back and fresh-host medians. */
export async function loadTime(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'Load time, bytes to first call result',
    `From the module bytes in memory to the result of the first 16-byte \`echo\` call: Warden \`host.load(bytes)\` + \`call\`; Extism \`createPlugin\` + \`call\`; raw \`WebAssembly.compile\` + \`new Instance\` + call. ` +
      `Each plugin is closed (untimed) before the next load. "Isolated": ${LOAD_RUNS} loads with a ${LOAD_GAP_MS} ms pause before each, so Warden's spare worker has finished booting. ` +
      `"Back to back": ${LOAD_RUNS} loads with no pause, so every Warden load after the first waits for a worker to boot. ` +
      `"Fresh host": Warden's first load on a new \`createHost()\` (no spare booted yet); for the others, the first load of the isolated series. ` +
      `Later loads of the same bytes may hit V8's compiled-module cache.`,
    ['isolated, median', 'isolated, min / max', 'back to back, median', 'back to back, min / max', 'fresh host / first load'],
  );
  for (const rt of runtimes) {
    await t.run(rt.id, async () => {
      if (rt.id === 'warden') {
        const fresh = wardenRuntime();
        try {
          const [first] = await timeLoads(fresh, 1, 0);
          t.set('fresh host / first load', rt.id, fmtMs(first!));
          warden.loadFreshHostMs = first!;
        } finally {
          await fresh.shutdown();
        }
      }
      const isolated = await timeLoads(rt, LOAD_RUNS, LOAD_GAP_MS);
      if (rt.id !== 'warden') t.set('fresh host / first load', rt.id, fmtMs(isolated[0]!));
      await sleep(LOAD_GAP_MS);
      const b2b = await timeLoads(rt, LOAD_RUNS, 0);
      t.set('isolated, median', rt.id, fmtMs(median(isolated)));
      t.set('isolated, min / max', rt.id, `${fmtMs(Math.min(...isolated))} / ${fmtMs(Math.max(...isolated))}`);
      t.set('back to back, median', rt.id, fmtMs(median(b2b)));
      t.set('back to back, min / max', rt.id, `${fmtMs(Math.min(...b2b))} / ${fmtMs(Math.max(...b2b))}`);
      if (rt.id === 'warden') {
        warden.loadMedianMs = median(isolated);
        warden.loadBackToBackMs = median(b2b);
      }
    });
  }
  t.notes.push('Warden keeps booted spare workers (src/runtime/worker-thread.ts) and a load adopts one; loads that come faster than a worker boots (~35–75 ms here) wait for the boot, which is what the back-to-back and fresh-host rows show.');
  return t.build();
}
