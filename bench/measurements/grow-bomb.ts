/** Memory-grow bomb: whether a memory cap stops a guest that grows forever, and what it costs in RSS. */
import type { Runtime } from '../peers.js';
import { anomalies, collect, EMPTY, GROW, label, rss, TableBuilder, text, withRunner } from '../harness.js';
import type { Table } from '../report.js';
import { GROW_CAP_BYTES, GROW_GUARD_MS } from '../sample-counts.js';
import { fmtMiB, fmtMs, GuardTimeout, withTimeout } from '../stats.js';
import type { WardenFigures } from '../targets.js';

/** The "Memory-grow bomb" table; records Warden's page count and RSS delta. Only Warden is run (see the notes). */
export async function growBomb(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'Memory-grow bomb',
    `Fixture \`grow\`, export \`grow_forever\`: \`memory.grow(1)\` until it fails, then outputs the page count. Its memory declares no maximum. ` +
      `Cap ${fmtMiB(GROW_CAP_BYTES)} = ${GROW_CAP_BYTES / 65536} pages (Warden \`limits.memoryMaxBytes\`, Extism \`memory.maxPages\`). A call with no result after ${GROW_GUARD_MS / 1000} s is abandoned and its plugin closed. ` +
      `Process RSS read after \`global.gc()\` before loading and right after the call returns.`,
    ['cap given', 'output (pages)', 'RSS before', 'RSS after the call', 'RSS delta', 'call time'],
  );
  for (const rt of runtimes) {
    if (rt.id !== 'warden') {
      // Not run. DESIGN.md records Extism ignoring the cap (4 GiB reached with maxPages: 4). On
      // the main thread the uncapped loop cannot be interrupted and V8 takes ~1 ms per page here,
      // so 65536 pages block the process for minutes (a trial run: ~10 minutes). In a worker it
      // is no better: Worker.terminate() does not take effect during a memory.grow loop (measured
      // 148–179 s to terminate), so the abandoned worker would keep the process alive for minutes.
      if (rt.id === 'raw') t.set('cap given', rt.id, 'none possible');
      t.set('output (pages)', rt.id, rt.id === 'extismWorker'
        ? 'not run (see notes)'
        : 'not run: growth without a cap on the main thread blocks it for minutes');
      continue;
    }
    await t.run(rt.id, async () => {
      t.set('cap given', rt.id, `${GROW_CAP_BYTES / 65536} pages`);
      await collect();
      const before = rss();
      await withRunner(rt, GROW, { memoryMaxBytes: GROW_CAP_BYTES }, async (r) => {
        const t0 = performance.now();
        let pages: string;
        try {
          pages = text(await withTimeout(r.callBytes('grow_forever', EMPTY), GROW_GUARD_MS, 'grow_forever'));
        } catch (e) {
          if (!(e instanceof GuardTimeout)) throw e;
          pages = `no result after ${GROW_GUARD_MS / 1000} s (still growing; a held cap ends it within ~1 s); worker closed`;
          anomalies.push(`${label(rt.id)} grow bomb: no result after ${GROW_GUARD_MS / 1000} s with a ${GROW_CAP_BYTES / 65536}-page cap (a held cap ends it within about a second): the cap does not bound the guest's own memory.`);
        }
        const elapsed = performance.now() - t0;
        const after = rss();
        t.set('output (pages)', rt.id, pages);
        t.set('RSS before', rt.id, fmtMiB(before));
        t.set('RSS after the call', rt.id, fmtMiB(after));
        t.set('RSS delta', rt.id, fmtMiB(after - before));
        t.set('call time', rt.id, fmtMs(elapsed));
        if (rt.id === 'warden') {
          warden.growPages = pages;
          warden.growRssDelta = after - before;
        }
      });
      await collect();
    });
  }
  t.notes.push('Extism is not run: DESIGN.md records it ignoring the cap for the guest\'s own memory (4 GiB reached with `maxPages: 4`). In-thread that loop cannot be interrupted and V8 takes ~1 ms per page here, blocking the process for minutes. In a worker it is no better: on Node 20 `Worker.terminate()` does not take effect while a wasm `memory.grow` loop runs (a plain worker running this fixture took 148–179 s to terminate), so the abandoned worker would hold the process for minutes.');
  t.notes.push('`memory.grow` only reserves address space; pages cost RSS once touched, so a small RSS delta does not by itself show a cap held — the page count does.');
  return t.build();
}
