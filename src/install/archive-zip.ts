/**
 * Reads a zip through yauzl. The central directory is read and every entry judged before any
 * file data is touched; entry data is then read raw and inflated here, so that the compressed and
 * decompressed bytes can both be counted (see archive-streams.ts), and checked against the CRC-32.
 */
import { getFileNameLowLevel, openPromise, type Entry, type ZipFile } from 'yauzl';
import type { Readable } from 'node:stream';
import type { EntryGate, EntryHeader, EntryType } from './archive-gate.js';
import { Refusal } from './archive-limits.js';
import { showName } from './archive-paths.js';
import { decoded, tap } from './archive-streams.js';
import { crc32 } from './crc32.js';

const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED_FLAG = 0x1;
/** Size of a local file header before its name: the least room an entry's data can start after. */
const LOCAL_HEADER_BYTES = 30;

/** File types in the Unix mode kept in the high 16 bits of the external attributes. */
const UNIX_TYPES: Record<number, EntryType> = {
  0o010000: 'fifo',
  0o020000: 'character device',
  0o040000: 'dir',
  0o060000: 'block device',
  0o100000: 'file',
  0o120000: 'symlink',
  0o140000: 'socket',
};

/** Judges and unpacks the zip at `path` through `gate`. */
export async function readZip(path: string, gate: EntryGate): Promise<void> {
  const zip = await openPromise(path, { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: false, strictFileNames: true });
  try {
    const { maxEntries, maxCompressionRatio } = gate.limits;
    if (zip.entryCount > maxEntries) throw new Refusal(`the archive lists ${zip.entryCount} entries, over the cap of ${maxEntries} (maxEntries)`);
    const entries: { entry: Entry; header: EntryHeader }[] = [];
    for await (const entry of zip.eachEntry()) entries.push({ entry, header: zipHeader(entry) });
    const admitted = entries.map(({ header }) => gate.check(header));
    for (const overlap of overlaps(entries)) gate.note(overlap);
    gate.settle();
    for (const [i, { entry, header }] of entries.entries()) {
      const accepted = admitted[i];
      if (accepted?.type === 'file') await gate.take(accepted, await entryBytes(zip, entry, showName(header.name), maxCompressionRatio));
      else if (accepted) await gate.take(accepted);
    }
  } finally {
    zip.close();
  }
}

function zipHeader(entry: Entry): EntryHeader {
  // decodeStrings: false leaves the raw bytes to us, so that a bad name is a finding about that
  // entry instead of an error that stops yauzl; strict decoding keeps backslashes visible.
  const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  const unixType = (entry.externalFileAttributes >>> 16) & 0o170000;
  const dirName = name.endsWith('/');
  let type: EntryType = UNIX_TYPES[unixType] ?? `other (Unix file type 0o${unixType.toString(8)})`;
  if (unixType === 0) type = dirName ? 'dir' : 'file';
  else if (type === 'file' && dirName) type = 'other (a regular file whose name ends with "/")';
  return { name, type, size: entry.uncompressedSize, problem: zipProblem(entry) };
}

function zipProblem(entry: Entry): string | undefined {
  if (entry.generalPurposeBitFlag & ENCRYPTED_FLAG) return 'the entry is encrypted; encrypted archives are not supported';
  const method = entry.compressionMethod;
  if (method !== STORED && method !== DEFLATED) return `compression method ${method} is not supported (only stored and deflated entries are)`;
  if (method === STORED && entry.compressedSize !== entry.uncompressedSize) {
    return `a stored entry whose compressed size (${entry.compressedSize}) differs from its size (${entry.uncompressedSize}); the archive is damaged`;
  }
  return undefined;
}

/** Entries whose data overlap: the trick behind zip bombs that reuse one compressed kernel many times. */
function* overlaps(entries: readonly { entry: Entry; header: EntryHeader }[]): Generator<string> {
  const byOffset = [...entries].sort((a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader);
  const end = (e: Entry): number => e.relativeOffsetOfLocalHeader + LOCAL_HEADER_BYTES + e.compressedSize;
  let furthest = byOffset[0];
  for (const cur of byOffset.slice(1)) {
    if (end(furthest!.entry) > cur.entry.relativeOffsetOfLocalHeader) {
      yield `${showName(cur.header.name)}: its data overlaps the data of ${showName(furthest!.header.name)} (overlapping entries are a zip-bomb technique)`;
    }
    if (end(cur.entry) > end(furthest!.entry)) furthest = cur;
  }
}

/** The inflated bytes of `entry`, metered for the compression ratio and checked against its CRC-32. */
async function entryBytes(zip: ZipFile, entry: Entry, shown: string, maxRatio: number): Promise<Readable> {
  const raw = await zip.openReadStreamPromise(entry, { decodeFileData: false });
  let crc = 0;
  const crcCheck = tap(
    (chunk) => (crc = crc32(chunk, crc)),
    () => {
      if (crc !== entry.crc32) throw new Refusal(`${shown}: the data does not match its CRC-32; the archive is damaged`);
    },
  );
  return decoded(raw, entry.compressionMethod === DEFLATED ? 'deflate-raw' : 'stored', maxRatio, shown, crcCheck);
}
