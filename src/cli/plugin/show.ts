/**
 * How capabilities, scan findings and signatures are shown to the operator.
 */
import { requestedGrants } from '../../capabilities/grants.js';
import type { PackageInspection } from '../../install/check.js';
import type { Capability } from '../../manifest/index.js';
import { out, style } from '../output.js';

const RISK_STYLE = { low: 'green', medium: 'yellow', high: 'red' } as const;


/** Prints the requested capabilities with their risk, marking those granted. */
export function printCapabilities(caps: readonly Capability[], granted?: readonly string[]): void {
  const lines = requestedGrants(caps);
  if (lines.length === 0) out('  (none)');
  for (const { grant, risk } of lines) {
    const mark = granted === undefined ? '' : granted.includes(grant) ? 'granted  ' : 'not granted  ';
    out(`  ${mark}${grant}  ${style(RISK_STYLE[risk], risk)}`);
  }
}

/** Prints the scan's findings and the signature check. */
export function printInspection(inspection: PackageInspection): void {
  const { scan, signature } = inspection;
  for (const f of scan.findings) {
    const sev = f.severity === 'refuse' ? style('red', 'REFUSE') : f.severity === 'high' ? style('red', f.severity) : f.severity === 'medium' ? style('yellow', f.severity) : f.severity;
    out(`  ${sev}  ${f.message}`);
  }
  if (scan.findings.length === 0) out('  scan: nothing found');
  out(`  signature: ${signature.status}${signature.keyId ? ` (key ${signature.keyId})` : ''}`);
  for (const w of inspection.warnings) out(`  warning: ${w}`);
}
