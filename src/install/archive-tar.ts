/**
 * Reads a tar or tar.gz through node-tar's `Parser`, fed by hand: gunzip happens before it (so the
 * compression ratio is metered, see archive-streams.ts), and after each chunk the entries, data
 * and ends it produced are replayed, awaited, through the gate. Every entry flows, so the parser
 * never waits on us; memory stays bounded by one chunk's worth of events.
 */
import { createReadStream } from 'node:fs';
import { Parser, type ReadEntry } from 'tar';
import type { EntryBody, EntryGate, EntryHeader, EntryType } from './archive-gate.js';
import { Refusal } from './archive-limits.js';
import { showName } from './archive-paths.js';
import { decoded, READ_CHUNK_BYTES, tap } from './archive-streams.js';

const TAR_TYPES = new Map<string, EntryType>([
  ['File', 'file'],
  ['OldFile', 'file'],
  ['ContiguousFile', 'file'],
  ['Directory', 'dir'],
  ['SymbolicLink', 'symlink'],
  ['Link', 'hardlink'],
  ['CharacterDevice', 'character device'],
  ['BlockDevice', 'block device'],
  ['FIFO', 'fifo'],
]);

/** Largest pax or GNU long-name header accepted; node-tar skips larger ones, and so do we, with a finding. */
const MAX_META_BYTES = 64 * 1024;
/** Tar bytes allowed per entry beyond its data: headers, pax records, padding. */
const OVERHEAD_PER_ENTRY = 4 * 1024;
const MiB = 1024 * 1024;

type TarEvent =
  | { kind: 'entry'; entry: ReadEntry }
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'end' }
  | { kind: 'ignored'; entry: ReadEntry };

/** Judges and unpacks the tar at `path` (gzip-compressed when `codec` is `gzip`) through `gate`. */
export async function readTar(path: string, gate: EntryGate, codec: 'stored' | 'gzip'): Promise<void> {
  const { maxTotalBytes, maxEntries, maxCompressionRatio } = gate.limits;
  const source = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const stream = decoded(source, codec, maxCompressionRatio, 'the archive', tarStreamGuard(maxTotalBytes + maxEntries * OVERHEAD_PER_ENTRY + MiB));
  const parser = new Parser({ strict: true, zstd: false, brotli: false, maxMetaEntrySize: MAX_META_BYTES });
  const events: TarEvent[] = [];
  let failure: Error | undefined;
  let eof = false;
  parser.on('entry', (entry: ReadEntry) => {
    events.push({ kind: 'entry', entry });
    entry.on('data', (chunk: Buffer) => events.push({ kind: 'data', chunk }));
    entry.on('end', () => events.push({ kind: 'end' }));
  });
  parser.on('ignoredEntry', (entry: ReadEntry) => events.push({ kind: 'ignored', entry }));
  parser.on('error', (e: Error) => (failure ??= e));
  parser.on('eof', () => (eof = true));
  const replay = new Replay(gate);
  const step = async (): Promise<void> => {
    if (failure) throw new Refusal(`the tar data is damaged: ${failure.message}`);
    await replay.run(events.splice(0));
  };
  try {
    for await (const chunk of stream) {
      parser.write(chunk as Buffer);
      await step();
      if (eof) return; // whatever follows the end-of-archive marker is padding, or not ours to read
    }
    parser.end();
    await step();
    throw new Refusal('the archive ends before its end-of-archive marker: it is truncated');
  } finally {
    await replay.release();
  }
}

/** Caps the decompressed tar stream, and refuses a second layer of compression that node-tar would undo unmetered. */
function tarStreamGuard(maxBytes: number) {
  let seen = 0;
  return tap((chunk) => {
    if (seen === 0 && chunk[0] === 0x1f) throw new Refusal('the tar data is compressed a second time; nested compression is not supported');
    seen += chunk.length;
    if (seen > maxBytes) throw new Refusal(`the tar data runs past ${maxBytes} bytes, more than the caps allow`);
  });
}

function tarHeader(entry: ReadEntry): EntryHeader {
  const type = TAR_TYPES.get(entry.type) ?? `other (tar entry type ${entry.type})`;
  return { name: entry.path, type, size: entry.size, linkTarget: entry.linkpath };
}

/** Applies the parser's events, in order, to the gate; holds the entry being written. */
class Replay {
  #body: EntryBody | undefined;

  constructor(readonly gate: EntryGate) {}

  async run(events: readonly TarEvent[]): Promise<void> {
    for (const event of events) {
      switch (event.kind) {
        case 'entry': {
          const accepted = this.gate.check(tarHeader(event.entry));
          this.#body = accepted && (await this.gate.open(accepted));
          break;
        }
        case 'data':
          await this.#body?.write(event.chunk);
          break;
        case 'end':
          await this.#body?.end();
          this.#body = undefined;
          break;
        case 'ignored':
          if (event.entry.meta) this.gate.note(`${showName(event.entry.path)}: an extended header of ${event.entry.size} bytes, over the ${MAX_META_BYTES}-byte cap`);
          else this.gate.check(tarHeader(event.entry));
          break;
      }
    }
  }

  /** Closes the file of an entry cut short. */
  async release(): Promise<void> {
    await this.#body?.release();
    this.#body = undefined;
  }
}
