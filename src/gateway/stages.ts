/**
 * Staged packages: the package an `inspect` read (an upload or a download), kept in a private
 * folder so the install that follows the operator's consent commits exactly those bytes — no
 * second upload, and no second download a server could answer with other bytes. A stage is
 * named by a random id, expires, is removed once installed, and the whole set is capped in
 * number and bytes (the oldest waiting stage makes room for a new one).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { WardenError } from '../errors.js';

const MiB = 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The defaults of {@link StageOptions}. */
export const STAGE_DEFAULTS = { ttlMs: 15 * 60_000, maxCount: 16, maxBytes: 256 * MiB } as const;

/** A stage id: 16 random bytes, base64url. Nothing else is ever looked up, so an id is never a path. */
const STAGE_ID = /^[A-Za-z0-9_-]{22}$/;

/** Options of {@link PackageStages}; all optional. */
export interface StageOptions {
  /** How long a staged package waits for its install. @default 15 minutes */
  ttlMs?: number;
  /** Packages staged at once; a new one drops the oldest waiting. @default 16 */
  maxCount?: number;
  /** Bytes staged at once; a new package drops the oldest waiting until it fits. @default 256 MiB */
  maxBytes?: number;
}

/** One staged package. */
export interface StagedPackage {
  id: string;
  /** The file, inside the stage's own folder. */
  path: string;
  /** sha256 (hex) of the file when it was staged. */
  sha256: string;
  bytes: number;
  /** It was downloaded: installed disabled, as every plugin from the network. */
  remote: boolean;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

interface Entry {
  pkg: StagedPackage;
  timer: NodeJS.Timeout;
  installing: boolean;
}

/** `15 min`, `30 s`. */
const duration = (ms: number): string => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.ceil(ms / 1000)} s`);

/** The sha256 (hex) of a file, streamed. */
async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Moves `from` to `to` (a copy when they are on different file systems), leaving it mode 0600. */
async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
  await chmod(to, 0o600);
}

/** The staged packages of one gateway, under `root` (a folder it owns alone). */
export class PackageStages {
  readonly #root: string;
  readonly #options: Required<StageOptions>;
  readonly #entries = new Map<string, Entry>();

  constructor(root: string, options: StageOptions = {}) {
    this.#root = root;
    this.#options = { ttlMs: options.ttlMs ?? STAGE_DEFAULTS.ttlMs, maxCount: options.maxCount ?? STAGE_DEFAULTS.maxCount, maxBytes: options.maxBytes ?? STAGE_DEFAULTS.maxBytes };
    for (const [key, value] of Object.entries(this.#options)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new WardenError('INVALID_ARGUMENT', `stages.${key} must be a positive integer, got ${value}`);
    }
    // A longer timer would fire at once.
    if (this.#options.ttlMs > MAX_TIMER_MS) throw new WardenError('INVALID_ARGUMENT', `stages.ttlMs must be at most ${MAX_TIMER_MS}`);
  }

  /** Removes every stage and the folder, leftovers of an earlier run included. */
  async clear(): Promise<void> {
    for (const entry of this.#entries.values()) clearTimeout(entry.timer);
    this.#entries.clear();
    await rm(this.#root, { recursive: true, force: true });
  }

  /**
   * Moves the package at `file` into a new stage and hashes it. The oldest waiting stages are
   * dropped to stay within the caps; `LIMIT_EXCEEDED` when it cannot fit even so.
   */
  async add(file: string, remote: boolean): Promise<StagedPackage> {
    const id = randomBytes(16).toString('base64url');
    const dir = join(this.#root, id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    let evicted: string[];
    let pkg: StagedPackage;
    try {
      const path = join(dir, basename(file));
      await moveFile(file, path);
      const [{ size }, sha256] = await Promise.all([stat(path), fileSha256(path)]);
      // From here to the insert nothing awaits, so concurrent adds cannot overshoot the caps.
      evicted = this.#makeRoom(size);
      pkg = { id, path, sha256, bytes: size, remote, expiresAt: Date.now() + this.#options.ttlMs };
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    const timer = setTimeout(() => void this.#expire(id), this.#options.ttlMs).unref();
    this.#entries.set(id, { pkg, timer, installing: false });
    await Promise.all(evicted.map((old) => this.#removeFiles(old)));
    return pkg;
  }

  /**
   * Runs `fn` on the staged package `id` once its bytes are checked to be those staged, then
   * removes the stage; when `fn` fails the stage stays for another try (until it expires).
   * Refuses a malformed id (`INVALID_ARGUMENT`), an unknown, expired or busy one (`NOT_FOUND`),
   * and bytes that changed on disk (`HASH_MISMATCH`; the stage is dropped).
   */
  async use<T>(id: string, fn: (pkg: StagedPackage) => Promise<T>): Promise<T> {
    const entry = this.#waiting(id);
    entry.installing = true;
    let keep = true;
    try {
      const sha256 = await fileSha256(entry.pkg.path).catch(() => undefined);
      if (sha256 !== entry.pkg.sha256) {
        keep = false;
        throw new WardenError('HASH_MISMATCH', `staged package ${id} changed on disk since it was inspected: inspect the package again`, { data: { stage: id } });
      }
      const result = await fn(entry.pkg);
      keep = false;
      return result;
    } finally {
      entry.installing = false;
      if (!keep || Date.now() >= entry.pkg.expiresAt) await this.discard(id);
    }
  }

  /** Removes stage `id` (installed, or not installable). */
  async discard(id: string): Promise<void> {
    if (this.#forget(id)) await this.#removeFiles(id);
  }

  /** The number and bytes of the stages kept now. */
  get size(): { count: number; bytes: number } {
    let bytes = 0;
    for (const { pkg } of this.#entries.values()) bytes += pkg.bytes;
    return { count: this.#entries.size, bytes };
  }

  #waiting(id: string): Entry {
    if (!STAGE_ID.test(id)) throw new WardenError('INVALID_ARGUMENT', '"stage" must be the id an inspect answered (22 characters of A-Z, a-z, 0-9, _ and -)');
    const entry = this.#entries.get(id);
    if (!entry || Date.now() >= entry.pkg.expiresAt) {
      throw new WardenError('NOT_FOUND', `no staged package ${id}: it was installed, expired (stages last ${duration(this.#options.ttlMs)}) or made room for newer ones; inspect the package again`, { data: { stage: id } });
    }
    if (entry.installing) throw new WardenError('NOT_FOUND', `staged package ${id} is being installed by another request`, { data: { stage: id } });
    return entry;
  }

  /** Forgets the oldest waiting stages until one more of `bytes` fits; returns their ids, whose files are still to remove. */
  #makeRoom(bytes: number): string[] {
    const { maxCount, maxBytes } = this.#options;
    if (bytes > maxBytes) throw new WardenError('LIMIT_EXCEEDED', `the package (${bytes} bytes) is larger than the staging cap of ${maxBytes} bytes`, { data: { limit: 'maxBytes' } });
    let { count, bytes: held } = this.size;
    const full = (): boolean => count >= maxCount || held + bytes > maxBytes;
    const waiting = [...this.#entries.values()].filter((e) => !e.installing).map((e) => e.pkg); // oldest first
    const evicted: string[] = [];
    for (const old of waiting) {
      if (!full()) break;
      evicted.push(old.id);
      count -= 1;
      held -= old.bytes;
    }
    if (full()) throw new WardenError('LIMIT_EXCEEDED', 'too many packages are being installed at once: try again when they are done', { data: { limit: count >= maxCount ? 'maxCount' : 'maxBytes' } });
    for (const id of evicted) this.#forget(id);
    return evicted;
  }

  async #expire(id: string): Promise<void> {
    if (this.#entries.get(id)?.installing === false) await this.discard(id);
  }

  /** Removes `id` from the set (not its files); false when it was not there. */
  #forget(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    clearTimeout(entry.timer);
    return this.#entries.delete(id);
  }

  #removeFiles(id: string): Promise<void> {
    return rm(join(this.#root, id), { recursive: true, force: true });
  }
}
