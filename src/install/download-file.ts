/**
 * Where a download lands: the file name, chosen by Warden from the final URL (or the file's
 * first bytes), never by the server, and the file itself, created exclusively with mode 0600 and
 * removed again when the download fails.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { WardenError } from '../errors.js';
import { archiveKind } from './archive.js';

/** File name endings the install pipeline reads (src/install/source.ts). */
const EXTENSIONS = ['.tar.gz', '.wasm', '.zip', '.tgz', '.tar'] as const;

/** The longest file name written. */
const MAX_NAME = 100;

/**
 * The name a download from a URL whose path is `pathname` is saved under, or undefined when its
 * last segment does not end in an extension the install pipeline reads. Only `[A-Za-z0-9._-]` is
 * kept (anything else becomes `_`), leading dots and dashes are dropped (no hidden file, no `..`,
 * nothing read as a flag) and the extension is lower-cased.
 */
export function downloadFileName(pathname: string): string | undefined {
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  let decoded = last;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    // A malformed escape: keep the raw text; the alphabet below makes it safe either way.
  }
  const name = decoded.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]+/, '').slice(-MAX_NAME);
  const ext = EXTENSIONS.find((e) => name.toLowerCase().endsWith(e));
  if (ext === undefined || name.length === ext.length) return undefined;
  return name.slice(0, -ext.length) + ext;
}

/** The name of a file whose URL names no kind, from its first bytes. */
export function sniffedName(head: Uint8Array): string {
  if (head[0] === 0x00 && head[1] === 0x61 && head[2] === 0x73 && head[3] === 0x6d) return 'plugin.wasm';
  const kind = archiveKind('', head);
  return kind === undefined ? 'plugin.bin' : `plugin.${kind}`;
}

/** The file being written: opened exclusively at the first bytes, removed again on failure. */
export class FileSink {
  #path: string | undefined;
  #handle: FileHandle | undefined;

  constructor(readonly dir: string) {}

  async write(chunks: readonly Buffer[], name: () => string): Promise<void> {
    if (this.#handle === undefined) {
      const path = join(this.dir, name());
      try {
        this.#handle = await open(path, 'wx', 0o600);
      } catch (e) {
        throw fileError(e, path);
      }
      this.#path = path;
    }
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length;) {
        const { bytesWritten } = await this.#handle.write(chunk, at).catch((e: unknown) => {
          throw fileError(e, this.#path!);
        });
        at += bytesWritten;
      }
    }
  }

  async finish(): Promise<string> {
    await this.#handle!.close().catch((e: unknown) => {
      throw fileError(e, this.#path!);
    });
    this.#handle = undefined;
    return this.#path!;
  }

  async discard(): Promise<void> {
    await this.#handle?.close().catch(() => undefined);
    this.#handle = undefined;
    if (this.#path !== undefined) await rm(this.#path, { force: true });
  }
}

function fileError(e: unknown, path: string): WardenError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOENT' || code === 'ENOTDIR') {
    const why = code === 'EEXIST' ? 'already exists' : 'is not in an existing folder';
    return new WardenError('INVALID_ARGUMENT', `${path} ${why}: download into an empty folder that exists`, { data: { path, code } });
  }
  return new WardenError('STORAGE_ERROR', `cannot write the download to ${path}: ${code ?? (e as Error).message}; check the disk and the folder's permissions`, {
    data: { path, code }, cause: e,
  });
}
