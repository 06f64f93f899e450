/**
 * `warden.sig`, the file that carries a plugin's signature beside its manifest:
 * `{ format, keyId, publicKey, signature }` as JSON. The file is untrusted input like the rest of
 * a plugin package: it is size-capped, must be a regular file, and every field is checked before
 * anything is verified.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink, writeFile } from 'node:fs/promises';
import { WardenError } from '../errors.js';
import { parsePublicKey, type PublicKey } from './keys.js';
import { SIGNATURE_FORMAT } from './payload.js';

/** The signature file's name in a plugin directory. */
export const SIGNATURE_FILE = 'warden.sig';

/** A signature file is a few hundred bytes; anything above this is not one. */
export const MAX_SIGNATURE_FILE_BYTES = 4096;

/** The contents of a signature file. */
export interface SignatureFile {
  /** Always {@link SIGNATURE_FORMAT}, `warden-signature/1`. */
  format: typeof SIGNATURE_FORMAT;
  /** {@link keyId} of `publicKey`: 16 hex digits. */
  keyId: string;
  /** The signer's public key, `ed25519:<base64>`. */
  publicKey: string;
  /** The ed25519 signature of the payload, standard base64 (64 bytes). */
  signature: string;
}

/** A signature file whose fields are well formed, decoded. */
export interface DecodedSignature {
  keyId: string;
  publicKey: PublicKey;
  signature: Buffer;
}

const FIELDS = ['format', 'keyId', 'publicKey', 'signature'] as const;
const KEY_ID = /^[0-9a-f]{16}$/;
const SIGNATURE_BASE64 = /^[A-Za-z0-9+/]{86}==$/;
const ADVICE = `re-sign the plugin with \`warden plugin sign\` (it writes ${SIGNATURE_FILE})`;

/**
 * Checks the shape of a signature file: the four fields and nothing else, the known format, a
 * 16-hex-digit key id, a parsable ed25519 public key and a 64-byte base64 signature. Returns the
 * decoded fields, or what is wrong. Whether it verifies is for `verifyPlugin` to say.
 */
export function decodeSignature(sig: unknown): DecodedSignature | string {
  if (typeof sig !== 'object' || sig === null || Array.isArray(sig)) return 'expected a JSON object { format, keyId, publicKey, signature }';
  const record = sig as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra.length > 0) return `unknown field(s) ${extra.slice(0, 4).map((k) => JSON.stringify(k.slice(0, 32))).join(', ')}`;
  if (record.format !== SIGNATURE_FORMAT) return `format must be "${SIGNATURE_FORMAT}" (this Warden reads no other)`;
  const { keyId, publicKey, signature } = record;
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) return 'keyId must be 16 lowercase hex digits';
  if (typeof signature !== 'string' || !SIGNATURE_BASE64.test(signature)) return 'signature must be the standard base64 of 64 bytes';
  if (typeof publicKey !== 'string') return 'publicKey must be a string (ed25519:<base64>)';
  try {
    return { keyId, publicKey: parsePublicKey(publicKey, 'publicKey'), signature: Buffer.from(signature, 'base64') };
  } catch (e) {
    return e instanceof WardenError ? e.message : 'publicKey cannot be read';
  }
}

/**
 * Parses the text of a signature file. A malformed file throws `SIGNATURE_INVALID`, whose
 * message says what is wrong and how to fix it.
 *
 * @param source names the file in messages
 */
export function parseSignatureFile(text: string, source = SIGNATURE_FILE): SignatureFile {
  let data: unknown;
  try {
    if (typeof text !== 'string' || Buffer.byteLength(text, 'utf8') > MAX_SIGNATURE_FILE_BYTES) throw new Error('too large');
    data = JSON.parse(text);
  } catch {
    throw malformed(source, `it is not JSON of at most ${MAX_SIGNATURE_FILE_BYTES} bytes`);
  }
  const decoded = decodeSignature(data);
  if (typeof decoded === 'string') throw malformed(source, decoded);
  const { format, keyId, publicKey, signature } = data as SignatureFile;
  return { format, keyId, publicKey, signature };
}

/** The text of a signature file: the four fields in a fixed order, indented, with a final newline. */
export function formatSignatureFile(sig: SignatureFile): string {
  const decoded = decodeSignature(sig);
  if (typeof decoded === 'string') throw new WardenError('INVALID_ARGUMENT', `refusing to write a malformed signature: ${decoded}`);
  return `${JSON.stringify({ format: sig.format, keyId: sig.keyId, publicKey: sig.publicKey, signature: sig.signature }, null, 2)}\n`;
}

/**
 * Reads a signature file. Returns undefined when there is none (the plugin is unsigned); throws
 * `SIGNATURE_INVALID` when it is not a regular file, is too large or is malformed. Symbolic links
 * are not followed, and a FIFO never blocks the read.
 */
export async function readSignatureFile(path: string): Promise<SignatureFile | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw malformed(SIGNATURE_FILE, `it cannot be opened (${(e as NodeJS.ErrnoException).code ?? 'error'}; a symbolic link is refused)`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw malformed(SIGNATURE_FILE, 'it is not a regular file');
    if (stat.size > MAX_SIGNATURE_FILE_BYTES) throw malformed(SIGNATURE_FILE, `it is ${stat.size} bytes, more than ${MAX_SIGNATURE_FILE_BYTES}`);
    const buffer = Buffer.alloc(MAX_SIGNATURE_FILE_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return parseSignatureFile(buffer.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

/**
 * Writes a signature file atomically (a temporary file beside it, then a rename), so that a crash
 * never leaves half a signature behind. A malformed signature is refused with `INVALID_ARGUMENT`.
 */
export async function writeSignatureFile(path: string, sig: SignatureFile): Promise<void> {
  const text = formatSignatureFile(sig);
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { flag: 'wx', mode: 0o644 });
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw new WardenError('INVALID_ARGUMENT', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

function malformed(source: string, reason: string): WardenError {
  return new WardenError('SIGNATURE_INVALID', `${source} is malformed: ${reason}; ${ADVICE}`, { data: { status: 'invalid', reason } });
}
