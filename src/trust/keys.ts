/**
 * Ed25519 keys for plugin signatures, with node:crypto only. Public keys travel in config files
 * in a compact form, `ed25519:<base64 of the 32 raw bytes>`; a PEM SPKI block is accepted too, so
 * a key made with `openssl genpkey -algorithm ed25519` works as it is. Private keys are PKCS8 PEM
 * and never appear in a message or an error: errors name what was expected, not what was given.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { WardenError } from '../errors.js';

/** The prefix of the compact public key form. */
export const PUBLIC_KEY_PREFIX = 'ed25519:';

/** A new signing key: the private half as PKCS8 PEM, the public half in compact form. */
export interface SigningKey {
  /** PKCS8 PEM (`-----BEGIN PRIVATE KEY-----`). Keep it secret: anyone holding it can sign. */
  privateKeyPem: string;
  /** `ed25519:<base64 of the 32 raw bytes>`, the form `trusted_keys` lists. */
  publicKey: string;
}

/** A parsed ed25519 public key. */
export interface PublicKey {
  /** The compact form, `ed25519:<base64>`, whatever form was parsed. */
  text: string;
  /** The 32 raw key bytes. */
  raw: Buffer;
  /** {@link keyId} of the key. */
  id: string;
  /** The key, ready for `crypto.verify`. */
  key: KeyObject;
}

/** Room for any PEM key (even a large RSA one, to name it in the error); a stray file is not a key. */
const MAX_KEY_TEXT = 16384;
const RAW_KEY_BYTES = 32;
const COMPACT_BASE64 = /^[A-Za-z0-9+/]{43}=$/;
const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]{1,40})-----/;
const KEY_ADVICE = 'make one with generateSigningKey() or `openssl genpkey -algorithm ed25519`';

/**
 * Makes a new ed25519 signing key.
 *
 * @example
 * const { privateKeyPem, publicKey } = generateSigningKey();
 * writeFileSync('warden-signing.pem', privateKeyPem, { mode: 0o600 });
 * console.log(publicKey); // ed25519:…, for trusted_keys
 */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: describe(publicKey).text };
}

/**
 * Parses a public key in compact form (`ed25519:<base64>`) or as a PEM SPKI block
 * (`-----BEGIN PUBLIC KEY-----`). Anything else — another algorithm, a private key, malformed
 * base64 — is refused with `INVALID_ARGUMENT`.
 *
 * @param source names the key in messages, e.g. `trusted_keys[2]`
 */
export function parsePublicKey(text: string, source = 'public key'): PublicKey {
  const t = typeof text === 'string' && text.length <= MAX_KEY_TEXT ? text.trim() : '';
  if (t.startsWith(PUBLIC_KEY_PREFIX)) {
    const b64 = t.slice(PUBLIC_KEY_PREFIX.length);
    // Buffer's base64 decoder skips what it cannot read, so the form is checked first and the
    // round trip refuses non-canonical trailing bits: one key has exactly one compact text.
    if (!COMPACT_BASE64.test(b64) || Buffer.from(b64, 'base64').toString('base64') !== b64) {
      throw invalidKey(`${source} must be ${PUBLIC_KEY_PREFIX} followed by the standard base64 of 32 bytes (44 characters ending in "=")`);
    }
    const x = Buffer.from(b64, 'base64').toString('base64url');
    return describe(importKey(() => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }), source));
  }
  if (isPem(t, 'PUBLIC KEY')) {
    return describe(ed25519Only(importKey(() => createPublicKey({ key: t, format: 'pem', type: 'spki' }), source), source));
  }
  const label = PEM_LABEL.exec(t)?.[1];
  if (label?.includes('PRIVATE')) throw invalidKey(`${source} is a private key: give its public half (${PUBLIC_KEY_PREFIX}… or -----BEGIN PUBLIC KEY-----), and keep the private key secret`);
  throw invalidKey(`${source} must be ${PUBLIC_KEY_PREFIX}<base64 of 32 bytes> or a PEM block -----BEGIN PUBLIC KEY-----${label ? `, not ${label}` : ''}`);
}

/**
 * A short, stable id of a public key: the first 16 hex digits of the sha256 of its 32 raw bytes.
 * Both key forms give the same id.
 *
 * @example keyId('ed25519:…') // '3f9c0a17b2d4e861'
 */
export function keyId(publicKey: string): string {
  return parsePublicKey(publicKey).id;
}

/**
 * Reads an ed25519 private key from unencrypted PKCS8 PEM. Encrypted keys, other PEM kinds (RSA,
 * EC, OpenSSH) and other algorithms are refused with `INVALID_ARGUMENT`; the message never
 * repeats the key.
 */
export function readPrivateKey(pem: string): KeyObject {
  const t = typeof pem === 'string' && pem.length <= MAX_KEY_TEXT ? pem.trim() : '';
  if (!isPem(t, 'PRIVATE KEY')) {
    const label = PEM_LABEL.exec(t)?.[1];
    const found = label === 'ENCRYPTED PRIVATE KEY' ? 'an encrypted key (decrypt it with `openssl pkey`, and keep the result private)' : label ? `a PEM block ${label}` : 'no PEM block';
    throw invalidKey(`the signing key must be an ed25519 private key in PKCS8 PEM (-----BEGIN PRIVATE KEY-----); found ${found}; ${KEY_ADVICE}`);
  }
  return ed25519Only(importKey(() => createPrivateKey({ key: t, format: 'pem', type: 'pkcs8' }), 'the signing key'), 'the signing key');
}

/** The public half of an ed25519 private key, parsed. */
export function publicKeyOf(privateKey: KeyObject): PublicKey {
  return describe(createPublicKey(privateKey));
}

function describe(key: KeyObject): PublicKey {
  const raw = Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url');
  if (raw.length !== RAW_KEY_BYTES) throw invalidKey(`an ed25519 public key has ${RAW_KEY_BYTES} bytes, not ${raw.length}`);
  const id = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return { text: `${PUBLIC_KEY_PREFIX}${raw.toString('base64')}`, raw, id, key };
}

function isPem(text: string, label: string): boolean {
  const body = text.slice(`-----BEGIN ${label}-----`.length, -`-----END ${label}-----`.length);
  return text.startsWith(`-----BEGIN ${label}-----`) && text.endsWith(`-----END ${label}-----`) && /^\r?\n[A-Za-z0-9+/=\r\n]+$/.test(body);
}

function importKey(load: () => KeyObject, source: string): KeyObject {
  try {
    return load();
  } catch {
    // No cause: what OpenSSL says about a key is no help to the operator, and must never carry it.
    throw invalidKey(`${source} cannot be read as a key; ${KEY_ADVICE}`);
  }
}

function ed25519Only(key: KeyObject, source: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw invalidKey(`${source} is a key of type ${key.asymmetricKeyType ?? 'unknown'}; Warden signatures use ed25519 keys only (${KEY_ADVICE})`);
  return key;
}

function invalidKey(message: string): WardenError {
  return new WardenError('INVALID_ARGUMENT', message);
}
