/**
 * What `Warden.install` reports: the package's identity, what it requests and holds, and every
 * non-fatal finding.
 */
import { grantStrings } from '../capabilities/grants.js';
import type { PackageInspection } from '../install/check.js';
import type { PluginPackage } from '../install/package.js';
import { riskOf } from '../manifest/index.js';
import type { InstallResult } from './types.js';

/** The result of installing `pkg`, holding `granted` after the operator asked for `asked`. */
export function installResult(pkg: PluginPackage, inspection: PackageInspection, granted: string[], asked: readonly string[], extra: Pick<InstallResult, 'upgraded' | 'enabled' | 'pendingConsent'>): InstallResult {
  const { manifest } = pkg.manifest;
  const requested = grantStrings(manifest.capabilities);
  const warnings = [...inspection.warnings, ...inspection.scan.findings.map((f) => `${f.severity}: ${f.message}`)];
  for (const g of asked) if (!requested.includes(g)) warnings.push(`grant "${g}" matches nothing ${manifest.name} requests; it has no effect`);
  return {
    id: manifest.name, version: manifest.version, requested: manifest.capabilities, granted, risk: riskOf(manifest.capabilities),
    warnings, findings: inspection.scan.findings, signature: inspection.signature, ...extra,
  };
}
