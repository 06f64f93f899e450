/**
 * Plugin signatures: ed25519 keys, the signed payload (normalised manifest + module hashes), the
 * `warden.sig` file, verification against the operator's trusted keys, and what each security
 * level does with the result. Everything exported here is public API; see docs/signing.md.
 */
export { generateSigningKey, parsePublicKey, keyId, readPrivateKey, PUBLIC_KEY_PREFIX } from './keys.js';
export type { SigningKey, PublicKey } from './keys.js';
export { signaturePayload, SIGNATURE_FORMAT } from './payload.js';
export { canonicalJson } from './canonical-json.js';
export {
  readSignatureFile, writeSignatureFile, parseSignatureFile, formatSignatureFile, SIGNATURE_FILE, MAX_SIGNATURE_FILE_BYTES,
} from './signature-file.js';
export type { SignatureFile } from './signature-file.js';
export { signPlugin, verifyPlugin } from './signature.js';
export type { SignatureCheck, SignatureStatus } from './signature.js';
export { signaturePolicy, assertSignatureAllowed, SIGNATURE_POLICY } from './policy.js';
export type { SignatureDecision, SignatureVerdict } from './policy.js';
export type { ModuleHash } from '../storage/registry-types.js';
