/**
 * The resource limits a manifest may request. A request is only a request: the operator's policy
 * sets the ceiling, and {@link effectiveLimits} never lets a plugin raise it.
 */
import { z } from 'zod';

/** Limits as the manifest requested them, in bytes and milliseconds. */
export interface RequestedLimits {
  /** Linear memory the plugin asks for, in bytes. */
  memoryBytes?: number;
  /** Wall-clock time per call it asks for, in milliseconds. */
  timeoutMs?: number;
}

/** The smallest memory a plugin can ask for: one WebAssembly page. */
export const MIN_MEMORY_BYTES = 64 * 1024;
/** The largest memory a plugin can ask for: the 32-bit address space. */
export const MAX_MEMORY_BYTES = 4 * 1024 ** 3;
/** The longest call a plugin can ask for: one hour (operators usually cap far lower). */
export const MAX_REQUESTED_TIMEOUT_MS = 3_600_000;

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1000, mb: 1000 ** 2, gb: 1000 ** 3,
};
const TIME_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads `16MiB`, `512 KiB`, `1GB` or a plain byte count. Binary units (KiB, MiB, GiB) are powers
 * of 1024, decimal ones (kB, MB, GB) powers of 1000. Returns undefined when unreadable.
 */
export function parseByteSize(v: unknown): number | undefined {
  return parseQuantity(v, SIZE_UNITS);
}

/** Reads `30s`, `1500ms`, `2m`, `1h` or a plain number of milliseconds. */
export function parseDuration(v: unknown): number | undefined {
  return parseQuantity(v, TIME_UNITS);
}

function parseQuantity(v: unknown, units: Record<string, number>): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{1,12}(?:\.\d{1,6})?)\s*([A-Za-z]*)$/.exec(v.trim());
  const unit = m ? units[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const n = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(n) ? n : undefined;
}

const memory = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseByteSize(v);
  if (n === undefined || n < MIN_MEMORY_BYTES || n > MAX_MEMORY_BYTES) {
    ctx.addIssue({ code: 'custom', message: 'expected a size from 64KiB to 4GiB, such as "16MiB" or a number of bytes', input: v });
    return z.NEVER;
  }
  return n;
});

const timeout = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = parseDuration(v);
  if (n === undefined || n < 1 || n > MAX_REQUESTED_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration from 1ms to 1 hour, such as 5000 (ms) or "30s"', input: v });
    return z.NEVER;
  }
  return n;
});

/** The manifest's `limits` field; it comes out as {@link RequestedLimits}. */
export const limitsSchema = z
  .strictObject({ memory: memory.optional(), timeout: timeout.optional() })
  .transform((l): RequestedLimits => ({
    ...(l.memory === undefined ? {} : { memoryBytes: l.memory }),
    ...(l.timeout === undefined ? {} : { timeoutMs: l.timeout }),
  }));

/**
 * The limits a plugin runs with: what it requested, lowered to the operator's ceiling; the
 * ceiling itself where it requested nothing.
 *
 * @example effectiveLimits({ memoryBytes: 64 << 20 }, { memoryBytes: 16 << 20, timeoutMs: 5000 })
 * // { memoryBytes: 16 << 20, timeoutMs: 5000 }
 */
export function effectiveLimits(requested: RequestedLimits, ceiling: Required<RequestedLimits>): Required<RequestedLimits> {
  return {
    memoryBytes: Math.min(requested.memoryBytes ?? ceiling.memoryBytes, ceiling.memoryBytes),
    timeoutMs: Math.min(requested.timeoutMs ?? ceiling.timeoutMs, ceiling.timeoutMs),
  };
}
