/**
 * Writes accepted entries below the staging directory. Every directory is created by this writer
 * (never with `recursive`) and every file with an exclusive create, so nothing that already exists
 * there — a symlink planted by someone else included — is ever followed or overwritten. Modes are
 * fixed: 0o755 for directories and 0o644 for files, whatever the archive says.
 */
import { chmod, mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { WardenError } from '../errors.js';
import { Refusal } from './archive-limits.js';
import { showName } from './archive-paths.js';

export const DIR_MODE = 0o755;
export const FILE_MODE = 0o644;

/** The codes that mean "something is already at that path": the staging directory was not ours alone. */
const CLASH_CODES = new Set(['EEXIST', 'ENOTDIR', 'ELOOP', 'EISDIR']);

export class StagingWriter {
  readonly #made = new Set<string>(['']);

  /** `root` must exist and be empty, and no one else may write in it. */
  constructor(readonly root: string) {}

  /** Creates directory `path` (relative, `/`-separated) and any missing parents. */
  async dir(path: string): Promise<void> {
    const segments = path === '' ? [] : path.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const rel = segments.slice(0, i).join('/');
      if (this.#made.has(rel)) continue;
      await this.#fs(rel, async (abs) => {
        await mkdir(abs, { mode: DIR_MODE });
        await chmod(abs, DIR_MODE);
      });
      this.#made.add(rel);
    }
  }

  /** Creates file `path` (and its parents) and returns it open for writing. */
  async file(path: string): Promise<FileHandle> {
    const slash = path.lastIndexOf('/');
    await this.dir(slash < 0 ? '' : path.slice(0, slash));
    return this.#fs(path, async (abs) => {
      const handle = await open(abs, 'wx', FILE_MODE);
      await handle.chmod(FILE_MODE).catch(async (e: unknown) => {
        await handle.close();
        throw e;
      });
      return handle;
    });
  }

  /** Removes everything written so far (the root itself stays: the caller owns it). */
  async clear(): Promise<void> {
    const names = await readdir(this.root).catch(() => []);
    await Promise.all(names.map((name) => rm(join(this.root, name), { recursive: true, force: true })));
    this.#made.clear();
    this.#made.add('');
  }

  /** Runs one file system step on `rel`, turning its errors into a refusal or a `STORAGE_ERROR`. */
  async #fs<T>(rel: string, step: (abs: string) => Promise<T>): Promise<T> {
    try {
      return await step(join(this.root, ...rel.split('/')));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (CLASH_CODES.has(code)) throw new Refusal(`${showName(rel)}: something already exists at this path in the staging directory (${code})`);
      throw new WardenError('STORAGE_ERROR', `could not write ${showName(rel)} in the staging directory ${this.root}: ${(e as Error).message}`, { cause: e });
    }
  }
}
