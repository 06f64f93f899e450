/**
 * The one place where archive entries are judged, whatever the format: names, types, duplicates,
 * the entry count and the byte caps. Readers describe each entry with an `EntryHeader`, ask
 * `check()` whether to unpack it, and stream the bytes of accepted files through `EntryBody`,
 * which counts the bytes that actually arrive (never the header's word for it).
 *
 * Findings that concern one entry are collected so the operator sees them all at once; passing a
 * cap throws a `Refusal` at once. With a writer (the writing pass) any finding throws at once.
 */
import type { FileHandle } from 'node:fs/promises';
import { Refusal, type UnpackLimits } from './archive-limits.js';
import { checkEntryName, PathTree, showName } from './archive-paths.js';
import type { StagingWriter } from './archive-writer.js';

/** What a reader found an entry to be; only `file` and `dir` are ever unpacked. */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'character device' | 'block device' | 'fifo' | 'socket' | `other (${string})`;

/** One entry as its header describes it, before any check. */
export interface EntryHeader {
  /** The name as stored (decoded to text). */
  name: string;
  type: EntryType;
  /** The decompressed size the header declares. */
  size: number;
  /** Where a link points, for the message. */
  linkTarget?: string;
  /** A format-specific reason to refuse the entry (encryption, an unknown compression method, …). */
  problem?: string;
}

/** An entry that passed `check()`. */
export interface Admitted {
  /** Normalized relative path, `/`-separated. */
  readonly path: string;
  readonly type: 'file' | 'dir';
  /** Declared size; never more than `maxEntryBytes`. */
  readonly size: number;
  /** The name as quoted in messages. */
  readonly shown: string;
}

/** What an unpack wrote. */
export interface UnpackResult {
  /** Relative `/`-separated paths of the regular files written, sorted. */
  files: string[];
  /** Bytes written, all files together. */
  bytes: number;
}

export class EntryGate {
  /** Every finding so far, one per offending entry (`"name": what is wrong`). */
  readonly reasons: string[] = [];
  readonly #paths = new PathTree();
  readonly #files: string[] = [];
  #entries = 0;
  #declared = 0;
  #bytes = 0;

  constructor(readonly limits: UnpackLimits, readonly writer?: StagingWriter) {}

  /** Judges one header: the accepted entry, or undefined when it must be skipped (findings recorded). */
  check(h: EntryHeader): Admitted | undefined {
    const { maxEntries, maxEntryBytes, maxTotalBytes } = this.limits;
    if (++this.#entries > maxEntries) throw new Refusal(`the archive holds more than ${maxEntries} entries (the maxEntries cap)`);
    const shown = showName(h.name);
    if (!Number.isSafeInteger(h.size) || h.size < 0) throw new Refusal(`${shown}: the header declares an invalid size (${h.size}); the archive is damaged`);
    const findings: string[] = [];
    const name = checkEntryName(h.name);
    if (!name.ok) findings.push(name.reason);
    if (h.type !== 'file' && h.type !== 'dir') {
      const target = h.linkTarget === undefined ? '' : ` to ${showName(h.linkTarget)}`;
      const kind = h.type.startsWith('other (') ? `an entry of an unsupported kind ${h.type.slice('other '.length)}` : `a ${h.type}`;
      findings.push(`${kind}${target}; only regular files and directories are unpacked`);
    }
    if (h.problem) findings.push(h.problem);
    if (h.type === 'dir' && h.size > 0) findings.push('a directory entry that carries data');
    if (h.type === 'file') {
      if (h.size > maxEntryBytes) findings.push(`declares ${h.size} bytes, over the ${maxEntryBytes}-byte cap per file (maxEntryBytes)`);
      const before = this.#declared;
      this.#declared += h.size;
      if (before <= maxTotalBytes && this.#declared > maxTotalBytes) {
        findings.push(`brings the declared total to ${this.#declared} bytes, over the ${maxTotalBytes}-byte cap (maxTotalBytes)`);
      }
    }
    if (name.ok && (h.type === 'file' || h.type === 'dir')) {
      if (name.path === '' && h.type === 'file') findings.push('a file that names the archive root');
      const clash = name.path === '' ? undefined : this.#paths.add(name.path, h.type);
      if (clash) findings.push(clash);
    }
    for (const finding of findings) this.note(`${shown}: ${finding}`);
    if (findings.length > 0 || !name.ok || name.path === '') return undefined;
    return { path: name.path, type: h.type as 'file' | 'dir', size: h.size, shown };
  }

  /** Records a finding (a reader's own, such as overlapping zip entries). */
  note(reason: string): void {
    if (this.writer) throw new Refusal(reason);
    this.reasons.push(reason);
  }

  /** Throws when anything was found; call it once the headers (or the whole archive) are read. */
  settle(): void {
    if (this.#entries === 0) this.note('the archive is empty');
    if (this.reasons.length > 0) throw new Refusal();
  }

  /** Starts an accepted entry: creates the directory, or opens the file when writing. */
  async open(entry: Admitted): Promise<EntryBody> {
    if (entry.type === 'dir') {
      await this.writer?.dir(entry.path);
      return new EntryBody(entry, (n, total) => this.#count(entry, n, total));
    }
    const handle = await this.writer?.file(entry.path);
    return new EntryBody(entry, (n, total) => this.#count(entry, n, total), handle, () => this.#files.push(entry.path));
  }

  /** Unpacks an accepted entry whose bytes are `chunks` (none for a directory). */
  async take(entry: Admitted, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = []): Promise<void> {
    const body = await this.open(entry);
    try {
      for await (const chunk of chunks) await body.write(chunk);
      await body.end();
    } finally {
      await body.release();
    }
  }

  /** The files and bytes unpacked so far. */
  result(): UnpackResult {
    return { files: [...this.#files].sort(), bytes: this.#bytes };
  }

  #count(entry: Admitted, n: number, entryTotal: number): void {
    this.#bytes += n;
    // entry.size is at most maxEntryBytes, so this check also holds every file to that cap.
    if (entryTotal > entry.size) throw new Refusal(`${entry.shown}: holds more than the ${entry.size} bytes its header declares; the archive is damaged or malicious`);
    const max = this.limits.maxTotalBytes;
    if (this.#bytes > max) throw new Refusal(`${entry.shown}: the files hold more than ${max} bytes together (the maxTotalBytes cap)`);
  }
}

/** The bytes of one accepted entry on their way to disk (or only counted, in the checking pass). */
export class EntryBody {
  #written = 0;
  #handle: FileHandle | undefined;

  constructor(
    readonly entry: Admitted,
    private readonly count: (n: number, entryTotal: number) => void,
    handle?: FileHandle,
    private readonly done?: () => void,
  ) {
    this.#handle = handle;
  }

  /** Counts `chunk` (throwing past a cap, before anything is written) and writes it. */
  async write(chunk: Uint8Array): Promise<void> {
    this.#written += chunk.length;
    this.count(chunk.length, this.#written);
    for (let off = 0; this.#handle && off < chunk.length; ) {
      off += (await this.#handle.write(chunk, off, chunk.length - off)).bytesWritten;
    }
  }

  /** Finishes the entry: it must hold exactly the declared size. */
  async end(): Promise<void> {
    if (this.#written !== this.entry.size) {
      throw new Refusal(`${this.entry.shown}: holds ${this.#written} bytes but its header declares ${this.entry.size}; the archive is damaged or truncated`);
    }
    await this.release();
    this.done?.();
  }

  /** Closes the file if it is open; safe to call more than once. */
  async release(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}
