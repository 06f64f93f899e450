/**
 * What each security level does with a signature check. A signature that does not match is
 * refused at every level: it means the plugin or its manifest changed after signing, which is
 * worse than no signature. `paranoid` runs only plugins signed by a trusted key; `strict` runs
 * unsigned or untrusted plugins with a warning; `relaxed` runs them silently.
 */
import type { SecurityLevel } from '../capabilities/grants.js';
import { WardenError } from '../errors.js';
import type { SignatureCheck, SignatureStatus } from './signature.js';

/** What a level does with a status. */
export type SignatureVerdict = 'allow' | 'warn' | 'refuse';

/** The result of {@link signaturePolicy}. */
export interface SignatureDecision {
  allowed: boolean;
  /** Set when the plugin is allowed but the operator should hear about it (`strict`). */
  warning?: string;
}

/** The policy table, as docs/signing.md shows it. */
export const SIGNATURE_POLICY: Readonly<Record<SecurityLevel, Readonly<Record<SignatureStatus, SignatureVerdict>>>> = {
  paranoid: { valid: 'allow', missing: 'refuse', untrusted: 'refuse', invalid: 'refuse' },
  strict: { valid: 'allow', missing: 'warn', untrusted: 'warn', invalid: 'refuse' },
  relaxed: { valid: 'allow', missing: 'allow', untrusted: 'allow', invalid: 'refuse' },
};

const ADVICE: Record<SignatureStatus, string> = {
  invalid: 'a signature that does not match is refused at every security level: reinstall the plugin from its source, or re-sign it with `warden plugin sign` if you changed it on purpose',
  missing: 'this security level runs only plugins signed by a trusted key: sign it with `warden plugin sign` and list the public key in trusted_keys',
  untrusted: 'this security level runs only plugins signed by a trusted key: add the key to trusted_keys if you trust whoever holds it',
  valid: '',
};

/**
 * Whether a plugin with this signature check may run at this level, with a warning where the
 * level wants one. An unknown level or status is refused (fail closed).
 *
 * @example signaturePolicy('strict', { status: 'missing', message: 'plugin "p" is not signed' })
 * // { allowed: true, warning: 'plugin "p" is not signed; allowed at the strict level, refused at paranoid' }
 */
export function signaturePolicy(level: SecurityLevel, check: SignatureCheck): SignatureDecision {
  switch (verdictOf(level, check)) {
    case 'allow':
      return { allowed: true };
    case 'warn':
      return { allowed: true, warning: `${check.message}; allowed at the ${level} level, refused at paranoid` };
    case 'refuse':
      return { allowed: false };
  }
}

/**
 * {@link signaturePolicy}, throwing `SIGNATURE_INVALID` (with advice, and `data.status`,
 * `data.keyId`, `data.level`) when the plugin may not run. Returns the decision otherwise, so that
 * the caller can log its warning.
 */
export function assertSignatureAllowed(level: SecurityLevel, check: SignatureCheck): SignatureDecision {
  const decision = signaturePolicy(level, check);
  if (decision.allowed) return decision;
  const advice = Object.hasOwn(ADVICE, check.status) ? ADVICE[check.status] : 'the signature check is not understood';
  throw new WardenError('SIGNATURE_INVALID', `${check.message}; ${advice}`, { data: { status: check.status, keyId: check.keyId, level } });
}

function verdictOf(level: SecurityLevel, check: SignatureCheck): SignatureVerdict {
  const row = Object.hasOwn(SIGNATURE_POLICY, level) ? SIGNATURE_POLICY[level] : undefined;
  return row !== undefined && Object.hasOwn(row, check.status) ? row[check.status] : 'refuse';
}
