/**
 * Signing and verifying a plugin: an ed25519 signature over the payload of {@link signaturePayload}
 * (the normalised manifest, capabilities included, and every module's sha256). Verifying answers
 * one of four statuses and never throws for anything the plugin package controls; what to do
 * with the answer is the policy's business (see policy.ts).
 */
import { sign, timingSafeEqual, verify } from 'node:crypto';
import { WardenError } from '../errors.js';
import type { Manifest } from '../manifest/schema.js';
import type { ModuleHash } from '../storage/registry-types.js';
import { parsePublicKey, publicKeyOf, readPrivateKey } from './keys.js';
import { SIGNATURE_FORMAT, signaturePayload } from './payload.js';
import { decodeSignature, SIGNATURE_FILE, type SignatureFile } from './signature-file.js';

/**
 * What a signature check found. `valid`: signed by a trusted key and matching. `missing`: no
 * signature. `untrusted`: a correct signature by a key not in the trusted keys. `invalid`: the
 * signature is malformed, does not match the manifest and modules, or its keyId is not its key's.
 */
export type SignatureStatus = 'valid' | 'missing' | 'untrusted' | 'invalid';

/** The result of {@link verifyPlugin}. */
export interface SignatureCheck {
  status: SignatureStatus;
  /** The id of the key that signed, when the signature names a readable key. */
  keyId?: string;
  /** One sentence for the operator (names the plugin and the key). */
  message: string;
}

/**
 * Signs a plugin: its validated manifest and the sha256 of each module, with an ed25519 private
 * key in PKCS8 PEM. Returns the contents of `warden.sig`. Throws `INVALID_ARGUMENT` for a key
 * that is not an unencrypted ed25519 PKCS8 key, or malformed modules.
 *
 * @example
 * const sig = signPlugin(manifest, [{ name: 'main', sha256 }], readFileSync('signing.pem', 'utf8'));
 * await writeSignatureFile(join(dir, SIGNATURE_FILE), sig);
 */
export function signPlugin(manifest: Manifest, modules: readonly ModuleHash[], privateKeyPem: string): SignatureFile {
  const key = readPrivateKey(privateKeyPem);
  const signer = publicKeyOf(key);
  const signature = sign(null, signaturePayload(manifest, modules), key).toString('base64');
  return { format: SIGNATURE_FORMAT, keyId: signer.id, publicKey: signer.text, signature };
}

/**
 * Checks a plugin's signature against its validated manifest, the sha256 of each module as
 * computed from the bytes that will run, and the operator's trusted keys (compact or PEM form).
 * Anything wrong with the signature is a status, not an exception; a malformed trusted key or
 * malformed modules (the host's own inputs) throw `INVALID_ARGUMENT`.
 *
 * @example
 * const check = verifyPlugin(manifest, modules, await readSignatureFile(sigPath), config.trusted_keys);
 * const { warning } = assertSignatureAllowed(level, check);
 */
export function verifyPlugin(
  manifest: Manifest,
  modules: readonly ModuleHash[],
  signature: SignatureFile | undefined,
  trustedKeys: readonly string[],
): SignatureCheck {
  if (!Array.isArray(trustedKeys)) throw new WardenError('INVALID_ARGUMENT', 'trusted keys must be a list of public keys');
  const trusted = trustedKeys.map((k, i) => parsePublicKey(k, `trusted_keys[${i}]`));
  const payload = signaturePayload(manifest, modules);
  const plugin = `plugin "${manifest.name}"`;
  if (signature === undefined) return { status: 'missing', message: `${plugin} is not signed (no ${SIGNATURE_FILE})` };

  const decoded = decodeSignature(signature);
  if (typeof decoded === 'string') return { status: 'invalid', message: `the signature of ${plugin} is malformed: ${decoded}` };
  const { publicKey } = decoded;
  const keyId = publicKey.id;
  if (!timingSafeEqual(Buffer.from(decoded.keyId), Buffer.from(keyId))) {
    return { status: 'invalid', keyId, message: `the signature of ${plugin} names key ${decoded.keyId} but carries key ${keyId}: the signature file was edited` };
  }
  if (!verify(null, payload, publicKey.key, decoded.signature)) {
    return {
      status: 'invalid',
      keyId,
      message: `the signature of ${plugin} by key ${keyId} does not match its manifest and modules: they changed after signing (capabilities, limits, tools, version or a module), or the signature was edited`,
    };
  }
  if (trusted.some((t) => timingSafeEqual(t.raw, publicKey.raw))) {
    return { status: 'valid', keyId, message: `${plugin} is signed by trusted key ${keyId}` };
  }
  return { status: 'untrusted', keyId, message: `${plugin} is signed by key ${keyId} (${publicKey.text}), which is not in trusted_keys` };
}
