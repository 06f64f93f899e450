/**
 * Caps every driver enforces, and the one place their defaults live. Drivers take a
 * `Partial<StoreLimits>` and resolve it here, so contradictions are refused up front.
 */
import { WardenError } from '../errors.js';
import type { KvQuota } from './kv-types.js';

/** Caps of a state store. */
export interface StoreLimits {
  /** Default per-plugin KV quota; a plugin's own override wins. */
  kvQuota: KvQuota;
  /** Hard cap on memory search results. @default 100 */
  memoryMaxResults: number;
  /** Bytes of one memory text. @default 64 KiB */
  memoryMaxTextBytes: number;
  /** Bytes of one vault secret. @default 64 KiB */
  vaultMaxSecretBytes: number;
}

/** The default caps. */
export const DEFAULT_LIMITS: Readonly<StoreLimits> = Object.freeze({
  kvQuota: Object.freeze({
    maxTotalBytes: 16 * 1024 * 1024,
    maxKeys: 10_000,
    maxValueBytes: 1024 * 1024,
    maxKeyBytes: 1024,
  }),
  memoryMaxResults: 100,
  memoryMaxTextBytes: 64 * 1024,
  vaultMaxSecretBytes: 64 * 1024,
});

/** Options that change the caps; every field is optional. */
export interface StoreLimitsOptions {
  kvQuota?: Partial<KvQuota>;
  memoryMaxResults?: number;
  memoryMaxTextBytes?: number;
  vaultMaxSecretBytes?: number;
}

/** Fills the defaults in and rejects caps that are not positive integers (`INVALID_ARGUMENT`). */
export function resolveLimits(options: StoreLimitsOptions = {}): StoreLimits {
  const kvQuota = mergeQuota(DEFAULT_LIMITS.kvQuota, options.kvQuota ?? {}, 'limits.kvQuota');
  const out: StoreLimits = {
    kvQuota,
    memoryMaxResults: options.memoryMaxResults ?? DEFAULT_LIMITS.memoryMaxResults,
    memoryMaxTextBytes: options.memoryMaxTextBytes ?? DEFAULT_LIMITS.memoryMaxTextBytes,
    vaultMaxSecretBytes: options.vaultMaxSecretBytes ?? DEFAULT_LIMITS.vaultMaxSecretBytes,
  };
  for (const name of ['memoryMaxResults', 'memoryMaxTextBytes', 'vaultMaxSecretBytes'] as const) {
    positiveInteger(out[name], `limits.${name}`);
  }
  return out;
}

/** `base` with the fields of `override` that are set, each checked to be a positive integer. */
export function mergeQuota(base: KvQuota, override: Partial<KvQuota>, path: string): KvQuota {
  const out = { ...base };
  for (const name of ['maxTotalBytes', 'maxKeys', 'maxValueBytes', 'maxKeyBytes'] as const) {
    const value = override[name];
    if (value !== undefined && value !== null) out[name] = positiveInteger(value, `${path}.${name}`);
  }
  return out;
}

/** `value` when it is a positive safe integer, else `INVALID_ARGUMENT` naming `path`. */
export function positiveInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new WardenError('INVALID_ARGUMENT', `${path} must be a positive integer`, { data: { path } });
  }
  return value;
}

/** Clamps a requested page size to `[1, max]`, with `fallback` when none was given. */
export function pageSize(value: number | undefined, fallback: number, max: number, path: string): number {
  if (value === undefined) return Math.min(fallback, max);
  return Math.min(positiveInteger(value, path), max);
}

/** Throws `LIMIT_EXCEEDED` naming the cap when `actual > max`. */
export function checkLimit(limit: string, actual: number, max: number, what: string): void {
  if (actual > max) {
    throw new WardenError('LIMIT_EXCEEDED', `${what}: ${actual} exceeds ${limit} (${max})`, {
      data: { limit, max, actual },
    });
  }
}
