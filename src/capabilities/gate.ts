/**
 * The one choke point every capability use goes through. A gate belongs to one plugin; it knows
 * that plugin's effective capabilities, decides each use deny-by-default, rate-limits per
 * capability, and writes the audit record. Host functions never decide on their own.
 */
import { WardenError } from '../errors.js';
import type { Capability, CapabilityKind } from '../manifest/capabilities.js';
import type { AuditStore } from '../storage/driver.js';
import { findCapability } from './grants.js';
import { createRateLimiter, type RateLimit, type RateLimiter } from './rate-limit.js';

/** Options of {@link createGate}. */
export interface GateOptions {
  /** The plugin id the records are written under. */
  plugin: string;
  /** The plugin's effective capabilities (see `effectiveCapabilities`). */
  effective: readonly Capability[];
  /** Where decisions are recorded. */
  audit: AuditStore;
  /** Token-bucket limits per capability kind. @default none (unlimited) */
  rateLimits?: Partial<Record<CapabilityKind, RateLimit>>;
  /** Kinds whose allowed uses are recorded too (denials always are). @default ['vault', 'cli'] */
  auditAllowed?: readonly CapabilityKind[];
  /** Called when the audit store fails; the decision stands either way. @default ignore */
  onAuditError?: (error: unknown) => void;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * A predicate on the effective capability that says whether this use is covered (the vault key
 * is one of the granted keys, the host is allowed…). Absent: having the kind is enough.
 */
export type Permit<K extends CapabilityKind> = (cap: Extract<Capability, { kind: K }>) => boolean;

/** The deny-by-default decision point of one plugin. */
export interface Gate {
  /** The plugin id. */
  readonly plugin: string;
  /** Whether `kind` is effective at all (no record written; for linking decisions). */
  has(kind: CapabilityKind): boolean;
  /** The effective capability of `kind`, if any (no record written; not a use). */
  capability<K extends CapabilityKind>(kind: K): Extract<Capability, { kind: K }> | undefined;
  /**
   * Decides one use: the effective capability when it is allowed, `undefined` when denied (the
   * denial is recorded before this resolves). Over the rate limit it rejects with
   * `LIMIT_EXCEEDED`, also recorded. `detail` names what was asked (a key, a host, a vault key's
   * name) and must never hold a secret.
   */
  check<K extends CapabilityKind>(kind: K, detail: string, permit?: Permit<K>): Promise<Extract<Capability, { kind: K }> | undefined>;
  /** Like {@link Gate.check}, but a denial rejects with `PERMISSION_DENIED` (`data: { capability, detail }`). */
  require<K extends CapabilityKind>(kind: K, detail: string, permit?: Permit<K>): Promise<Extract<Capability, { kind: K }>>;
  /** Records a denial decided elsewhere (the runtime refuses HTTP requests itself). */
  recordDenial(kind: CapabilityKind, detail: string, reason: string): Promise<void>;
}

/** Longest `detail` written to a record or an error; longer ones are cut with an ellipsis. */
export const MAX_DETAIL = 256;

/**
 * Creates the gate of one plugin.
 *
 * @example
 * ```ts
 * const gate = createGate({ plugin: 'hello', effective, audit: store.audit });
 * await gate.require('storage', 'get greeting');   // throws PERMISSION_DENIED unless granted
 * ```
 */
export function createGate(options: GateOptions): Gate {
  const { plugin, effective, audit } = options;
  const auditAllowed = new Set(options.auditAllowed ?? ['vault', 'cli']);
  const limiter: RateLimiter = createRateLimiter(options.rateLimits ?? {}, options.now ?? Date.now);
  const record = async (capability: CapabilityKind, detail: string, decision: 'allow' | 'deny', reason?: string): Promise<void> => {
    try {
      await audit.append({ plugin, capability, detail, decision, ...(reason === undefined ? {} : { reason }) });
    } catch (e) {
      options.onAuditError?.(e);
    }
  };

  const check = async <K extends CapabilityKind>(kind: K, rawDetail: string, permit?: Permit<K>): Promise<Extract<Capability, { kind: K }> | undefined> => {
    const detail = cut(rawDetail);
    const cap = findCapability(effective, kind);
    if (!cap) {
      await record(kind, detail, 'deny', 'capability not granted');
      return undefined;
    }
    if (permit && !permit(cap)) {
      await record(kind, detail, 'deny', 'not covered by the grant');
      return undefined;
    }
    const limit = limiter.take(kind);
    if (limit !== undefined) {
      await record(kind, detail, 'deny', `rate limit of ${limit.perSecond}/s exceeded`);
      throw new WardenError('LIMIT_EXCEEDED', `${kind}: rate limit of ${limit.perSecond} uses per second exceeded`, {
        data: { limit: 'rate', capability: kind, max: limit.perSecond },
      });
    }
    if (auditAllowed.has(kind)) await record(kind, detail, 'allow');
    return cap;
  };

  return {
    plugin,
    has: (kind) => findCapability(effective, kind) !== undefined,
    capability: (kind) => findCapability(effective, kind),
    check,
    recordDenial: (kind, detail, reason) => record(kind, cut(detail), 'deny', cut(reason)),
    async require(kind, detail, permit) {
      const cap = await check(kind, detail, permit);
      if (cap) return cap;
      throw new WardenError('PERMISSION_DENIED', `${kind}: not granted to this plugin (${cut(detail)})`, {
        data: { capability: kind, detail: cut(detail) },
      });
    },
  };
}

function cut(detail: string): string {
  return detail.length <= MAX_DETAIL ? detail : `${detail.slice(0, MAX_DETAIL - 1)}…`;
}
