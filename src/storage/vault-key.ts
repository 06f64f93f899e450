/**
 * Finds the vault's 256-bit master key: `WARDEN_VAULT_KEY` (64 hex characters or base64 of 32
 * bytes) when set, else the key file `vault.key` in the data directory, created with mode 0600
 * when the vault is still empty. Errors give advice and never the key or a secret.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, lstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { WardenError } from '../errors.js';

/** The environment variable holding the master key. */
export const VAULT_KEY_ENV = 'WARDEN_VAULT_KEY';
/** The key file's name inside the data directory. */
export const VAULT_KEY_FILE = 'vault.key';

/** Where to look for the key. */
export interface VaultKeySource {
  dataDir: string;
  /** Read instead of `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** May a missing key file be created? Only while the vault holds nothing to lose. */
  mayCreate: boolean;
}

/** The 32-byte key and where it came from (`env` or the key file path). */
export interface VaultKey {
  key: Buffer;
  origin: string;
}

/** Parses 64 hex characters or base64 of exactly 32 bytes; `undefined` for anything else. */
export function parseVaultKey(text: string): Buffer | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{42,43}={0,2}$/.test(t)) {
    const b = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
    if (b.length === 32) return b;
  }
  return undefined;
}

/** Loads (or, when allowed, creates) the master key; `VAULT_LOCKED` with advice when it cannot. */
export function loadVaultKey(source: VaultKeySource): VaultKey {
  const fromEnv = (source.env ?? process.env)[VAULT_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const key = parseVaultKey(fromEnv);
    if (!key) throw locked(`${VAULT_KEY_ENV} is not 64 hex characters or base64 of 32 bytes`, 'generate one with `openssl rand -hex 32`');
    return { key, origin: VAULT_KEY_ENV };
  }
  const file = join(source.dataDir, VAULT_KEY_FILE);
  if (!exists(file)) {
    if (!source.mayCreate) {
      throw locked(`the vault holds secrets but neither ${VAULT_KEY_ENV} nor ${file} is present`, `restore the key file or set ${VAULT_KEY_ENV}`);
    }
    createKeyFile(file);
  }
  return { key: readKeyFile(file), origin: file };
}

function readKeyFile(file: string): Buffer {
  const st = lstatSync(file);
  if (!st.isFile()) throw locked(`${file} is not a regular file`, 'replace it with the key file itself, not a link');
  if (process.platform !== 'win32') {
    if ((st.mode & 0o077) !== 0) {
      throw locked(`${file} is readable by group or others (mode ${(st.mode & 0o777).toString(8)})`, `run \`chmod 600 ${file}\``);
    }
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
      throw locked(`${file} belongs to another user`, `run Warden as the file's owner or \`chown\` it`);
    }
  }
  const key = parseVaultKey(readFileSync(file, 'utf8'));
  if (!key) throw locked(`${file} does not hold a 32-byte key`, 'restore the key file from backup');
  return key;
}

/** Writes a fresh key to a temporary file and links it in place: complete or absent, never half. */
function createKeyFile(file: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  // The link itself must survive a power cut, or every secret sealed with the key is lost.
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** A `VAULT_LOCKED` error with what is wrong and what to do. */
export function locked(problem: string, advice: string): WardenError {
  return new WardenError('VAULT_LOCKED', `vault locked: ${problem}; ${advice}`, { data: { advice } });
}
