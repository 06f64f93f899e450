// The module cache (scan reports at every load): hits and misses, keys that change with Warden's version, the ABI
// version and the caps, corrupt / truncated / foreign / planted entries removed and rebuilt, the
// folder deleted under it, concurrent writers, disk failures reported and never thrown.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { WardenError } from '../../src/errors.js';
import { ModuleCache, type CachedModule, type ModuleCacheOptions } from '../../src/install/module-cache.js';
import { MODULE_STRUCTURE_CAPS } from '../../src/runtime/options.js';
import { prepareModule, type ModuleCaps } from '../../src/runtime/wasm/prepare.js';
import { rejectsWithCode, throwsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const MODULE = fixture('grow');
const MODULE_SHA = sha(MODULE);
const OTHER_SHA = sha(fixture('echo'));
const CAPS: ModuleCaps = { maxModuleBytes: 1 << 20, maxFunctions: 1000, maxMemoryPages: 16, ...MODULE_STRUCTURE_CAPS };
const VALUE: CachedModule = { prepared: prepareModule(MODULE, CAPS).bytes, scan: { refused: false, findings: [] }, meta: { note: 'x' } };

/** A cache in a fresh folder, with every reported error collected. */
function makeCache(options: Partial<ModuleCacheOptions> = {}): { cache: ModuleCache; errors: WardenError[]; dir: string } {
  const root = mkdtempSync(join(os.tmpdir(), 'warden-cache-'));
  roots.push(root);
  const errors: WardenError[] = [];
  const dir = join(root, '.cache');
  const cache = new ModuleCache({ dir, wardenVersion: '0.1.0', abiVersion: 1, onError: (e) => errors.push(e), ...options });
  return { cache, errors, dir };
}

/** The one entry file of a cache folder. */
function entryFile(dir: string): string {
  const files = readdirSync(dir);
  assert.equal(files.length, 1, `one entry expected, found ${files.join(', ')}`);
  return join(dir, files[0]!);
}

function assertSame(actual: CachedModule | undefined, expected: CachedModule): void {
  assert.ok(actual, 'expected a hit');
  assert.deepEqual(new Uint8Array(actual.prepared), new Uint8Array(expected.prepared));
  assert.deepEqual(actual.meta, expected.meta);
  assert.deepEqual(actual.scan, expected.scan);
}

describe('ModuleCache', () => {
  it('a miss, then a hit of what was set, in a 0600 file named by the key', async () => {
    const { cache, errors, dir } = makeCache();
    assert.equal(await cache.get(MODULE_SHA), undefined);
    await cache.set(MODULE_SHA, VALUE);
    assertSame(await cache.get(MODULE_SHA), VALUE);
    const file = entryFile(dir);
    assert.equal(file, join(dir, cache.keyOf(MODULE_SHA)));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(await cache.get(OTHER_SHA), undefined);
    assert.deepEqual(errors, []);
  });

  it('an entry without a scan has none', async () => {
    const { cache } = makeCache();
    await cache.set(MODULE_SHA, { prepared: VALUE.prepared, meta: {} });
    assert.equal('scan' in (await cache.get(MODULE_SHA))!, false);
  });

  it('another Warden version, ABI version or variant misses; the original still hits', async () => {
    const { cache, dir } = makeCache();
    await cache.set(MODULE_SHA, VALUE, { maxMemoryPages: 16 });
    const upgraded = new ModuleCache({ dir, wardenVersion: '0.2.0', abiVersion: 1 });
    const newAbi = new ModuleCache({ dir, wardenVersion: '0.1.0', abiVersion: 2 });
    assert.equal(await upgraded.get(MODULE_SHA, { maxMemoryPages: 16 }), undefined);
    assert.equal(await newAbi.get(MODULE_SHA, { maxMemoryPages: 16 }), undefined);
    assert.equal(await cache.get(MODULE_SHA, { maxMemoryPages: 32 }), undefined);
    assert.equal(await cache.get(MODULE_SHA), undefined);
    assertSame(await cache.get(MODULE_SHA, { maxMemoryPages: 16 }), VALUE);
    assert.equal(new Set([cache.keyOf(MODULE_SHA), upgraded.keyOf(MODULE_SHA), newAbi.keyOf(MODULE_SHA)]).size, 3);
  });

  const damages: [string, (file: string) => void, RegExp][] = [
    ['a flipped payload byte', (f) => { const b = readFileSync(f); b[b.length - 3]! ^= 1; writeFileSync(f, b); }, /digest/],
    ['a flipped JSON byte', (f) => { const b = readFileSync(f); b[90]! ^= 1; writeFileSync(f, b); }, /digest/],
    ['a truncated file', (f) => truncateSync(f, statSync(f).size - 10), /truncated/],
    ['a file cut inside its header', (f) => truncateSync(f, 20), /truncated/],
    ['an empty file', (f) => truncateSync(f, 0), /truncated/],
    ['bytes appended', (f) => writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from('xx')])), /extended/],
    ['another magic', (f) => { const b = readFileSync(f); b[0] = 0x41; writeFileSync(f, b); }, /not a module cache entry/],
    ['another format version', (f) => { const b = readFileSync(f); b.writeUInt32LE(99, 8); writeFileSync(f, b); }, /format 99/],
  ];
  for (const [what, damage, reason] of damages) {
    it(`${what}: detected, removed, reported, then rebuilt`, async () => {
      const { cache, errors, dir } = makeCache();
      await cache.set(MODULE_SHA, VALUE);
      damage(entryFile(dir));
      assert.equal(await cache.get(MODULE_SHA), undefined);
      assert.deepEqual(readdirSync(dir), [], 'the entry is removed');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.code, 'STORAGE_ERROR');
      assert.match(errors[0]!.message, reason);
      await cache.set(MODULE_SHA, VALUE);
      assertSame(await cache.get(MODULE_SHA), VALUE);
    });
  }

  const intruders: [string, (entry: string, target: string) => void, RegExp][] = [
    ['another module\'s entry copied under this key', copyFileSync, /another key/],
    ['a symbolic link to another entry', (entry, target) => symlinkSync(entry, target), /symbolic link/],
    ['a folder', (_entry, target) => mkdirSync(target), /not a regular file/],
  ];
  for (const [what, place, reason] of intruders) {
    it(`${what} in place of an entry: refused, removed, the other entry kept`, async () => {
      const { cache, errors, dir } = makeCache();
      await cache.set(OTHER_SHA, VALUE);
      place(join(dir, cache.keyOf(OTHER_SHA)), join(dir, cache.keyOf(MODULE_SHA)));
      assert.equal(await cache.get(MODULE_SHA), undefined);
      assert.match(errors[0]!.message, reason);
      assert.deepEqual(readdirSync(dir), [cache.keyOf(OTHER_SHA)]);
      assert.ok(await cache.get(OTHER_SHA));
    });
  }

  it('an entry over maxEntryBytes is not read', async () => {
    const { cache, errors, dir } = makeCache();
    await cache.set(MODULE_SHA, VALUE);
    const small = new ModuleCache({ dir, wardenVersion: '0.1.0', abiVersion: 1, maxEntryBytes: 100, onError: (e) => errors.push(e) });
    assert.equal(await small.get(MODULE_SHA), undefined);
    assert.match(errors[0]!.message, /over the cap of 100/);
    await small.set(MODULE_SHA, VALUE);
    assert.match(errors[1]!.message, /exceed 100 bytes/);
  });

  it('with an integrityKey, entries written without it (or with another) do not verify', async () => {
    const key = new Uint8Array(32).fill(7);
    const { cache: plain, dir } = makeCache();
    await plain.set(MODULE_SHA, VALUE);
    const errors: WardenError[] = [];
    const keyed = new ModuleCache({ dir, wardenVersion: '0.1.0', abiVersion: 1, integrityKey: key, onError: (e) => errors.push(e) });
    assert.equal(await keyed.get(MODULE_SHA), undefined, 'a plain digest is not an HMAC');
    assert.match(errors[0]!.message, /digest/);
    await keyed.set(MODULE_SHA, VALUE);
    assertSame(await keyed.get(MODULE_SHA), VALUE);
    const otherKey = new ModuleCache({ dir, wardenVersion: '0.1.0', abiVersion: 1, integrityKey: new Uint8Array(32).fill(8) });
    assert.equal(await otherKey.get(MODULE_SHA), undefined);
    await throwsWithCode(() => new ModuleCache({ dir, wardenVersion: '0.1.0', abiVersion: 1, integrityKey: new Uint8Array(8) }), 'INVALID_ARGUMENT', 'integrityKey');
  });

  it('deleting the folder is safe: a miss without error, and the next set creates it again', async () => {
    const { cache, errors, dir } = makeCache();
    await cache.set(MODULE_SHA, VALUE);
    rmSync(dir, { recursive: true });
    assert.equal(await cache.get(MODULE_SHA), undefined);
    await cache.set(MODULE_SHA, VALUE);
    assertSame(await cache.get(MODULE_SHA), VALUE);
    await cache.clear();
    assert.equal(await cache.get(MODULE_SHA), undefined);
    assert.deepEqual(errors, []);
  });

  it('concurrent sets of one key leave one whole entry and no temporary file', async () => {
    const { cache, errors, dir } = makeCache();
    const values = Array.from({ length: 20 }, (_, i) => ({ ...VALUE, meta: { writer: i } }));
    await Promise.all([...values.map((v) => cache.set(MODULE_SHA, v)), ...values.map(() => cache.get(MODULE_SHA))]);
    const got = await cache.get(MODULE_SHA);
    assert.ok(got && typeof got.meta['writer'] === 'number');
    assertSame(got, values[got.meta['writer'] as number]!);
    entryFile(dir);
    assert.deepEqual(errors, []);
  });

  it('a write that fails is reported, never thrown', async () => {
    const { cache: good, dir: taken } = makeCache();
    await good.set(MODULE_SHA, VALUE);
    const errors: WardenError[] = [];
    // The cache folder's path runs through a regular file: mkdir fails as a full or read-only disk would.
    const cache = new ModuleCache({ dir: join(entryFile(taken), 'cache'), wardenVersion: '0.1.0', abiVersion: 1, onError: (e) => errors.push(e) });
    await cache.set(MODULE_SHA, VALUE);
    assert.equal(errors[0]?.code, 'STORAGE_ERROR');
    assert.match(errors[0]!.message, /cannot write module cache entry/);
    assert.equal(await cache.get(MODULE_SHA), undefined);
    await cache.set(MODULE_SHA, { prepared: VALUE.prepared, meta: { n: 1n } });
    assert.match(errors[1]!.message, /BigInt/);
  });

  it('a reporter that throws changes nothing', async () => {
    const { cache, dir } = makeCache({ onError: () => { throw new Error('boom'); } });
    await cache.set(MODULE_SHA, VALUE);
    truncateSync(entryFile(dir), 5);
    assert.equal(await cache.get(MODULE_SHA), undefined);
  });

  it('refuses a malformed sha256 and bad options with INVALID_ARGUMENT', async () => {
    const { cache } = makeCache();
    await rejectsWithCode(cache.get('../../etc/passwd'), 'INVALID_ARGUMENT', 'sha256');
    await rejectsWithCode(cache.set(MODULE_SHA.toUpperCase(), VALUE), 'INVALID_ARGUMENT', 'sha256');
    await throwsWithCode(() => new ModuleCache({ dir: '', wardenVersion: '1', abiVersion: 1 }), 'INVALID_ARGUMENT', 'dir');
    await throwsWithCode(() => new ModuleCache({ dir: 'x', wardenVersion: '1', abiVersion: -1 }), 'INVALID_ARGUMENT', 'abiVersion');
  });
});
