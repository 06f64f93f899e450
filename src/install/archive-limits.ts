/**
 * The caps that bound unpacking an archive, and the internal `Refusal` that stops it. Readers and
 * the entry gate throw a `Refusal` the moment a cap is passed; `unpackArchive` turns it, with every
 * reason found before it, into one `INSTALL_REFUSED`.
 */
import { WardenError } from '../errors.js';

/** Caps on what an archive may unpack to. Every byte count is of decompressed bytes, as counted. */
export interface UnpackLimits {
  /** Entries of any kind (files, directories, refused ones). @default 1000 */
  maxEntries: number;
  /** Bytes of all files together. @default 256 MiB */
  maxTotalBytes: number;
  /** Bytes of one file. @default 128 MiB */
  maxEntryBytes: number;
  /**
   * Decompressed bytes per compressed byte, checked once more than {@link RATIO_GRACE_BYTES} have
   * come out (small files of zeros compress far better than this, harmlessly). @default 200
   */
  maxCompressionRatio: number;
}

const MiB = 1024 * 1024;

/** The caps used where none are given. */
export const DEFAULT_UNPACK_LIMITS: Readonly<UnpackLimits> = Object.freeze({
  maxEntries: 1000,
  maxTotalBytes: 256 * MiB,
  maxEntryBytes: 128 * MiB,
  maxCompressionRatio: 200,
});

/** Decompressed bytes a stream may produce before its compression ratio is checked. */
export const RATIO_GRACE_BYTES = MiB;

/** Fills in the defaults and rejects caps that are not numbers of at least 1. */
export function resolveLimits(given: Partial<UnpackLimits> = {}): UnpackLimits {
  const limits = { ...DEFAULT_UNPACK_LIMITS };
  for (const key of Object.keys(limits) as (keyof UnpackLimits)[]) {
    const value: unknown = given[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
      throw new WardenError('INVALID_ARGUMENT', `unpack limit ${key} must be a number of at least 1, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * Stops unpacking at once. `reason` names the entry and what is wrong with it; a refusal without
 * a reason means "the reasons already collected are enough".
 */
export class Refusal extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? 'archive refused');
    this.name = 'Refusal';
  }
}
