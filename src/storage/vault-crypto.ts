/**
 * AES-256-GCM sealing of vault values, shared by every driver: a random 96-bit nonce per value
 * and the key name as additional data, so a ciphertext moved to another name fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const TAG_BYTES = 16;

/** A sealed value: the nonce and the ciphertext with its 16-byte tag appended. */
export interface Sealed {
  nonce: Buffer;
  ciphertext: Buffer;
}

/** Additional data of the key-check value; the NUL keeps it apart from every key name. */
export const CHECK_AAD = '\u0000warden-vault-check';
const CHECK_PLAINTEXT = Buffer.from('warden vault key check v1');

/** Encrypts `plaintext` under `key`, bound to `aad`. */
export function seal(key: Buffer, plaintext: Uint8Array, aad: string): Sealed {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, ciphertext };
}

/** Decrypts a sealed value; `undefined` when the key, the additional data or the bytes are wrong. */
export function unseal(key: Buffer, sealed: Sealed, aad: string): Buffer | undefined {
  if (sealed.nonce.length !== 12 || sealed.ciphertext.length < TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** The value stored once per vault to tell a wrong key from a tampered entry. */
export function sealCheck(key: Buffer): Sealed {
  return seal(key, CHECK_PLAINTEXT, CHECK_AAD);
}

/** True when `key` opens the vault's check value. */
export function keyMatches(key: Buffer, check: Sealed): boolean {
  const opened = unseal(key, check, CHECK_AAD);
  return opened !== undefined && opened.equals(CHECK_PLAINTEXT);
}
