/**
 * `npm run bench`: Warden side by side with @extism/extism (in-thread and in a worker) and raw
 * WebAssembly on the main thread, in one process. Prints the tables and writes
 * docs/benchmarks.md. Run with --expose-gc (the npm script does).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  extismInThreadRuntime, extismWorkerRuntime, MiB, rawRuntime, RUNTIMES, wardenRuntime,
  type LoadOptions, type Runner, type Runtime, type RuntimeId,
} from './peers.js';
import { renderConsole, renderMarkdown, type Report, type Row, type Table, type Target } from './report.js';
import {
  fmtInt, fmtMiB, fmtMs, fmtUs, GuardTimeout, median, repeat, sampleGuarded, sampleLatency, summarize,
  withTimeout, type LatencySummary,
} from './stats.js';

// ------------------------------------------------------------------------------- sample counts

/**
 * Pause after each load before warming up. Warden boots a spare worker in the background when a
 * load takes one; on 2 cores that boot (~35–75 ms) would otherwise overlap the first samples.
 */
const SETTLE_MS = 250;
/** Warm-up calls before each 16-byte latency and throughput run. */
const WARMUP_CALLS = 2_000;
/** Warm-up calls before the 64 KiB latency run. */
const WARMUP_CALLS_64K = 500;
const SAMPLES_16B = 20_000;
const SAMPLES_64K = 3_000;
/** Extism's worker mode is slow (~170 µs / ~1.7 ms per call): fewer samples. */
const EXTISM_WORKER_WARMUP_CALLS = 500;
const EXTISM_WORKER_SAMPLES_16B = 5_000;
const EXTISM_WORKER_SAMPLES_64K = 1_000;
/** Wall-time cap of any one latency sample set; fewer samples are reported when it is hit. */
const LATENCY_BUDGET_MS = 20_000;
/** Sequential calls for calls/s (the pool of two splits them over two callers). */
const THROUGHPUT_CALLS = 10_000;
/** Loads for the bytes-to-first-call figure, and the pause between loads in the "isolated" series. */
const LOAD_RUNS = 20;
const LOAD_GAP_MS = 200;
/** Host-function round trips (c_kitchen `host_add`) and the baseline calls without one. */
const HOSTFN_CALLS = 100_000;
const HOSTFN_WARMUP_CALLS = 2_000;
const HOSTFN_BASELINE_CALLS = 20_000;
/** Extism's worker-mode async host functions stall in 500 ms steps: cap the run. */
const EXTISM_WORKER_HOSTFN_MAX_CALLS = 200;
const EXTISM_WORKER_HOSTFN_MAX_MS = 30_000;
/** Plugins loaded for RSS per plugin. */
const RSS_PLUGINS = 20;
/** Timeout precision: deadline, runs, and how long to wait for a rejection that never comes. */
const TIMEOUT_MS = 100;
const TIMEOUT_RUNS = 10;
const TIMEOUT_GUARD_MS = 5_000;
/** Memory-grow bomb cap. */
const GROW_CAP_BYTES = 64 * MiB;
/** How long a grow call may run before it counts as "cap not held" (Warden needs well under 1 s). */
const GROW_GUARD_MS = 10_000;

// ------------------------------------------------------------------------------------- setup

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(join(root, 'dist/fixtures', `${name}.wasm`)));
const ECHO = fixture('echo');
const KITCHEN = fixture('c_kitchen');
const SPIN = fixture('spin');
const GROW = fixture('grow');
const IN_16 = new Uint8Array(randomBytes(16));
const IN_64K = new Uint8Array(randomBytes(64 * 1024));
const EMPTY = new Uint8Array(0);
const label = (id: RuntimeId): string => RUNTIMES.find((r) => r.id === id)!.label;

const anomalies: string[] = [];
const gcFn = (globalThis as { gc?: () => void }).gc;
if (!gcFn) anomalies.push('global.gc is not available (run with --expose-gc): RSS figures include garbage.');

async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gcFn?.();
    await tick();
  }
}

const rss = (): number => process.memoryUsage.rss();

function errText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code}: ` : ''}${e.message.split('\n')[0]!.slice(0, 160)}`;
  }
  return String(e);
}

function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (a === null) return b.length === 0;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const text = (b: Uint8Array | null): string => (b === null ? '' : new TextDecoder().decode(b));

function log(message: string): void {
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${message}\n`);
}

/** Builds one table, a row per label, filling cells runtime by runtime. */
class TableBuilder {
  readonly #rows = new Map<string, Row>();
  readonly notes: string[] = [];

  constructor(readonly title: string, readonly method: string, labels: string[]) {
    for (const l of labels) this.#rows.set(l, { label: l, cells: {} });
  }

  set(row: string, id: RuntimeId, value: string): void {
    let r = this.#rows.get(row);
    if (!r) this.#rows.set(row, (r = { label: row, cells: {} }));
    r.cells[id] = value;
  }

  /** Runs `fn` for one runtime; an error fills that runtime's empty cells and is recorded. */
  async run(id: RuntimeId, fn: () => Promise<void>): Promise<void> {
    log(`${this.title}: ${label(id)}`);
    try {
      await fn();
    } catch (e) {
      const msg = errText(e);
      anomalies.push(`${this.title} — ${label(id)} failed: ${msg}`);
      for (const r of this.#rows.values()) r.cells[id] ??= 'error';
      this.notes.push(`${label(id)} failed: ${msg}`);
    }
  }

  build(): Table {
    return { title: this.title, method: this.method, rows: [...this.#rows.values()], notes: this.notes };
  }
}

/** Loads, optionally pauses {@link SETTLE_MS}, runs `fn`, and always closes (a close that hangs is given up after 10 s). */
async function withRunner<T>(rt: Runtime, bytes: Uint8Array<ArrayBuffer>, options: LoadOptions, fn: (r: Runner) => Promise<T>, settle = false): Promise<T> {
  const runner = await rt.load(bytes, options);
  try {
    if (settle) await sleep(SETTLE_MS);
    return await fn(runner);
  } finally {
    await withTimeout(runner.close(), 10_000, 'close').catch((e) => anomalies.push(`${label(rt.id)}: ${errText(e)}`));
  }
}

// ------------------------------------------------------------------------------- figures kept for the targets

interface WardenFigures {
  echo16?: LatencySummary;
  echo64k?: LatencySummary;
  callsPerSecond?: number;
  callsPerSecondPool?: number;
  loadMedianMs?: number;
  loadBackToBackMs?: number;
  loadFreshHostMs?: number;
  hostFn?: LatencySummary;
  hostFnBaselineP50?: number;
  timeoutRuns?: number;
  timeoutRejected?: number;
  timeoutMaxOvershootMs?: number;
  growPages?: string;
  growRssDelta?: number;
}
const warden: WardenFigures = {};

// ------------------------------------------------------------------------------- 1. echo latency

async function echoLatency(runtimes: Runtime[]): Promise<Table> {
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

// ------------------------------------------------------------------------------- 2. throughput

async function throughput(runtimes: Runtime[]): Promise<Table> {
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
  t.notes.push(`This machine has ${os.cpus().length} cores: the pool of 2 runs the main thread and two worker threads, which also spin while idle (HostOptions.spin), so it can come out slower than one instance.`);
  return t.build();
}

// ------------------------------------------------------------------------------- 3. load time

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

async function loadTime(runtimes: Runtime[]): Promise<Table> {
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

// ------------------------------------------------------------------------------- 4. host functions

async function hostFunctions(runtimes: Runtime[]): Promise<Table> {
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

// ------------------------------------------------------------------------------- 5. RSS per plugin

async function rssPerPlugin(runtimes: Runtime[]): Promise<Table> {
  const t = new TableBuilder(
    'Memory per loaded plugin',
    `${RSS_PLUGINS} separate loads of \`echo\` (each called once), process RSS after minus RSS before, divided by ${RSS_PLUGINS}; \`global.gc()\` before both readings. ` +
      `RSS is the whole process, so worker threads count.`,
    ['RSS per plugin', `RSS delta for ${RSS_PLUGINS}`],
  );
  for (const rt of runtimes) {
    await t.run(rt.id, async () => {
      await collect();
      const before = rss();
      const runners: Runner[] = [];
      try {
        for (let i = 0; i < RSS_PLUGINS; i++) {
          const r = await rt.load(ECHO);
          runners.push(r);
          await r.callBytes('echo', IN_16);
        }
        await collect();
        const delta = rss() - before;
        t.set('RSS per plugin', rt.id, fmtMiB(delta / RSS_PLUGINS));
        t.set(`RSS delta for ${RSS_PLUGINS}`, rt.id, fmtMiB(delta));
      } finally {
        await Promise.all(runners.map((r) => r.close()));
        await collect();
      }
    });
  }
  t.notes.push("Warden's figure includes the spare worker(s) it keeps booted for the next load.");
  return t.build();
}

// ------------------------------------------------------------------------------- 6. timeouts

async function timeouts(runtimes: Runtime[]): Promise<Table> {
  const t = new TableBuilder(
    'Timeout precision',
    `Fixture \`spin\`, export \`spin\` (\`(loop br 0)\`), deadline ${TIMEOUT_MS} ms (Warden \`limits.timeoutMs\`, Extism \`timeoutMs\`), ${TIMEOUT_RUNS} runs. ` +
      `Time from the call to its rejection; after each run export \`ok\` is called (untimed in the rejection figures) to prove a fresh instance serves. ` +
      `A run that has not rejected after ${TIMEOUT_GUARD_MS / 1000} s ends the series. ` +
      `While Warden's plugin spins, a second Warden plugin (\`echo\`) is called every millisecond to show the host keeps serving.`,
    ['rejected / runs', 'time to rejection, median', 'time to rejection, max', `max overshoot over ${TIMEOUT_MS} ms`, 'error', 'next call (`ok`) after a timeout, median', 'other plugin during spins: calls, max latency'],
  );
  for (const rt of runtimes) {
    if (rt.id === 'raw') {
      t.set('rejected / runs', rt.id, 'n/a (no deadline: would hang the process)');
      continue;
    }
    if (rt.id === 'extism') {
      await t.run(rt.id, async () => {
        // Only loaded, never called: in-thread there is no way to stop the spin.
        try {
          const r = await rt.load(SPIN, { timeoutMs: TIMEOUT_MS });
          await r.close();
          t.set('rejected / runs', rt.id, 'n/a (accepted timeoutMs but has no in-thread timeout; not run)');
        } catch (e) {
          const msg = errText(e);
          t.set('rejected / runs', rt.id, msg.includes('runInWorker') ? 'n/a (createPlugin refuses timeoutMs in-thread)' : `n/a (load refused: ${msg.slice(0, 60)})`);
        }
      });
      continue;
    }
    await t.run(rt.id, async () => {
      let probe: { stop: () => Promise<{ calls: number; max: number }> } | undefined;
      let other: Runner | undefined;
      if (rt.id === 'warden') {
        other = await rt.load(ECHO);
        let stopped = false;
        let calls = 0;
        let max = 0;
        const loop = (async () => {
          while (!stopped) {
            const t0 = performance.now();
            await other!.call('echo', IN_16);
            max = Math.max(max, performance.now() - t0);
            calls++;
            await sleep(1);
          }
        })();
        probe = { stop: async () => { stopped = true; await loop; return { calls, max }; } };
      }
      try {
        await withRunner(rt, SPIN, { timeoutMs: TIMEOUT_MS, maxInstances: 1 }, async (r) => {
          if (text(await withTimeout(r.callBytes('ok', EMPTY), TIMEOUT_GUARD_MS, 'ok')) !== 'ok') throw new Error('ok did not return "ok"');
          const elapsed: number[] = [];
          const recover: number[] = [];
          const errors = new Set<string>();
          let runs = 0;
          for (let i = 0; i < TIMEOUT_RUNS; i++) {
            runs++;
            const t0 = performance.now();
            try {
              await withTimeout(r.callBytes('spin', EMPTY), TIMEOUT_GUARD_MS, 'spin');
              errors.add('resolved (no timeout!)');
            } catch (e) {
              if (e instanceof GuardTimeout) {
                errors.add(`no rejection after ${TIMEOUT_GUARD_MS / 1000} s`);
                break;
              }
              elapsed.push(performance.now() - t0);
              const code = (e as { code?: unknown }).code;
              errors.add(typeof code === 'string' ? code : errText(e).slice(0, 60));
            }
            const t1 = performance.now();
            const ok = text(await withTimeout(r.callBytes('ok', EMPTY), TIMEOUT_GUARD_MS, 'ok after timeout'));
            recover.push(performance.now() - t1);
            if (ok !== 'ok') throw new Error(`ok after a timeout returned ${JSON.stringify(ok)}`);
          }
          const maxElapsed = elapsed.length ? Math.max(...elapsed) : Number.NaN;
          t.set('rejected / runs', rt.id, `${elapsed.length} / ${runs}`);
          t.set('time to rejection, median', rt.id, elapsed.length ? fmtMs(median(elapsed)) : 'none');
          t.set('time to rejection, max', rt.id, elapsed.length ? fmtMs(maxElapsed) : 'none');
          t.set(`max overshoot over ${TIMEOUT_MS} ms`, rt.id, elapsed.length ? fmtMs(maxElapsed - TIMEOUT_MS) : 'none');
          t.set('error', rt.id, [...errors].join(', '));
          t.set('next call (`ok`) after a timeout, median', rt.id, recover.length ? fmtMs(median(recover)) : 'n/a');
          if (rt.id === 'warden') {
            warden.timeoutRuns = runs;
            warden.timeoutRejected = elapsed.length;
            warden.timeoutMaxOvershootMs = maxElapsed - TIMEOUT_MS;
          }
        });
      } finally {
        if (probe) {
          const p = await probe.stop();
          t.set('other plugin during spins: calls, max latency', rt.id, `${fmtInt(p.calls)}, ${fmtMs(p.max)}`);
        }
        await other?.close();
      }
    });
  }
  return t.build();
}

// ------------------------------------------------------------------------------- 7. grow bomb

async function growBomb(runtimes: Runtime[]): Promise<Table> {
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

// ------------------------------------------------------------------------------- targets

function targets(): Target[] {
  const w = warden;
  const out: Target[] = [];
  const add = (target: string, figure: string | undefined, met: boolean | undefined): void => {
    out.push({ target, figure: figure ?? 'not measured', met: figure === undefined || met === undefined ? null : met });
  };
  add('16-byte echo p50 ≤ 20 µs', w.echo16 && fmtUs(w.echo16.p50), w.echo16 && w.echo16.p50 <= 20);
  add('16-byte echo p99 ≤ 200 µs', w.echo16 && fmtUs(w.echo16.p99), w.echo16 && w.echo16.p99 <= 200);
  add('64 KiB echo p50 ≤ 250 µs', w.echo64k && fmtUs(w.echo64k.p50), w.echo64k && w.echo64k.p50 <= 250);
  add('≥ 40,000 calls/s, one plugin (one instance, sequential)', w.callsPerSecond === undefined ? undefined : `${fmtInt(w.callsPerSecond)} calls/s`, w.callsPerSecond !== undefined && w.callsPerSecond >= 40_000);
  add(
    'host-function round trip p50 ≤ 20 µs (whole call)',
    w.hostFn && `${fmtUs(w.hostFn.p50)} (host fn cost ≈ ${fmtUs(w.hostFn.p50 - (w.hostFnBaselineP50 ?? Number.NaN))})`,
    w.hostFn && w.hostFn.p50 <= 20,
  );
  add(
    `no host-function call over 10 ms in ${fmtInt(HOSTFN_CALLS)}`,
    w.hostFn && `${fmtInt(w.hostFn.over10ms)} over 10 ms in ${fmtInt(w.hostFn.samples)} (max ${fmtUs(w.hostFn.max)})`,
    w.hostFn && w.hostFn.over10ms === 0 && w.hostFn.samples === HOSTFN_CALLS,
  );
  add(
    'bytes to first call ≤ 50 ms (median of isolated loads)',
    w.loadMedianMs !== undefined ? `${fmtMs(w.loadMedianMs)} (back to back ${fmtMs(w.loadBackToBackMs ?? Number.NaN)}, fresh host ${fmtMs(w.loadFreshHostMs ?? Number.NaN)})` : undefined,
    w.loadMedianMs !== undefined && w.loadMedianMs <= 50,
  );
  add(
    `timeout within deadline + 50 ms (${TIMEOUT_MS} ms deadline)`,
    w.timeoutMaxOvershootMs !== undefined && w.timeoutRejected !== undefined ? `max overshoot ${fmtMs(w.timeoutMaxOvershootMs)}, ${w.timeoutRejected}/${w.timeoutRuns} rejected` : undefined,
    w.timeoutMaxOvershootMs !== undefined && w.timeoutMaxOvershootMs <= 50 && w.timeoutRejected === w.timeoutRuns,
  );
  add(
    `grow bomb: host RSS grows less than cap + 64 MiB (${fmtMiB(GROW_CAP_BYTES + 64 * MiB)}), stops at ${GROW_CAP_BYTES / 65536} pages`,
    w.growRssDelta !== undefined ? `RSS +${fmtMiB(w.growRssDelta)}, ${w.growPages} pages` : undefined,
    w.growRssDelta !== undefined && w.growRssDelta < GROW_CAP_BYTES + 64 * MiB && w.growPages === String(GROW_CAP_BYTES / 65536),
  );
  return out;
}

// ------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const date = new Date().toISOString();
  const cpus = os.cpus();
  const runtimes: Runtime[] = [wardenRuntime(), extismInThreadRuntime(), extismWorkerRuntime(), rawRuntime()];
  const tables: Table[] = [];
  try {
    tables.push(await echoLatency(runtimes));
    tables.push(await throughput(runtimes));
    tables.push(await loadTime(runtimes));
    tables.push(await hostFunctions(runtimes));
    tables.push(await rssPerPlugin(runtimes));
    tables.push(await timeouts(runtimes));
    tables.push(await growBomb(runtimes));
  } finally {
    for (const rt of runtimes) await withTimeout(rt.shutdown(), 10_000, `${rt.id} shutdown`).catch((e) => anomalies.push(errText(e)));
  }
  const report: Report = {
    command: 'npm run bench',
    date,
    machine: {
      cpu: cpus[0]?.model ?? 'unknown CPU',
      cores: cpus.length,
      totalMemory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
      node: process.version,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverage: `${loadAtStart} at start, ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at end`,
    },
    durationS: (performance.now() - started) / 1000,
    tables,
    targets: targets(),
    anomalies,
  };
  const docPath = join(root, 'docs/benchmarks.md');
  mkdirSync(dirname(docPath), { recursive: true });
  writeFileSync(docPath, renderMarkdown(report));
  console.log(renderConsole(report));
  console.log(`\nWrote ${docPath}`);
  // Everything is closed, so the process should exit by itself; if a handle leaked, say so.
  setTimeout(() => {
    console.error('bench: the process is still alive 10 s after finishing: a worker or handle was not closed');
    process.exit(1);
  }, 10_000).unref();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
