/**
 * The prepared-module cache under `<pluginsDir>/.cache`: work done on a module before it is
 * compiled (the limits rewrite, the scan report) kept in one file per entry. The file name is the
 * entry's key, a sha256 over the module's sha256, Warden's version, the host ABI version and
 * whatever else the value depends on (the caps it was prepared under), so a change of any of them
 * never reuses an entry. Each file starts with a header (magic, format version, key, lengths and a
 * digest of the rest), so a truncated, corrupt, renamed or foreign file is detected, removed,
 * reported and treated as a miss.
 *
 * The cache is optional: disk trouble never throws (it goes to `onError`), writes are atomic
 * (temporary file + rename), and the folder may be deleted at any time.
 *
 * An entry saves work; it is never trusted to be safe. The digest catches accidents; with
 * `integrityKey` it is an HMAC, which also catches entries planted by someone who can write the
 * folder but not read the key. Whoever uses an entry still re-checks what it relies on
 * (`prepareModuleCached` does), and V8 validates the bytes again when it compiles them.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WardenError } from '../errors.js';
import { canonicalJson } from '../trust/canonical-json.js';

/** The entry file format; a file of another format is a miss (and is replaced). */
export const CACHE_FORMAT_VERSION = 1;

const MAGIC = Buffer.from('WRDNMODC', 'latin1');
/** magic 8 | format u32 | key 32 | json length u32 | prepared length u32 | digest 32 (little-endian). */
const DIGEST_AT = 8 + 4 + 32 + 4 + 4;
const HEADER_BYTES = DIGEST_AT + 32;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MiB = 1024 * 1024;

/** Options of {@link ModuleCache}. */
export interface ModuleCacheOptions {
  /** The cache folder, `<pluginsDir>/.cache`; created (mode 0700) at the first write. */
  dir: string;
  /** Warden's version (`WARDEN_VERSION`); part of every key. */
  wardenVersion: string;
  /** The host ABI version (`HOST_ABI_VERSION`); part of every key. */
  abiVersion: number;
  /** A secret (32 bytes or more) that turns the digest into an HMAC, so entries cannot be forged without it. */
  integrityKey?: Uint8Array;
  /** Entry files larger than this are treated as corrupt. @default 512 MiB */
  maxEntryBytes?: number;
  /** Told about every failure the cache swallows (a `STORAGE_ERROR`); must not throw. @default ignored */
  onError?: (error: WardenError) => void;
}

/** What is cached for one module. */
export interface CachedModule {
  /** The module's bytes after `prepareModule`. */
  prepared: Uint8Array;
  /** The scan report (JSON). */
  scan?: unknown;
  /** Anything else worth keeping (JSON). */
  meta: Record<string, unknown>;
}

/** What else an entry depends on besides the module, Warden and the ABI, e.g. the caps it was prepared under. */
export type CacheVariant = Readonly<Record<string, string | number | boolean>>;

/** A cache of prepared modules; see the file header. */
export class ModuleCache {
  readonly dir: string;
  readonly #wardenVersion: string;
  readonly #abiVersion: number;
  readonly #integrityKey: Buffer | undefined;
  readonly #maxEntryBytes: number;
  readonly #onError: (error: WardenError) => void;

  constructor(options: ModuleCacheOptions) {
    const bad = (what: string): never => {
      throw new WardenError('INVALID_ARGUMENT', `ModuleCache: ${what}`);
    };
    if (typeof options.dir !== 'string' || options.dir === '') bad('dir must be a folder path');
    if (typeof options.wardenVersion !== 'string' || options.wardenVersion === '') bad('wardenVersion must be a non-empty string');
    if (!Number.isSafeInteger(options.abiVersion) || options.abiVersion < 0) bad('abiVersion must be a non-negative integer');
    if (options.integrityKey !== undefined && options.integrityKey.length < 32) bad('integrityKey must hold at least 32 bytes');
    this.dir = options.dir;
    this.#wardenVersion = options.wardenVersion;
    this.#abiVersion = options.abiVersion;
    this.#integrityKey = options.integrityKey && Buffer.from(options.integrityKey);
    this.#maxEntryBytes = options.maxEntryBytes ?? 512 * MiB;
    const onError = options.onError;
    this.#onError = (error) => {
      try {
        onError?.(error);
      } catch {
        // A reporter that fails must not turn an optional cache into a failure.
      }
    };
  }

  /** The key (64 hex digits, the entry's file name) of the module with `sha256` under `variant`. */
  keyOf(sha256: string, variant: CacheVariant = {}): string {
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) {
      throw new WardenError('INVALID_ARGUMENT', 'ModuleCache: a module is named by its sha256, 64 lowercase hexadecimal digits');
    }
    const identity = canonicalJson({ module: sha256, warden: this.#wardenVersion, abi: this.#abiVersion, variant });
    return createHash('sha256').update(identity).digest('hex');
  }

  /** The cached value for the module with `sha256` under `variant`, or undefined (a corrupt entry is removed). */
  async get(sha256: string, variant?: CacheVariant): Promise<CachedModule | undefined> {
    const key = this.keyOf(sha256, variant);
    const file = join(this.dir, key);
    let data: Buffer;
    try {
      data = await readEntry(file, this.#maxEntryBytes);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (e instanceof Unusable) await this.#drop(file, e.message);
      else this.#report(`cannot read module cache entry ${file} (${code ?? (e as Error).message}); the module is prepared again`, file, e);
      return undefined;
    }
    const value = this.#decode(data, key);
    if (typeof value === 'string') {
      await this.#drop(file, value);
      return undefined;
    }
    return value;
  }

  /** Stores `value` for the module with `sha256` under `variant`, atomically. Never throws for disk trouble: it reports to `onError`. */
  async set(sha256: string, value: CachedModule, variant?: CacheVariant): Promise<void> {
    const key = this.keyOf(sha256, variant);
    const file = join(this.dir, key);
    let bytes: Buffer;
    try {
      bytes = this.#encode(value, key);
    } catch (e) {
      this.#report(`cannot cache module ${sha256}: ${(e as Error).message}`, file, e);
      return;
    }
    const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFile(temp, bytes, { flag: 'wx', mode: 0o600 });
      await rename(temp, file);
    } catch (e) {
      await rm(temp, { force: true }).catch(() => undefined);
      const code = (e as NodeJS.ErrnoException).code;
      this.#report(`cannot write module cache entry ${file} (${code ?? (e as Error).message}); loading works without it`, file, e);
    }
  }

  /** Removes the entry of the module with `sha256` under `variant`, if there is one. */
  async delete(sha256: string, variant?: CacheVariant): Promise<void> {
    const file = join(this.dir, this.keyOf(sha256, variant));
    await rm(file, { force: true }).catch((e: unknown) => this.#report(`cannot remove module cache entry ${file}`, file, e));
  }

  /** Removes the whole cache folder. */
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true }).catch((e: unknown) => this.#report(`cannot remove the module cache ${this.dir}`, this.dir, e));
  }

  #digest(headerStart: Uint8Array, json: Uint8Array, prepared: Uint8Array): Buffer {
    const h = this.#integrityKey ? createHmac('sha256', this.#integrityKey) : createHash('sha256');
    return h.update(headerStart).update(json).update(prepared).digest();
  }

  #encode(value: CachedModule, key: string): Buffer {
    if (!(value?.prepared instanceof Uint8Array)) throw new TypeError('value.prepared must be a Uint8Array');
    if (typeof value.meta !== 'object' || value.meta === null) throw new TypeError('value.meta must be an object');
    const json = Buffer.from(JSON.stringify(value.scan === undefined ? { meta: value.meta } : { meta: value.meta, scan: value.scan }), 'utf8');
    if (HEADER_BYTES + json.length + value.prepared.length > this.#maxEntryBytes) throw new RangeError(`the entry would exceed ${this.#maxEntryBytes} bytes`);
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(CACHE_FORMAT_VERSION, 8);
    Buffer.from(key, 'hex').copy(header, 12);
    header.writeUInt32LE(json.length, 44);
    header.writeUInt32LE(value.prepared.length, 48);
    this.#digest(header.subarray(0, DIGEST_AT), json, value.prepared).copy(header, DIGEST_AT);
    return Buffer.concat([header, json, value.prepared]);
  }

  /** The value in `data`, or why it cannot be used. */
  #decode(data: Buffer, key: string): CachedModule | string {
    if (data.length < HEADER_BYTES) return 'truncated (shorter than its header)';
    if (!data.subarray(0, 8).equals(MAGIC)) return 'not a module cache entry';
    const format = data.readUInt32LE(8);
    if (format !== CACHE_FORMAT_VERSION) return `of format ${format}, not ${CACHE_FORMAT_VERSION}`;
    if (!data.subarray(12, 44).equals(Buffer.from(key, 'hex'))) return 'the entry of another key';
    const jsonLength = data.readUInt32LE(44);
    const preparedLength = data.readUInt32LE(48);
    if (HEADER_BYTES + jsonLength + preparedLength !== data.length) return `truncated or extended (${data.length} bytes, the header says ${HEADER_BYTES + jsonLength + preparedLength})`;
    const json = data.subarray(HEADER_BYTES, HEADER_BYTES + jsonLength);
    const prepared = new Uint8Array(data.buffer, data.byteOffset + HEADER_BYTES + jsonLength, preparedLength);
    if (!timingSafeEqual(this.#digest(data.subarray(0, DIGEST_AT), json, prepared), data.subarray(DIGEST_AT, HEADER_BYTES))) return 'corrupt (its digest does not match)';
    let parsed: { meta?: unknown; scan?: unknown };
    try {
      parsed = JSON.parse(json.toString('utf8')) as typeof parsed;
    } catch {
      return 'corrupt (its JSON does not parse)';
    }
    if (typeof parsed?.meta !== 'object' || parsed.meta === null || Array.isArray(parsed.meta)) return 'malformed (no meta object)';
    return { prepared, meta: parsed.meta as Record<string, unknown>, ...(parsed.scan !== undefined && { scan: parsed.scan }) };
  }

  async #drop(file: string, reason: string): Promise<void> {
    this.#report(`module cache entry ${file} was ${reason}; removed it, the module is prepared again`, file);
    // Recursive for a folder planted at the key; rm never follows a symbolic link.
    await rm(file, { force: true, recursive: true }).catch((e: unknown) => this.#report(`cannot remove module cache entry ${file}`, file, e));
  }

  #report(message: string, file: string, cause?: unknown): void {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    this.#onError(new WardenError('STORAGE_ERROR', message, { data: { file, ...(code !== undefined && { code }) }, ...(cause !== undefined && { cause }) }));
  }
}

/** A file that is there but is no usable entry (a link, not a regular file, too large). */
class Unusable extends Error {}

async function readEntry(file: string, maxBytes: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new Unusable('a symbolic link');
    throw e;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Unusable('not a regular file');
    if (info.size > maxBytes) throw new Unusable(`${info.size} bytes, over the cap of ${maxBytes}`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
