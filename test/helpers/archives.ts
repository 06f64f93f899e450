/**
 * Archive bytes written by hand, for tests: zip (stored or deflated), tar and tar.gz. Every header
 * field can be made to lie — sizes, CRCs, types, link targets, checksums — so tests can build the
 * malicious archives no well-behaved library writes. Contents may be long runs of zeros that are
 * never held in memory whole: a 1 MiB chunk is compressed once and repeated, which is how a
 * 200 MiB "bomb" comes out at about 200 KiB.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { crc32 } from '../../src/install/crc32.js';

/** Entry content: UTF-8 text, bytes, or a run of zero bytes. */
export type Content = string | Uint8Array | { zeros: number };

const MiB = 1024 * 1024;
const ZERO_CHUNK = new Uint8Array(MiB);
const encoder = new TextEncoder();

/** The content as chunks; a run of zeros repeats one shared 1 MiB buffer. */
function chunksOf(content: Content = new Uint8Array(0)): Uint8Array[] {
  if (typeof content === 'string') return [encoder.encode(content)];
  if (content instanceof Uint8Array) return [content];
  const chunks: Uint8Array[] = [];
  for (let left = content.zeros; left > 0; left -= MiB) chunks.push(left >= MiB ? ZERO_CHUNK : ZERO_CHUNK.subarray(0, left));
  return chunks;
}

const lengthOf = (chunks: readonly Uint8Array[]): number => chunks.reduce((n, c) => n + c.length, 0);
const crcOf = (chunks: readonly Uint8Array[]): number => chunks.reduce((crc, c) => crc32(c, crc), 0);

/** Joins byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(lengthOf(parts));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

let zeroChunkDeflated: Uint8Array | undefined;

/** One raw deflate stream of the chunks: each is flushed on a byte boundary, then a final empty block. */
export function deflateChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const flush = (c: Uint8Array): Uint8Array => deflateRawSync(c, { finishFlush: constants.Z_SYNC_FLUSH });
  const parts = chunks.map((c) => (c === ZERO_CHUNK ? (zeroChunkDeflated ??= flush(ZERO_CHUNK)) : flush(c)));
  return concat([...parts, Uint8Array.of(0x03, 0x00)]);
}

/** Little-endian fields: [width in bytes, value]. */
function le(fields: readonly [2 | 4, number][]): Uint8Array {
  const out = new Uint8Array(fields.reduce((n, [w]) => n + w, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [width, value] of fields) {
    if (width === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value >>> 0, true);
    at += width;
  }
  return out;
}

// ---------------------------------------------------------------------------------------- zip

export interface ZipEntrySpec {
  name: string;
  data?: Content;
  /** `deflate` (the default), `store`, or a raw method number (the data is then stored as given). */
  method?: 'store' | 'deflate' | number;
  /** Unix mode with its file type bits, put in the external attributes; default 0o100644, or 0o040755 for a name ending in `/`. */
  mode?: number;
  /** A symbolic link whose target is `data` (mode 0o120777). */
  symlink?: boolean;
  /** Sets the "encrypted" flag (the data is not actually encrypted). */
  encrypted?: boolean;
  /** Lies in the headers; by default the truth. */
  claimedSize?: number;
  claimedCompressedSize?: number;
  crc32?: number;
  /** Writes no data of its own: the central directory points at the local header of entry `sharesDataOf`. */
  sharesDataOf?: number;
}

const ZIP_METHODS = { store: 0, deflate: 8 } as const;

/** A zip archive (no zip64, no comment) of `entries`, in order. */
export function zipBytes(entries: readonly ZipEntrySpec[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = encoder.encode(e.name);
    const chunks = chunksOf(e.data);
    const method = typeof e.method === 'number' ? e.method : ZIP_METHODS[e.method ?? 'deflate'];
    const payload = method === 8 ? deflateChunks(chunks) : concat(chunks);
    const mode = e.mode ?? (e.symlink ? 0o120777 : e.name.endsWith('/') ? 0o040755 : 0o100644);
    const common: [2 | 4, number][] = [
      [2, 20], // version needed to extract
      [2, 0x800 | (e.encrypted ? 1 : 0)], // UTF-8 names, encryption flag
      [2, method],
      [2, 0], // time
      [2, 0x21], // date: 1980-01-01
      [4, e.crc32 ?? crcOf(chunks)],
      [4, e.claimedCompressedSize ?? payload.length],
      [4, e.claimedSize ?? lengthOf(chunks)],
      [2, name.length],
      [2, 0], // extra field length
    ];
    const localOffset = e.sharesDataOf === undefined ? offset : offsets[e.sharesDataOf]!;
    offsets.push(localOffset);
    if (e.sharesDataOf === undefined) {
      const local = concat([le([[4, 0x04034b50], ...common]), name, payload]);
      locals.push(local);
      offset += local.length;
    }
    const attributes = (mode << 16) | (e.name.endsWith('/') ? 0x10 : 0);
    central.push(concat([le([[4, 0x02014b50], [2, (3 << 8) | 20], ...common, [2, 0], [2, 0], [2, 0], [4, attributes], [4, localOffset]]), name]));
  }
  const directory = concat(central);
  const end = le([[4, 0x06054b50], [2, 0], [2, 0], [2, entries.length], [2, entries.length], [4, directory.length], [4, offset], [2, 0]]);
  return concat([...locals, directory, end]);
}

// ---------------------------------------------------------------------------------------- tar

export interface TarEntrySpec {
  name: string;
  /** Default `file` (`dir` for a name ending in `/`); any other string is written as the raw type flag. */
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'chardev' | 'blockdev' | 'fifo' | (string & {});
  data?: Content;
  linkname?: string;
  /** Default 0o644 for files, 0o755 for directories. */
  mode?: number;
  /** The size written in the header (a lie here breaks the framing of what follows). */
  claimedSize?: number;
  /** Writes a wrong header checksum. */
  badChecksum?: boolean;
  /** Records of a pax header written before this entry; a name over 100 bytes gets a `path` record. */
  pax?: Record<string, string>;
}

const TAR_TYPES: Record<string, string> = { file: '0', hardlink: '1', symlink: '2', chardev: '3', blockdev: '4', dir: '5', fifo: '6' };

export interface TarOptions {
  /** Write the two zero blocks that end an archive. @default true */
  end?: boolean;
}

/** A ustar archive of `entries`. */
export function tarBytes(entries: readonly TarEntrySpec[], options: TarOptions = {}): Uint8Array {
  return concat(tarChunks(entries, options));
}

/** A gzip-compressed ustar archive of `entries` (zero runs compress about 1000:1). */
export function tgzBytes(entries: readonly TarEntrySpec[], options: TarOptions = {}): Uint8Array {
  const chunks = tarChunks(entries, options);
  const header = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
  return concat([header, deflateChunks(chunks), le([[4, crcOf(chunks)], [4, lengthOf(chunks) % 2 ** 32]])]);
}

function tarChunks(entries: readonly TarEntrySpec[], { end = true }: TarOptions): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const e of entries) {
    const pax = { ...e.pax };
    if (encoder.encode(e.name).length > 100) pax['path'] = e.name;
    if (Object.keys(pax).length > 0) pushEntry(out, { name: 'PaxHeader', type: 'x' }, [paxRecords(pax)]);
    pushEntry(out, e, chunksOf(e.data));
  }
  if (end) out.push(new Uint8Array(1024));
  return out;
}

function pushEntry(out: Uint8Array[], e: TarEntrySpec, chunks: Uint8Array[]): void {
  const size = lengthOf(chunks);
  out.push(ustarHeader(e, e.claimedSize ?? size), ...chunks);
  if (size % 512 !== 0) out.push(new Uint8Array(512 - (size % 512)));
}

function paxRecords(records: Record<string, string>): Uint8Array {
  let text = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    const bytes = encoder.encode(body).length;
    let length = bytes + 1;
    while (String(length).length + bytes !== length) length = String(length).length + bytes;
    text += `${length}${body}`;
  }
  return encoder.encode(text);
}

function ustarHeader(e: TarEntrySpec, size: number): Uint8Array {
  const h = new Uint8Array(512);
  const type = e.type ?? (e.name.endsWith('/') ? 'dir' : 'file');
  const text = (at: number, width: number, s: string): void => h.set(encoder.encode(s).subarray(0, width), at);
  const octal = (at: number, width: number, n: number): void => {
    if (n < 8 ** (width - 1)) return text(at, width, `${n.toString(8).padStart(width - 1, '0')}\0`);
    h[at] = 0x80; // base-256, for sizes of 8 GiB and more
    for (let i = width - 1, v = n; i > 0; i--, v = Math.floor(v / 256)) h[at + i] = v % 256;
  };
  text(0, 100, e.name);
  octal(100, 8, e.mode ?? (type === 'dir' ? 0o755 : 0o644));
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, 0);
  text(156, 1, TAR_TYPES[type] ?? type);
  text(157, 100, e.linkname ?? '');
  text(257, 6, 'ustar\0');
  text(263, 2, '00');
  h.fill(0x20, 148, 156);
  const sum = h.reduce((n, b) => n + b, 0) + (e.badChecksum ? 1 : 0);
  text(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}
