/**
 * Safe unpacking of plugin archives (`.zip`, `.tar.gz` / `.tgz`, `.tar`) for `warden plugin install`.
 * Archives come from the internet, so every entry is judged before it is written (see
 * archive-gate.ts): relative portable names only, regular files and directories only, no
 * duplicates, and caps on entries, bytes and compression ratio counted on the bytes that actually
 * come out. docs/install.md lists what is accepted and refused.
 *
 * The archive is read twice: a checking pass that writes nothing and refuses the archive with every
 * finding, then a writing pass that checks everything again while it writes. So nothing is written
 * from an archive that fails a check, whatever its format can reveal up front.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { isWardenError, WardenError } from '../errors.js';
import { EntryGate, type UnpackResult } from './archive-gate.js';
import { Refusal, resolveLimits, type UnpackLimits } from './archive-limits.js';
import { showName } from './archive-paths.js';
import { readTar } from './archive-tar.js';
import { StagingWriter } from './archive-writer.js';
import { readZip } from './archive-zip.js';

export { DEFAULT_UNPACK_LIMITS, type UnpackLimits } from './archive-limits.js';
export type { UnpackResult } from './archive-gate.js';

/** The archive formats Warden unpacks. */
export type ArchiveKind = 'zip' | 'tar.gz' | 'tar';

/** How many findings the error message lists; `data.reasons` always holds all of them. */
const MESSAGE_REASON_LIMIT = 10;
/** Enough of the head of a file to see every magic number `archiveKind` knows. */
const HEAD_BYTES = 512;

const READERS: Record<ArchiveKind, (path: string, gate: EntryGate) => Promise<void>> = {
  zip: readZip,
  'tar.gz': (path, gate) => readTar(path, gate, 'gzip'),
  tar: (path, gate) => readTar(path, gate, 'stored'),
};

/**
 * Detects the kind from magic bytes (`PK\x03\x04`, `\x1f\x8b`, `ustar` at offset 257), falling back
 * to the file name; undefined when not an archive.
 *
 * @example archiveKind('plugin.bin', bytes) // 'tar.gz' when bytes start with 1f 8b
 */
export function archiveKind(fileName: string, head: Uint8Array): ArchiveKind | undefined {
  const at = (offset: number, bytes: readonly number[]): boolean => bytes.every((b, i) => head[offset + i] === b);
  if (at(0, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (at(0, [0x1f, 0x8b])) return 'tar.gz';
  if (at(257, [0x75, 0x73, 0x74, 0x61, 0x72])) return 'tar';
  const name = fileName.toLowerCase();
  if (name.endsWith('.zip')) return 'zip';
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz')) return 'tar.gz';
  if (name.endsWith('.tar')) return 'tar';
  return undefined;
}

/**
 * Unpacks into `destDir`, which must exist and be empty. Never writes outside it.
 *
 * Files get mode 0o644 and directories 0o755 whatever the archive says; links, devices and other
 * special entries are refused, never created. On a refusal the files already written are removed,
 * but `destDir` itself stays: the caller created it (a fresh private staging directory) and removes
 * it on any error.
 *
 * @throws WardenError `INSTALL_REFUSED` with `data.reasons` (one line per offending entry or
 *   passed cap) when the archive is unsafe, damaged or not an archive; `INVALID_ARGUMENT` when
 *   `destDir` is missing or not empty or a limit is malformed; `NOT_FOUND` when the archive is
 *   missing; `STORAGE_ERROR` when writing fails (disk full, permissions).
 * @example
 * ```ts
 * const staging = await mkdtemp(join(dataDir, 'staging-'));
 * try { const { files } = await unpackArchive('plugin.tgz', staging); … }
 * catch (e) { await rm(staging, { recursive: true, force: true }); throw e; }
 * ```
 */
export async function unpackArchive(archivePath: string, destDir: string, limits?: Partial<UnpackLimits>): Promise<UnpackResult> {
  const resolved = resolveLimits(limits);
  await assertEmptyDir(destDir);
  const label = basename(archivePath);
  const kind = archiveKind(label, await readHead(archivePath));
  if (!kind) throw refused(label, ['not a zip, tar.gz or tar archive (by its first bytes and by its name)']);
  const read = READERS[kind];
  const writer = new StagingWriter(destDir);
  let gate = new EntryGate(resolved);
  try {
    await read(archivePath, gate);
    gate.settle();
    gate = new EntryGate(resolved, writer);
    await read(archivePath, gate);
    gate.settle();
    return gate.result();
  } catch (e) {
    await writer.clear().catch(() => {}); // the caller removes destDir anyway; keep the first error
    if (isWardenError(e)) throw e;
    const reasons = [...gate.reasons];
    if (!(e instanceof Refusal)) reasons.push(`the archive is damaged or truncated, or not a valid ${kind}: ${e instanceof Error ? e.message : String(e)}`);
    else if (e.reason) reasons.push(e.reason);
    throw refused(label, reasons, e);
  }
}

function refused(label: string, reasons: string[], cause?: unknown): WardenError {
  const shown = reasons.slice(0, MESSAGE_REASON_LIMIT).map((r) => `  - ${r}`);
  const more = reasons.length > MESSAGE_REASON_LIMIT ? [`  … and ${reasons.length - MESSAGE_REASON_LIMIT} more (see data.reasons)`] : [];
  const count = reasons.length === 1 ? '1 problem' : `${reasons.length} problems`;
  const message = [
    `refused to unpack ${showName(label)} (${count}):`,
    ...shown,
    ...more,
    'A plugin archive may hold only regular files and directories under relative paths, within the caps in docs/install.md. ' +
      'Download it again if it may be damaged; otherwise ask its author for a clean package. Nothing was installed.',
  ].join('\n');
  return new WardenError('INSTALL_REFUSED', message, { data: { archive: label, reasons }, cause });
}

async function assertEmptyDir(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new WardenError('INVALID_ARGUMENT', `the destination ${dir} must be an existing directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  if (names.length > 0) throw new WardenError('INVALID_ARGUMENT', `the destination ${dir} must be empty; it holds ${names.length} entries`);
}

async function readHead(path: string): Promise<Uint8Array> {
  try {
    if (!(await stat(path)).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
    const handle = await open(path, 'r');
    try {
      const head = new Uint8Array(HEAD_BYTES);
      const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WardenError(code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT', `cannot read the archive ${path}: ${(e as Error).message}`, { cause: e });
  }
}
