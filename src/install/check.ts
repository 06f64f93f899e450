/**
 * Everything a package must pass before it is installed: the static scan and the signature
 * policy. `inspectPackage` reports without refusing (what `warden plugin audit` prints);
 * `assertPackageAllowed` refuses with every reason.
 */
import type { SecurityLevel } from '../capabilities/grants.js';
import type { PluginLimits } from '../runtime/options.js';
import { assertSignatureAllowed, parseSignatureFile, signaturePolicy, verifyPlugin, type SignatureCheck } from '../trust/index.js';
import type { PluginPackage } from './package.js';
import { assertScanPassed, scanPlugin, type ScanLimits, type ScanReport } from './scan.js';

/** What the checks found. */
export interface PackageInspection {
  scan: ScanReport;
  signature: SignatureCheck;
  /** Non-fatal findings for the operator: manifest warnings, the signature policy's warning. */
  warnings: string[];
}

/** The policy the checks apply. */
export interface CheckPolicy {
  securityLevel: SecurityLevel;
  trustedKeys?: readonly string[] | undefined;
  limits?: PluginLimits | undefined;
}

function scanLimits(limits: PluginLimits | undefined): Partial<ScanLimits> {
  return {
    ...(limits?.moduleMaxBytes && { moduleMaxBytes: limits.moduleMaxBytes }),
    ...(limits?.maxFunctions && { maxFunctions: limits.maxFunctions }),
    ...(limits?.memoryMaxBytes && { memoryMaxBytes: limits.memoryMaxBytes }),
  };
}

/** The package's signature, checked against the trusted keys (a malformed file is `invalid`). */
export function checkSignature(pkg: PluginPackage, trustedKeys: readonly string[] = []): SignatureCheck {
  const modules = pkg.modules.map((m) => ({ name: m.name, sha256: m.sha256 }));
  let file;
  try {
    file = pkg.signatureText === undefined ? undefined : parseSignatureFile(pkg.signatureText);
  } catch (e) {
    return { status: 'invalid', message: (e as Error).message };
  }
  return verifyPlugin(pkg.manifest.manifest, modules, file, trustedKeys);
}

/** The static scan of a package under the operator's limits. */
export function scanPackage(pkg: PluginPackage, limits: PluginLimits | undefined): ScanReport {
  return scanPlugin(pkg.manifest.manifest, pkg.modules, scanLimits(limits));
}

/** Scans and checks the signature, refusing nothing. */
export function inspectPackage(pkg: PluginPackage, policy: CheckPolicy): PackageInspection {
  const scan = scanPackage(pkg, policy.limits);
  const signature = checkSignature(pkg, policy.trustedKeys);
  const warning = signaturePolicy(policy.securityLevel, signature).warning;
  return { scan, signature, warnings: [...pkg.manifest.warnings.map((w) => `${w.path}: ${w.message}`), ...(warning ? [warning] : [])] };
}

/** {@link inspectPackage}, then refuses (`INSTALL_REFUSED`, `SIGNATURE_INVALID`) what the policy does not allow. */
export function assertPackageAllowed(pkg: PluginPackage, policy: CheckPolicy): PackageInspection {
  const inspection = inspectPackage(pkg, policy);
  assertScanPassed(inspection.scan);
  assertSignatureAllowed(policy.securityLevel, inspection.signature);
  return inspection;
}
