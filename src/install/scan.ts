/**
 * The install-time scanner: reads a plugin's modules without compiling or running them and
 * holds them against its manifest. It refuses what Warden must never install (bytes that are not
 * WebAssembly, imports nobody serves, host functions of capabilities the manifest does not
 * declare, modules over the size caps, shared or 64-bit memory, declared tools that do not exist)
 * and points out what an operator should know before granting anything (a start function, vault
 * with network, high-risk capabilities, host functions only an embedding application serves).
 * Every reason is collected; the scan never stops at the first. `warden plugin audit <path>`
 * prints the report without installing. The rules are listed in docs/scan.md.
 */
import { createHash } from 'node:crypto';
import { WardenError } from '../errors.js';
import { riskOf, type CapabilityKind, type RiskLevel } from '../manifest/capabilities.js';
import type { Manifest } from '../manifest/schema.js';
import { readModuleInfo } from '../runtime/wasm/module-info.js';
import { importFindings } from './scan-imports.js';
import { resolveScanLimits, type ScanLimits } from './scan-limits.js';
import { capabilityFindings, delegationFindings, exportFindings, moduleListFindings, toolFindings } from './scan-manifest.js';
import { byteSizeFindings, complexityFindings, memoryFindings, startFindings } from './scan-module.js';
import { escapeInvisible, finding, quote, SCAN_SEVERITIES, type ScanContext, type ScanFinding, type ScannedModule } from './scan-types.js';

export { DEFAULT_SCAN_LIMITS, resolveScanLimits, type ScanLimits } from './scan-limits.js';
export { SCAN_SEVERITIES, type ScanFinding, type ScanSeverity } from './scan-types.js';

/** One module to scan: its name in the manifest (`main` for a single module) and its exact bytes. */
export interface ScanModule {
  name: string;
  bytes: Uint8Array;
}

/** What the report says about each module. */
export interface ScannedModuleSummary {
  name: string;
  /** sha256 (hex) of the exact bytes scanned. */
  sha256: string;
  bytes: number;
  /** Functions the module defines (0 when it could not be read). */
  functions: number;
  /** Names of everything it exports. */
  exports: string[];
}

/** The outcome of {@link scanPlugin}. */
export interface ScanReport {
  /** True when at least one finding has severity `refuse`: the plugin must not be installed. */
  refused: boolean;
  /** The plugin's risk: the highest risk among the capabilities it declares. */
  risk: RiskLevel;
  /** Every finding, refusals first, then from the most to the least severe. */
  findings: ScanFinding[];
  modules: ScannedModuleSummary[];
}

/**
 * Scans a plugin: its manifest and the bytes of each of its modules, in manifest order (the
 * entry is the module named `main`, or the last). Nothing is compiled or run; the bytes are read
 * by Warden's bounds-checked reader and checked with `WebAssembly.validate`.
 *
 * @param limits caps on each module; see {@link ScanLimits} for the defaults
 * @throws WardenError INVALID_ARGUMENT when `limits` is malformed (never because of the plugin)
 * @example
 * const report = scanPlugin(manifest, [{ name: 'main', bytes }]);
 * for (const f of report.findings) console.log(f.severity, f.code, f.message);
 * assertScanPassed(report);
 */
export function scanPlugin(manifest: Manifest, modules: readonly ScanModule[], limits: Partial<ScanLimits> = {}): ScanReport {
  const resolved = resolveScanLimits(limits);
  const findings: ScanFinding[] = [];
  const scanned = modules.map((m) => readModule(m, resolved, findings));
  const ctx: ScanContext = {
    manifest,
    modules: scanned,
    entry: scanned.find((m) => m.name === 'main') ?? scanned[scanned.length - 1],
    limits: resolved,
    declared: new Set<CapabilityKind>(manifest.capabilities.map((c) => c.kind)),
  };
  findings.push(...moduleListFindings(scanned));
  for (const m of scanned) {
    if (m.info === undefined) continue;
    findings.push(
      ...complexityFindings(m, m.info, resolved),
      ...memoryFindings(m, m.info, ctx),
      ...importFindings(m, m.info, ctx),
      ...startFindings(m, m.info),
    );
  }
  findings.push(...toolFindings(ctx), ...delegationFindings(ctx), ...capabilityFindings(ctx), ...exportFindings(ctx));
  return {
    refused: findings.some((f) => f.severity === 'refuse'),
    risk: riskOf(manifest.capabilities),
    findings: sortFindings(findings),
    modules: scanned.map(summary),
  };
}

/**
 * Throws when the scan refused the plugin: one `INSTALL_REFUSED` error whose message lists every
 * refusal, with `data.reasons` (the refusal messages) and `data.findings` (every finding).
 */
export function assertScanPassed(report: ScanReport): void {
  const reasons = report.findings.filter((f) => f.severity === 'refuse').map((f) => f.message);
  if (reasons.length === 0) return;
  const message = [
    `the plugin failed the install scan (${reasons.length === 1 ? '1 reason' : `${reasons.length} reasons`}):`,
    ...reasons.map((r) => `  - ${r}`),
    'Fix every reason above and install again; `warden plugin audit <path>` runs the scan without installing.',
  ].join('\n');
  throw new WardenError('INSTALL_REFUSED', message, { data: { reasons, findings: report.findings } });
}

/** Reads one module; what makes it unreadable or invalid becomes a finding. */
function readModule(m: ScanModule, limits: ScanLimits, findings: ScanFinding[]): ScannedModule {
  const scanned: ScannedModule = { name: m.name, bytes: m.bytes, info: undefined };
  const tooLarge = byteSizeFindings(scanned, limits);
  findings.push(...tooLarge);
  const invalid = (why: string): void =>
    void findings.push(finding('refuse', 'invalid-wasm', `module ${quote(m.name)} is not valid WebAssembly (${why}); check that the file is the plugin's .wasm, and rebuild it`, m.name));
  try {
    scanned.info = readModuleInfo(m.bytes);
  } catch (e) {
    invalid(e instanceof WardenError ? escapeInvisible(e.message.slice(0, 200)) : 'unreadable');
    return scanned;
  }
  // Validation is the one step whose cost grows with the code; a module over the byte cap is
  // refused already and is not validated.
  if (tooLarge.length === 0 && !WebAssembly.validate(m.bytes as Uint8Array<ArrayBuffer>)) {
    invalid("V8's validator rejects it: an instruction, a type or a feature Node does not support");
  }
  return scanned;
}

function summary(m: ScannedModule): ScannedModuleSummary {
  return {
    name: m.name,
    sha256: createHash('sha256').update(m.bytes).digest('hex'),
    bytes: m.bytes.length,
    functions: m.info?.definedFunctions ?? 0,
    exports: m.info?.exports.map((e) => e.name) ?? [],
  };
}

/** Refusals first, then by severity; the order rules found them in is kept within a severity. */
function sortFindings(findings: ScanFinding[]): ScanFinding[] {
  return [...findings].sort((a, b) => SCAN_SEVERITIES.indexOf(a.severity) - SCAN_SEVERITIES.indexOf(b.severity));
}
