/**
 * Coarsened clocks. Every time the guest can read (clock_time_get, file timestamps, poll_oneoff
 * deadlines) is rounded down to the configured granularity, as Cloudflare Workers do, to blunt
 * timing side channels. The monotonic clock counts from the shim's creation so it does not reveal
 * host uptime. The CPU-time clocks (process, thread) return the monotonic clock: a guest runs on
 * one thread, and the real process CPU time would leak the activity of other plugins.
 */
import { ClockId } from './abi.js';
import { Errno, fail } from './errno.js';

const NS_PER_MS = 1_000_000n;

/** Wall and monotonic time for one guest, rounded down to a fixed granularity. */
export class Clocks {
  /** Granularity in nanoseconds (at least 1). */
  readonly granularityNs: bigint;
  private readonly origin = process.hrtime.bigint();
  private readonly realtimeOrigin = BigInt(Date.now()) * NS_PER_MS;

  /** @throws RangeError if the granularity is negative or not finite. */
  constructor(granularityMs: number) {
    if (!Number.isFinite(granularityMs) || granularityMs < 0) {
      throw new RangeError('clockGranularityMs must be a finite number >= 0');
    }
    this.granularityNs = BigInt(Math.max(1, Math.round(granularityMs * 1e6)));
  }

  /** Nanoseconds since the shim was created, not coarsened: only for the host's own timing. */
  elapsedNs(): bigint {
    return process.hrtime.bigint() - this.origin;
  }

  /** Rounds a timestamp (ns) down to the granularity. */
  coarsen(ns: bigint): bigint {
    return ns - (ns % this.granularityNs);
  }

  /** Whether `id` names a clock this shim provides. */
  has(id: number): boolean {
    return id === ClockId.REALTIME || id === ClockId.MONOTONIC ||
      id === ClockId.PROCESS_CPUTIME || id === ClockId.THREAD_CPUTIME;
  }

  /** The coarsened current time of clock `id` in nanoseconds (EINVAL for unknown clocks). */
  now(id: number): bigint {
    if (!this.has(id)) fail(Errno.INVAL);
    const elapsed = this.elapsedNs();
    return this.coarsen(id === ClockId.REALTIME ? this.realtimeOrigin + elapsed : elapsed);
  }

  /** The resolution of clock `id`: the granularity (EINVAL for unknown clocks). */
  resolution(id: number): bigint {
    if (!this.has(id)) fail(Errno.INVAL);
    return this.granularityNs;
  }
}

// Private to this thread: nobody ever notifies it, so Atomics.wait is a plain synchronous sleep.
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks the thread for `ns` nanoseconds. Not capped: the worker's deadline terminates a guest
 * that sleeps too long, like one that spins.
 */
export function sleepNs(ns: bigint): void {
  const end = process.hrtime.bigint() + ns;
  for (;;) {
    const left = end - process.hrtime.bigint();
    if (left <= 0n) return;
    Atomics.wait(sleeper, 0, 0, Number(left) / 1e6);
  }
}
