/**
 * Token buckets per capability kind, for one plugin's gate. A bucket holds up to `burst` tokens
 * and refills at `perSecond`; each use takes one. Kept in memory: a restart refills the buckets,
 * which is fine for a limit meant to stop floods, not to meter billing.
 */
import type { CapabilityKind } from '../manifest/capabilities.js';

/** One capability's limit. */
export interface RateLimit {
  /** Sustained uses per second. */
  perSecond: number;
  /** Uses allowed at once after a quiet period. @default perSecond */
  burst?: number;
}

/** The buckets of one plugin. */
export interface RateLimiter {
  /** Takes a token of `kind`; returns the exceeded limit, or `undefined` when the use may go on. */
  take(kind: CapabilityKind): RateLimit | undefined;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Creates the buckets for `limits`; kinds without a limit are never refused.
 *
 * @example createRateLimiter({ storage: { perSecond: 100, burst: 200 } }, Date.now).take('storage') // undefined
 */
export function createRateLimiter(limits: Partial<Record<CapabilityKind, RateLimit>>, now: () => number): RateLimiter {
  for (const [kind, limit] of Object.entries(limits)) {
    if (!limit) continue;
    const burst = limit.burst ?? limit.perSecond;
    if (!(limit.perSecond > 0) || !Number.isFinite(limit.perSecond) || !(burst >= 1) || !Number.isFinite(burst)) {
      throw new RangeError(`rate limit of ${kind}: perSecond must be > 0 and burst ≥ 1`);
    }
  }
  const buckets = new Map<CapabilityKind, Bucket>();
  return {
    take(kind) {
      const limit = Object.hasOwn(limits, kind) ? limits[kind] : undefined;
      if (!limit) return undefined;
      const burst = limit.burst ?? limit.perSecond;
      const t = now();
      const b = buckets.get(kind) ?? { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
      b.at = t;
      buckets.set(kind, b);
      if (b.tokens < 1) return limit;
      b.tokens -= 1;
      return undefined;
    },
  };
}
