/**
 * Small statistics helpers for the benchmark: percentiles over latency samples, timing loops
 * and number formatting. Latencies are kept in microseconds.
 */

/** Summary of a latency sample set, in microseconds. */
export interface LatencySummary {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** Samples above 10 ms. */
  over10ms: number;
}

/** The `p`-th percentile (0–100) of `sorted` (ascending), nearest-rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median of any list of numbers. */
export function median(values: number[]): number {
  return percentile(Float64Array.from(values).sort(), 50);
}

/** Summarises samples given in microseconds. */
export function summarize(samplesUs: Float64Array): LatencySummary {
  const sorted = Float64Array.from(samplesUs).sort();
  let sum = 0;
  let over10ms = 0;
  for (const v of sorted) {
    sum += v;
    if (v > 10_000) over10ms++;
  }
  return {
    samples: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    over10ms,
  };
}

/** A call under test: either synchronous (raw wasm) or returning a promise. */
export type CallFn = () => unknown;

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Times `n` sequential calls of `fn`, one sample each (µs). Stops early once `budgetMs` of wall
 * time has passed; the returned array then holds only the samples taken.
 */
export async function sampleLatency(fn: CallFn, n: number, budgetMs = Number.POSITIVE_INFINITY): Promise<Float64Array> {
  const out = new Float64Array(n);
  const stopAt = performance.now() + budgetMs;
  let i = 0;
  for (; i < n; i++) {
    const t0 = performance.now();
    const r = fn();
    if (isPromise(r)) await r;
    const t1 = performance.now();
    out[i] = (t1 - t0) * 1000;
    if (t1 > stopAt) {
      i++;
      break;
    }
  }
  return out.subarray(0, i);
}

/** Runs `fn` `n` times without timing it (warm-up). */
export async function repeat(fn: CallFn, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = fn();
    if (isPromise(r)) await r;
  }
}

/** The error {@link withTimeout} rejects with. */
export class GuardTimeout extends Error {}

/** Rejects with a {@link GuardTimeout} when `promise` has not settled after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GuardTimeout(`${label}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Like {@link sampleLatency} for calls that may never settle: each call is raced against the
 * remaining budget. `stalled` is true when a call was still pending as the budget ran out (it is
 * abandoned, not cancelled).
 */
export async function sampleGuarded(fn: () => Promise<unknown>, n: number, budgetMs: number): Promise<{ samples: Float64Array; stalled: boolean }> {
  const out: number[] = [];
  const stopAt = performance.now() + budgetMs;
  for (let i = 0; i < n; i++) {
    const remaining = stopAt - performance.now();
    if (remaining <= 0) break;
    const t0 = performance.now();
    try {
      await withTimeout(fn(), remaining, 'call');
    } catch (e) {
      if (e instanceof GuardTimeout) return { samples: Float64Array.from(out), stalled: true };
      throw e;
    }
    out.push((performance.now() - t0) * 1000);
  }
  return { samples: Float64Array.from(out), stalled: false };
}

/** Formats microseconds: `6.3 µs`, `142 µs`, `1.71 ms`. */
export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return 'n/a';
  if (us < 100) return `${us.toFixed(1)} µs`;
  if (us < 1000) return `${us.toFixed(0)} µs`;
  if (us < 100_000) return `${(us / 1000).toFixed(2)} ms`;
  return `${(us / 1000).toFixed(0)} ms`;
}

/** Formats milliseconds: `12.3 ms`. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`;
}

/** Formats a byte count in MiB: `12.4 MiB`. */
export function fmtMiB(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'n/a';
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Formats an integer with thousands separators. */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  return Math.round(n).toLocaleString('en-US');
}
