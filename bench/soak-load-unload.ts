/**
 * `npm run soak [N]`: THREATS.md case 8 — load the `echo` plugin, call it once and close it, N
 * times (default 20,000) on one host, then load once more. Prints RSS, heap and live threads
 * every 1,000 loads: workers and guest memories must not pile up, and later loads must still
 * succeed. Exits non-zero when any load or call fails. Run with --expose-gc (the npm script does).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHost, type Host } from '../src/index.js';
import { anomalies, collect, ECHO, errText, IN_16, rss, sameBytes } from './harness.js';
import { MiB } from './peers.js';
import { fmtInt, fmtMiB, withTimeout } from './stats.js';

const DEFAULT_RUNS = 20_000;
const REPORT_EVERY = 1_000;
/** Spare workers the host keeps booted (a load adopts one, so loads rarely wait for a boot). */
const SPARE_WORKERS = 2;
/** A load or call that takes longer than this counts as failed, so a hang cannot stall the soak. */
const GUARD_MS = 30_000;
/** Pause before reading threads, so spares being booted or workers being terminated settle. */
const SETTLE_MS = 1_000;
/** Failures printed in full; later ones are only counted. */
const FAILURES_SHOWN = 5;

/** Live threads of this process (main, libuv and V8 helpers, and one per worker). */
function threads(): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('Threads:'));
  return line ? Number(line.slice('Threads:'.length).trim()) : Number.NaN;
}

/** One load → `echo` call → close; throws when any step fails or the output is wrong. */
async function loadCallClose(host: Host): Promise<void> {
  const plugin = await withTimeout(host.load(ECHO), GUARD_MS, 'load');
  try {
    const out = await withTimeout(plugin.call('echo', IN_16), GUARD_MS, 'echo');
    if (!sameBytes(out.length === 0 ? null : out.bytes, IN_16)) throw new Error('echo returned wrong bytes');
  } finally {
    await withTimeout(plugin.close(), GUARD_MS, 'close');
  }
}

interface Reading {
  rss: number;
  heapUsed: number;
  threads: number;
}

/** RSS, heap and threads after a settle and garbage collection. */
async function read(): Promise<Reading> {
  await sleep(SETTLE_MS);
  await collect();
  return { rss: rss(), heapUsed: process.memoryUsage().heapUsed, threads: threads() };
}

const fmtReading = (r: Reading): string => `RSS ${fmtMiB(r.rss)}, heap used ${fmtMiB(r.heapUsed)}, ${r.threads} threads`;

function parseRuns(arg: string | undefined): number {
  if (arg === undefined) return DEFAULT_RUNS;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new Error(`soak: the number of loads must be a positive integer, got ${JSON.stringify(arg)}`);
  return n;
}

async function main(): Promise<void> {
  const runs = parseRuns(process.argv[2]);
  for (const a of anomalies) console.log(`warning: ${a}`);
  const threadsAtStart = threads();
  const host = createHost({ spareWorkers: SPARE_WORKERS });
  let failures = 0;
  const fail = (what: string, e: unknown): void => {
    failures++;
    if (failures <= FAILURES_SHOWN) console.log(`FAILED ${what}: ${errText(e)}`);
  };
  try {
    // One untimed round first, so the spares are booted and the module compiled in the baseline.
    await loadCallClose(host).catch((e) => fail('warm-up load', e));
    const baseline = await read();
    console.log(`soak: ${fmtInt(runs)} × (load echo, call echo, close) on one host with spareWorkers: ${SPARE_WORKERS}`);
    console.log(`threads before createHost: ${threadsAtStart}`);
    console.log(`baseline after one warm-up load: ${fmtReading(baseline)}`);
    console.log('');
    console.log('   loads   RSS (MiB)   heap used (MiB)   threads   elapsed (s)   loads/s (since last)   loads/s (overall)');
    const started = performance.now();
    let lapStarted = started;
    for (let i = 1; i <= runs; i++) {
      try {
        await loadCallClose(host);
      } catch (e) {
        fail(`load ${i}`, e);
      }
      if (i % REPORT_EVERY === 0 || i === runs) {
        const now = performance.now();
        const lapRuns = i % REPORT_EVERY || REPORT_EVERY;
        await collect();
        const m = process.memoryUsage();
        console.log([
          fmtInt(i).padStart(8),
          (m.rss / MiB).toFixed(1).padStart(11),
          (m.heapUsed / MiB).toFixed(1).padStart(17),
          String(threads()).padStart(9),
          ((now - started) / 1000).toFixed(1).padStart(13),
          (lapRuns / ((now - lapStarted) / 1000)).toFixed(1).padStart(22),
          (i / ((now - started) / 1000)).toFixed(1).padStart(19),
        ].join(' '));
        lapStarted = performance.now();
      }
    }
    const elapsedS = (performance.now() - started) / 1000;
    const after = await read();
    let laterLoad = 'succeeded';
    await loadCallClose(host).catch((e) => {
      fail('the load after the soak', e);
      laterLoad = `FAILED (${errText(e)})`;
    });
    console.log('');
    console.log(`loads: ${fmtInt(runs)} in ${elapsedS.toFixed(0)} s (${(runs / elapsedS).toFixed(1)} loads/s), failures: ${fmtInt(failures)}`);
    console.log(`before the soak: ${fmtReading(baseline)}`);
    console.log(`after the soak:  ${fmtReading(after)}`);
    console.log(`growth: RSS ${fmtMiB(after.rss - baseline.rss)}, heap used ${fmtMiB(after.heapUsed - baseline.heapUsed)}, threads ${after.threads - baseline.threads}`);
    console.log(`one more load and call after the soak: ${laterLoad}`);
  } finally {
    await host.close();
  }
  await sleep(SETTLE_MS);
  console.log(`threads after host.close(): ${threads()} (${threadsAtStart} before createHost)`);
  if (failures > 0) {
    console.log(`soak: ${fmtInt(failures)} load(s) failed`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
