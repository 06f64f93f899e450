/**
 * The size and complexity caps the install scan holds each module to. The runtime's own caps
 * (`DEFAULT_LIMITS`, `MODULE_STRUCTURE_CAPS`) are the defaults, so a module that passes the scan
 * with default limits is not refused for its size when it is loaded; the caps the runtime does
 * not check (code, data and table sizes) are the scan's own.
 */
import { WardenError } from '../errors.js';
import { DEFAULT_LIMITS, MODULE_STRUCTURE_CAPS } from '../runtime/options.js';

const MiB = 1024 * 1024;

/** Caps on one module. Every field is a positive number. */
export interface ScanLimits {
  /** Largest module, in bytes. @default 32 MiB (the runtime's `moduleMaxBytes`) */
  moduleMaxBytes: number;
  /** Most functions a module may define. @default 50000 (the runtime's `maxFunctions`) */
  maxFunctions: number;
  /** Largest code section, in bytes. @default 16 MiB */
  codeMaxBytes: number;
  /** Most data segments. @default 100000 */
  maxDataSegments: number;
  /** Largest data section, in bytes. @default 16 MiB */
  dataMaxBytes: number;
  /** Most tables a module may define. @default 100 */
  maxTables: number;
  /** Largest initial size of a table, in elements. @default 100000 */
  tableMaxElements: number;
  /**
   * The memory cap: a memory whose minimum is above it (or above the manifest's `limits.memory`,
   * when lower) could never be instantiated. @default 64 MiB (the runtime's `memoryMaxBytes`)
   */
  memoryMaxBytes: number;
  /** Most imports. @default 10000 */
  maxImports: number;
  /** Most exports. @default 10000 */
  maxExports: number;
}

/** The caps used where {@link scanPlugin} is given none. */
export const DEFAULT_SCAN_LIMITS: Readonly<ScanLimits> = Object.freeze({
  moduleMaxBytes: DEFAULT_LIMITS.moduleMaxBytes,
  maxFunctions: DEFAULT_LIMITS.maxFunctions,
  codeMaxBytes: 16 * MiB,
  maxDataSegments: MODULE_STRUCTURE_CAPS.maxDataSegments,
  dataMaxBytes: 16 * MiB,
  maxTables: MODULE_STRUCTURE_CAPS.maxTables,
  tableMaxElements: 100_000,
  memoryMaxBytes: DEFAULT_LIMITS.memoryMaxBytes,
  maxImports: MODULE_STRUCTURE_CAPS.maxImports,
  maxExports: MODULE_STRUCTURE_CAPS.maxExports,
});

/** Fills in the defaults. Throws INVALID_ARGUMENT for an unknown key or a value that is not a positive number. */
export function resolveScanLimits(limits: Partial<ScanLimits> = {}): ScanLimits {
  const out: ScanLimits = { ...DEFAULT_SCAN_LIMITS };
  for (const [key, value] of Object.entries(limits) as [keyof ScanLimits, unknown][]) {
    if (!Object.hasOwn(DEFAULT_SCAN_LIMITS, key)) {
      throw new WardenError('INVALID_ARGUMENT', `scan limit ${String(key).slice(0, 64)} is not known (known: ${Object.keys(DEFAULT_SCAN_LIMITS).join(', ')})`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new WardenError('INVALID_ARGUMENT', `scan limit ${key} must be a positive number, got ${String(value).slice(0, 32)}`);
    }
    out[key] = Math.floor(value);
  }
  return out;
}
