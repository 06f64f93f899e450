// Unpacking plugin archives: well-formed zip, tar.gz and tar archives unpack to exactly their
// files; every unsafe or damaged archive (built byte by byte in test/helpers/archives.ts) is
// refused with INSTALL_REFUSED, leaves the destination empty and writes nothing beside it.
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { archiveKind, DEFAULT_UNPACK_LIMITS, unpackArchive, type UnpackLimits, type UnpackResult } from '../../src/install/archive.js';
import { Refusal } from '../../src/install/archive-limits.js';
import { StagingWriter } from '../../src/install/archive-writer.js';
import { tableCrc32 } from '../../src/install/crc32.js';
import { tarBytes, tgzBytes, zipBytes, type Content, type TarEntrySpec, type ZipEntrySpec } from '../helpers/archives.js';
import { rejectsWithCode } from '../helpers/errors.js';

const root = await mkdtemp(join(tmpdir(), 'warden-archive-'));
after(() => rm(root, { recursive: true, force: true }));
let boxes = 0;

/** A fresh directory holding the archive, an empty `dest` and an empty sibling `outside`. */
async function box(): Promise<{ dir: string; dest: string; outside: string }> {
  const dir = join(root, `box-${++boxes}`);
  const dest = join(dir, 'dest');
  const outside = join(dir, 'outside');
  await mkdir(dest, { recursive: true });
  await mkdir(outside);
  return { dir, dest, outside };
}

async function unpack(bytes: Uint8Array, fileName: string, limits?: Partial<UnpackLimits>): Promise<{ result: UnpackResult; dest: string }> {
  const { dir, dest } = await box();
  await writeFile(join(dir, fileName), bytes);
  return { result: await unpackArchive(join(dir, fileName), dest, limits), dest };
}

/** Unpacking must be refused, with a reason matching each of `expected`; nothing may be left anywhere. */
async function refused(bytes: Uint8Array, fileName: string, expected: RegExp | RegExp[], limits?: Partial<UnpackLimits>): Promise<string[]> {
  const { dir, dest, outside } = await box();
  await writeFile(join(dir, fileName), bytes);
  const e = await rejectsWithCode(unpackArchive(join(dir, fileName), dest, limits), 'INSTALL_REFUSED');
  const reasons = e.data['reasons'] as string[];
  assert.ok(Array.isArray(reasons) && reasons.length > 0, 'data.reasons lists the findings');
  for (const re of [expected].flat()) assert.ok(reasons.some((r) => re.test(r)), `expected a reason matching ${re}, got:\n${reasons.join('\n')}`);
  for (const r of reasons) assert.ok(e.message.includes(r) || reasons.length > 10, 'the message lists the reasons');
  assert.deepEqual(await readdir(dest), [], 'the destination is left empty');
  assert.deepEqual(await readdir(outside), [], 'nothing is written beside the destination');
  assert.deepEqual((await readdir(dir)).sort(), ['dest', fileName, 'outside'].sort(), 'nothing is written next to the archive');
  return reasons;
}

/** Every file below `dir` with its content and mode, and every directory with its mode. */
async function tree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    const abs = join(dir, name);
    const info = await lstat(abs);
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isDirectory()) Object.assign(out, { [`${prefix}${name}/`]: mode }, await tree(abs, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = `${mode} ${info.isFile() ? await readFile(abs, 'utf8') : '(not a regular file)'}`;
  }
  return out;
}

// One description of an entry, written into any of the three formats.
interface Spec {
  name: string;
  data?: Content;
  type?: 'file' | 'dir' | 'symlink' | 'fifo';
  target?: string;
  mode?: number;
}
type Format = 'zip' | 'tgz' | 'tar';
const FORMATS: Format[] = ['zip', 'tgz', 'tar'];
const ZIP_MODES = { file: 0o100644, dir: 0o040755, symlink: 0o120777, fifo: 0o010644 } as const;
const toZip = (s: Spec): ZipEntrySpec => ({ name: s.name, data: s.type === 'symlink' ? s.target : s.data, mode: (s.mode ?? 0) | ZIP_MODES[s.type ?? 'file'] });
const toTar = (s: Spec): TarEntrySpec => ({ name: s.name, data: s.data, type: s.type ?? 'file', linkname: s.target, mode: s.mode });
function archive(format: Format, specs: Spec[]): Uint8Array {
  if (format === 'zip') return zipBytes(specs.map(toZip));
  return format === 'tgz' ? tgzBytes(specs.map(toTar)) : tarBytes(specs.map(toTar));
}
const fileName = (format: Format): string => `plugin.${format}`;

describe('archiveKind', () => {
  const head = (bytes: number[], at = 0): Uint8Array => {
    const h = new Uint8Array(512);
    h.set(bytes, at);
    return h;
  };
  it('recognizes zip, gzip and ustar by their magic bytes, whatever the name', () => {
    assert.equal(archiveKind('plugin.bin', head([0x50, 0x4b, 0x03, 0x04])), 'zip');
    assert.equal(archiveKind('plugin.zip', head([0x1f, 0x8b, 8])), 'tar.gz');
    assert.equal(archiveKind('x', head([0x75, 0x73, 0x74, 0x61, 0x72, 0], 257)), 'tar');
    assert.equal(archiveKind('x', tarBytes([{ name: 'a', data: 'b' }])), 'tar');
  });
  it('falls back to the file name, case-insensitively', () => {
    const unknown = head([1, 2, 3]);
    assert.equal(archiveKind('plugin.ZIP', unknown), 'zip');
    assert.equal(archiveKind('plugin.tar.gz', unknown), 'tar.gz');
    assert.equal(archiveKind('plugin.tgz', unknown), 'tar.gz');
    assert.equal(archiveKind('plugin.tar', unknown), 'tar');
    assert.equal(archiveKind('plugin.tar', new Uint8Array(0)), 'tar');
  });
  it('is undefined for anything else', () => {
    assert.equal(archiveKind('plugin.wasm', head([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), undefined);
    assert.equal(archiveKind('plugin.gz', new Uint8Array(0)), undefined);
    assert.equal(archiveKind('zip', head([0x50, 0x4b]).subarray(0, 2)), undefined);
  });
});

describe('unpackArchive: well-formed archives', () => {
  const specs: Spec[] = [
    { name: 'plugin.toml', data: 'name = "demo"\n' },
    { name: 'lib/', type: 'dir' },
    { name: 'lib/plugin.wasm', data: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]).toString() },
    { name: 'assets/icons/x.svg', data: '<svg/>' },
    { name: 'empty/', type: 'dir' },
    { name: 'empty.txt', data: '' },
    { name: 'README.md', data: 'x'.repeat(5000) },
  ];
  const expected = {
    'README.md': `644 ${'x'.repeat(5000)}`,
    'assets/': '755',
    'assets/icons/': '755',
    'assets/icons/x.svg': '644 <svg/>',
    'empty/': '755',
    'empty.txt': '644 ',
    'lib/': '755',
    'lib/plugin.wasm': '644 0,97,115,109,1,0,0,0',
    'plugin.toml': '644 name = "demo"\n',
  };
  for (const format of FORMATS) {
    it(`${format}: unpacks exactly the files, with fixed modes`, async () => {
      const { result, dest } = await unpack(archive(format, specs), fileName(format));
      assert.deepEqual(await tree(dest), expected);
      assert.deepEqual(result.files, ['README.md', 'assets/icons/x.svg', 'empty.txt', 'lib/plugin.wasm', 'plugin.toml']);
      assert.equal(result.bytes, 14 + 20 + 6 + 5000);
    });
    it(`${format}: drops setuid and executable bits the archive asks for`, async () => {
      const { dest } = await unpack(archive(format, [{ name: 'bin/', type: 'dir', mode: 0o7777 }, { name: 'bin/run', data: '#!/bin/sh', mode: 0o6777 }]), fileName(format));
      assert.deepEqual(await tree(dest), { 'bin/': '755', 'bin/run': '644 #!/bin/sh' });
    });
  }
  it('zip: stored and deflated entries, names with "./" and Unicode', async () => {
    const bytes = zipBytes([{ name: './a.txt', data: 'stored', method: 'store' }, { name: 'dir/ünï.txt', data: 'deflated' }]);
    const { result, dest } = await unpack(bytes, 'p.zip');
    assert.deepEqual(result.files, ['a.txt', 'dir/ünï.txt']);
    assert.equal(await readFile(join(dest, 'dir', 'ünï.txt'), 'utf8'), 'deflated');
  });
  it('tar: a "./" root entry, names over 100 bytes (pax) and a large file', async () => {
    const long = `${'segment/'.repeat(20)}file.txt`;
    const bytes = tgzBytes([{ name: './', type: 'dir' }, { name: './a.txt', data: 'a' }, { name: long, data: 'long' }, { name: 'zeros', data: { zeros: 3 * 1024 * 1024 } }]);
    const { result, dest } = await unpack(bytes, 'p.tgz', { maxCompressionRatio: 1e6 });
    assert.deepEqual(result.files, ['a.txt', long, 'zeros'].sort());
    assert.equal(await readFile(join(dest, ...long.split('/')), 'utf8'), 'long');
    assert.equal((await stat(join(dest, 'zeros'))).size, 3 * 1024 * 1024);
  });
  it('tar: padding after the end-of-archive marker is ignored', async () => {
    const bytes = tarBytes([{ name: 'a', data: 'a' }]);
    const { result } = await unpack(new Uint8Array([...bytes, ...new Uint8Array(9 * 512)]), 'p.tar');
    assert.deepEqual(result.files, ['a']);
  });
});

describe('unpackArchive: unsafe names', () => {
  const cases: [string, string, RegExp][] = [
    ['zip-slip', '../evil', /"\.\.\/evil": .*"\.\." segment/],
    ['zip-slip inside a path', 'lib/../../evil', /"\.\." segment/],
    ['an absolute path', '/etc/x', /"\/etc\/x": the path is absolute/],
    ['a Windows drive path', 'C:\\x', /absolute/],
    ['a UNC path', '\\\\server\\share\\x', /absolute/],
    ['a drive-relative path', 'C:x', /absolute/],
    ['a backslash', 'lib\\..\\evil', /backslash/],
    ['a control character', 'a\u001b[31m', /control/],
    ['a bidi override', 'txt.\u202eexe', /control or invisible/],
    ['a Windows device name', 'lib/con.txt', /reserved device name/],
    ['a trailing dot', 'lib./x', /ends with a dot/],
    ['a colon (alternate data stream)', 'a.txt:stream', /not allowed in Windows file names/],
    ['an over-long segment', `${'n'.repeat(300)}`, /longer than 255/],
  ];
  for (const format of FORMATS) {
    for (const [what, name, re] of cases) {
      it(`${format}: refuses ${what}`, async () => {
        await refused(archive(format, [{ name: 'ok.txt', data: 'ok' }, { name, data: 'evil' }]), fileName(format), re);
      });
    }
  }
  it('zip: refuses a name with a NUL byte', async () => {
    await refused(zipBytes([{ name: 'a\0.txt', data: 'x' }]), 'p.zip', /NUL byte/);
  });
  it('tar: a pax path with a NUL byte is cut there by node-tar, and the rest is checked', async () => {
    const { result } = await unpack(tarBytes([{ name: 'safe', data: 'x', pax: { path: 'a\0/../../b' } }]), 'p.tar');
    assert.deepEqual(result.files, ['a']);
    await refused(tarBytes([{ name: 'safe', data: 'x', pax: { path: '../a\0b' } }]), 'p.tar', /"\.\.\/a": .*"\.\." segment/);
  });
  it('tar: refuses an absolute path given in a pax header', async () => {
    await refused(tarBytes([{ name: 'safe', data: 'x', pax: { path: '/etc/passwd' } }]), 'p.tar', /"\/etc\/passwd": the path is absolute/);
  });
  it('quotes hostile names harmlessly in the reasons', async () => {
    const [reason] = await refused(zipBytes([{ name: '\u001b]0;pwned\u0007', data: 'x' }]), 'p.zip', /control/);
    assert.ok(!/[\u0000-\u001f]/.test(reason!), `no raw control characters: ${JSON.stringify(reason)}`);
  });
});

describe('unpackArchive: entry types', () => {
  for (const format of FORMATS) {
    it(`${format}: refuses a symlink`, async () => {
      // A zip keeps a link's target in the entry's data, which is never read for a refused entry.
      const shown = format === 'zip' ? /"link": a symlink;/ : /"link": a symlink to "\/etc\/passwd";/;
      await refused(archive(format, [{ name: 'link', type: 'symlink', target: '/etc/passwd' }]), fileName(format), shown);
    });
    it(`${format}: refuses a fifo`, async () => {
      await refused(archive(format, [{ name: 'pipe', type: 'fifo' }]), fileName(format), /"pipe": a fifo/);
    });
  }
  it('zip: refuses a symlink that points inside the archive too, and devices and sockets', async () => {
    const bytes = zipBytes([
      { name: 'inner', symlink: true, data: 'a.txt' },
      { name: 'dev', mode: 0o020644 },
      { name: 'blk', mode: 0o060644 },
      { name: 'sock', mode: 0o140644 },
      { name: 'dir/', mode: 0o100644 },
    ]);
    const reasons = await refused(bytes, 'p.zip', [/"inner": a symlink/, /"dev": a character device/, /"blk": a block device/, /"sock": a socket/, /"dir\/": .*regular file whose name ends/]);
    assert.equal(reasons.length, 5);
  });
  it('tar: refuses a hardlink, devices and types it does not know', async () => {
    const bytes = tarBytes([
      { name: 'hard', type: 'hardlink', linkname: 'etc/passwd' },
      { name: 'chr', type: 'chardev' },
      { name: 'blk', type: 'blockdev' },
      { name: 'sparse', type: 'S' },
      { name: 'weird', type: 'Z' },
    ]);
    const reasons = await refused(bytes, 'p.tar', [/"hard": a hardlink to "etc\/passwd"/, /"chr": a character device/, /"blk": a block device/, /"sparse": an entry of an unsupported kind \(tar entry type SparseFile\)/, /"weird": an entry of an unsupported kind \(tar entry type Unsupported\)/]);
    assert.equal(reasons.length, 5);
  });
  it('tar: a directory entry that carries data breaks the framing and is refused', async () => {
    // node-tar reads a directory's size as 0, so the data is taken for the next header.
    await refused(tarBytes([{ name: 'd/', type: 'dir', data: 'hidden' }]), 'p.tar', /damaged/);
  });
  it('refuses an empty archive', async () => {
    await refused(zipBytes([]), 'p.zip', /empty/);
    await refused(tarBytes([]), 'p.tar', /empty/);
  });
});

describe('unpackArchive: duplicates and clashes', () => {
  for (const format of FORMATS) {
    it(`${format}: refuses the same path twice`, async () => {
      await refused(archive(format, [{ name: 'a.txt', data: '1' }, { name: './a.txt', data: '2' }]), fileName(format), /"\.\/a\.txt": duplicate of an earlier entry "a\.txt"/);
    });
    it(`${format}: refuses paths that differ only in case or Unicode form`, async () => {
      const reasons = await refused(
        archive(format, [{ name: 'README.md', data: '1' }, { name: 'readme.MD', data: '2' }, { name: 'caf\u00e9', data: '3' }, { name: 'cafe\u0301', data: '4' }]),
        fileName(format),
        [/"readme\.MD": duplicate .*differ only in case/, /"cafe\u0301": duplicate/],
      );
      assert.equal(reasons.length, 2);
    });
    it(`${format}: refuses a file where a directory is, and the other way round`, async () => {
      await refused(archive(format, [{ name: 'a', data: 'file' }, { name: 'a/b', data: 'under a file' }]), fileName(format), /"a" is both a file and a directory/);
      await refused(archive(format, [{ name: 'a/b', data: 'x' }, { name: 'A', data: 'file' }]), fileName(format), /"A" is both a file and a directory/);
    });
  }
  it('accepts a directory named again', async () => {
    const { result } = await unpack(zipBytes([{ name: 'd/' }, { name: 'd/x', data: 'x' }, { name: 'd/' }]), 'p.zip');
    assert.deepEqual(result.files, ['d/x']);
  });
  it('lists every offending entry of an archive at once', async () => {
    const bytes = zipBytes([
      { name: '../a', data: 'x' },
      { name: 'ok', data: 'x' },
      { name: '/b', data: 'x' },
      { name: 'c', symlink: true, data: '/' },
      { name: 'OK', data: 'x' },
    ]);
    const reasons = await refused(bytes, 'p.zip', [/"\.\.\/a"/, /"\/b"/, /"c": a symlink/, /"OK": duplicate/]);
    assert.equal(reasons.length, 4);
  });
});

describe('unpackArchive: caps', () => {
  for (const format of FORMATS) {
    it(`${format}: refuses too many entries`, async () => {
      const specs = Array.from({ length: 6 }, (_, i): Spec => ({ name: `f${i}`, data: 'x' }));
      await refused(archive(format, specs), fileName(format), /more than 5 entries|lists 6 entries, over the cap of 5/, { maxEntries: 5 });
      const { result } = await unpack(archive(format, specs.slice(0, 5)), fileName(format), { maxEntries: 5 });
      assert.equal(result.files.length, 5);
    });
    it(`${format}: refuses a file over the per-file cap`, async () => {
      await refused(archive(format, [{ name: 'small', data: 'x' }, { name: 'big', data: 'y'.repeat(2000) }]), fileName(format), /"big": declares 2000 bytes, over the 1000-byte cap per file/, {
        maxEntryBytes: 1000,
      });
      const { result } = await unpack(archive(format, [{ name: 'just', data: 'y'.repeat(1000) }]), fileName(format), { maxEntryBytes: 1000 });
      assert.equal(result.bytes, 1000);
    });
    it(`${format}: refuses files over the total cap`, async () => {
      const specs = ['a', 'b', 'c'].map((name): Spec => ({ name, data: name.repeat(1500) }));
      await refused(archive(format, specs), fileName(format), /"b": brings the declared total to 3000 bytes, over the 2999-byte cap/, { maxTotalBytes: 2999 });
    });
  }
  it('zip: refuses the default cap of 1000 entries', async () => {
    const bytes = zipBytes(Array.from({ length: DEFAULT_UNPACK_LIMITS.maxEntries + 1 }, (_, i) => ({ name: `f${i}`, method: 'store' as const })));
    await refused(bytes, 'p.zip', /lists 1001 entries, over the cap of 1000/);
  });
  it('rejects malformed limits', async () => {
    const { dir, dest } = await box();
    await writeFile(join(dir, 'p.zip'), zipBytes([{ name: 'a', data: 'a' }]));
    for (const limits of [{ maxEntries: 0 }, { maxTotalBytes: Number.NaN }, { maxCompressionRatio: -1 }, { maxEntryBytes: '5' as unknown as number }]) {
      await rejectsWithCode(unpackArchive(join(dir, 'p.zip'), dest, limits), 'INVALID_ARGUMENT');
    }
  });
});

describe('unpackArchive: decompression bombs and lying headers', () => {
  const MiB = 1024 * 1024;
  it('zip: a 100 MiB entry of zeros (~100 KiB deflated) is refused for its ratio, before anything is written', async () => {
    const bytes = zipBytes([{ name: 'ok', data: 'fine' }, { name: 'bomb', data: { zeros: 100 * MiB } }]);
    assert.ok(bytes.length < 200 * 1024);
    const started = performance.now();
    await refused(bytes, 'p.zip', /"bomb": \d+ compressed bytes have already inflated to \d+, more than 200 times/);
    assert.ok(performance.now() - started < 5000, 'refused without inflating it all');
  });
  it('tar.gz: 200 MiB of zeros deflated to ~200 KiB is refused for its ratio', async () => {
    const bytes = tgzBytes([{ name: 'bomb', data: { zeros: 200 * MiB } }]);
    assert.ok(bytes.length < 250 * 1024);
    const reasons = await refused(bytes, 'p.tgz', [/"bomb": declares 209715200 bytes, over/, /the archive: \d+ compressed bytes have already inflated to \d+, more than 200 times/]);
    const inflated = Number(/inflated to (\d+)/.exec(reasons.at(-1)!)![1]);
    assert.ok(inflated < 8 * MiB, `stopped after ${inflated} bytes`);
  });
  it('tar.gz: a bomb within the caps is refused for its ratio too', async () => {
    await refused(tgzBytes([{ name: 'bomb', data: { zeros: 100 * MiB } }]), 'p.tgz', /more than 200 times/);
  });
  it('zip: a 10 GiB bomb whose header claims 1000 bytes stops just past the claim', async () => {
    // 10 GiB of zeros deflate to ~10 MiB; the CRC is left out (it is never reached).
    const bytes = zipBytes([{ name: 'liar', data: { zeros: 10 * 1024 * MiB }, claimedSize: 1000, crc32: 0 }]);
    const started = performance.now();
    await refused(bytes, 'p.zip', /"liar": holds more than the 1000 bytes its header declares|"liar": .*decompression bomb/, { maxCompressionRatio: 1e9 });
    assert.ok(performance.now() - started < 5000, 'refused without inflating 10 GiB');
  });
  it('zip: a header that claims more than the data holds is refused', async () => {
    await refused(zipBytes([{ name: 'short', data: 'abc', claimedSize: 10 }]), 'p.zip', /"short": holds 3 bytes but its header declares 10/);
  });
  it('zip: data that does not match its CRC-32 is refused', async () => {
    await refused(zipBytes([{ name: 'a', data: 'abc', crc32: 1234 }]), 'p.zip', /"a": the data does not match its CRC-32/);
  });
  it('zip: a stored entry whose sizes disagree is refused', async () => {
    await refused(zipBytes([{ name: 'a', data: 'abc', method: 'store', claimedSize: 2 }]), 'p.zip', /"a": a stored entry whose compressed size \(3\) differs/);
  });
  it('zip: entries that share their data (overlapping entries) are refused', async () => {
    const bytes = zipBytes([{ name: 'a', data: 'kernel' }, { name: 'b', data: 'kernel', sharesDataOf: 0 }, { name: 'c', data: 'kernel', sharesDataOf: 0 }]);
    const reasons = await refused(bytes, 'p.zip', [/"b": its data overlaps the data of "a"/, /"c": its data overlaps the data of "a"/]);
    assert.equal(reasons.length, 2);
  });
  it('zip: encrypted entries and unknown compression methods are refused', async () => {
    const bytes = zipBytes([{ name: 'secret', data: 'x', encrypted: true }, { name: 'bz', data: 'x', method: 12 }]);
    await refused(bytes, 'p.zip', [/"secret": the entry is encrypted/, /"bz": compression method 12 is not supported/]);
  });
  it('tar: a pax header over 64 KiB is refused', async () => {
    await refused(tarBytes([{ name: 'a', data: 'x', pax: { comment: 'c'.repeat(70 * 1024) } }]), 'p.tar', /an extended header of \d+ bytes, over the 65536-byte cap/);
  });
  it('tar.gz: a tar compressed twice is refused', async () => {
    const inner = tgzBytes([{ name: 'a', data: 'x' }]);
    const { gzipSync } = await import('node:zlib');
    await refused(gzipSync(inner), 'p.tgz', /compressed a second time/);
  });
});

describe('unpackArchive: damaged archives and non-archives', () => {
  const good: Spec[] = [{ name: 'a.txt', data: 'a'.repeat(3000) }, { name: 'b.txt', data: 'b'.repeat(3000) }];
  it('zip: a truncated zip is refused', async () => {
    const bytes = archive('zip', good);
    await refused(bytes.subarray(0, bytes.length - 30), 'p.zip', /damaged or truncated/);
    await refused(bytes.subarray(0, 100), 'p.zip', /damaged or truncated/);
  });
  it('tar.gz: a truncated tar.gz is refused', async () => {
    const bytes = archive('tgz', good);
    await refused(bytes.subarray(0, bytes.length - 20), 'p.tgz', /damaged or truncated|truncated/);
  });
  it('tar: a tar cut inside a file, or without its end marker, is refused', async () => {
    const bytes = archive('tar', good);
    await refused(bytes.subarray(0, 1024 + 700), 'p.tar', /truncated|damaged/i);
    await refused(tarBytes(good.map(toTar), { end: false }), 'p.tar', /before its end-of-archive marker/);
  });
  it('tar: a header with a wrong checksum is refused', async () => {
    await refused(tarBytes([{ name: 'a', data: 'x', badChecksum: true }]), 'p.tar', /the tar data is damaged: .*checksum/);
  });
  it('tar: a size that breaks the framing is refused', async () => {
    await refused(tarBytes([{ name: 'a', data: 'x'.repeat(600), claimedSize: 100 }, { name: 'b', data: 'y' }]), 'p.tar', /damaged/);
  });
  it('refuses a file that is not an archive', async () => {
    await refused(new TextEncoder().encode('just some text, not an archive'), 'notes.txt', /not a zip, tar\.gz or tar archive/);
  });
  it('refuses garbage named like an archive', async () => {
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 251);
    await refused(garbage, 'p.zip', /damaged or truncated, or not a valid zip/);
    await refused(garbage, 'p.tar', /damaged/);
    await refused(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 'p.bin', /damaged|truncated/);
  });
});

describe('unpackArchive: the destination', () => {
  it('must exist and be empty', async () => {
    const { dir, dest } = await box();
    await writeFile(join(dir, 'p.zip'), zipBytes([{ name: 'a', data: 'a' }]));
    await rejectsWithCode(unpackArchive(join(dir, 'p.zip'), join(dir, 'missing'), {}), 'INVALID_ARGUMENT');
    await symlink(join(dir, 'outside'), join(dest, 'a'));
    await rejectsWithCode(unpackArchive(join(dir, 'p.zip'), dest), 'INVALID_ARGUMENT', 'must be empty');
    assert.deepEqual(await readdir(join(dir, 'outside')), []);
  });
  it('a missing archive is NOT_FOUND', async () => {
    const { dir, dest } = await box();
    await rejectsWithCode(unpackArchive(join(dir, 'nope.zip'), dest), 'NOT_FOUND');
  });
});

describe('StagingWriter', () => {
  it('never follows or overwrites anything planted in the staging directory', async () => {
    const { dest, outside } = await box();
    const writer = new StagingWriter(dest);
    await symlink(outside, join(dest, 'lib'));
    await symlink(join(outside, 'x'), join(dest, 'a.txt'));
    const planted = (e: unknown): boolean => e instanceof Refusal && /already exists at this path/.test(e.reason ?? '');
    await assert.rejects(writer.file('lib/p.wasm'), planted);
    await assert.rejects(writer.file('a.txt'), planted);
    assert.deepEqual(await readdir(outside), []);
  });
  it('writes fixed modes and clears what it wrote, keeping the root', async () => {
    const { dest } = await box();
    const writer = new StagingWriter(dest);
    const handle = await writer.file('a/b/c.txt');
    await handle.close();
    assert.deepEqual(await tree(dest), { 'a/': '755', 'a/b/': '755', 'a/b/c.txt': '644 ' });
    await writer.clear();
    assert.deepEqual(await readdir(dest), []);
    await (await writer.file('a/again')).close();
    assert.deepEqual(await readdir(dest), ['a']);
  });
});

describe('crc32', () => {
  it('the portable fallback agrees with zlib', async () => {
    const zlib = await import('node:zlib');
    const data = new TextEncoder().encode('123456789');
    assert.equal(tableCrc32(data), 0xcbf43926);
    const big = new Uint8Array(100_000).map((_, i) => (i * 31) % 256);
    const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
    if (native) assert.equal(tableCrc32(big.subarray(500), tableCrc32(big.subarray(0, 500))), native(big));
  });
});
