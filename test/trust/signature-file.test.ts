// warden.sig on disk (round trip, and a hostile file of every kind: malformed, oversized, a
// symlink, a directory, a FIFO) and the canonical JSON the signed payload is written in.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseManifest } from '../../src/manifest/index.js';
import {
  canonicalJson, formatSignatureFile, generateSigningKey, MAX_SIGNATURE_FILE_BYTES, parseSignatureFile, readSignatureFile,
  SIGNATURE_FILE, signPlugin, verifyPlugin, writeSignatureFile,
} from '../../src/trust/index.js';
import { rejectsWithCode, throwsWithCode } from '../helpers/errors.js';
import { EXAMPLE } from '../manifest/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'warden-sig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KEY = generateSigningKey();
const MANIFEST = parseManifest(EXAMPLE).manifest;
const MODULES = [{ name: 'main', sha256: 'a'.repeat(64) }];
const SIGNED = signPlugin(MANIFEST, MODULES, KEY.privateKeyPem);

/** A fresh directory holding `warden.sig` with `text`; returns the file's path. */
function sigFile(name: string, text?: string): string {
  mkdirSync(join(dir, name));
  const path = join(dir, name, SIGNATURE_FILE);
  if (text !== undefined) writeFileSync(path, text);
  return path;
}

describe('signature files', () => {
  it('round trip through disk, then verify', async () => {
    const path = sigFile('round-trip');
    await writeSignatureFile(path, SIGNED);
    assert.deepEqual(readdirSync(join(dir, 'round-trip')), [SIGNATURE_FILE], 'no temporary file left behind');
    assert.deepEqual(Object.keys(JSON.parse(readFileSync(path, 'utf8'))), ['format', 'keyId', 'publicKey', 'signature']);
    const read = await readSignatureFile(path);
    assert.deepEqual(read, SIGNED);
    assert.equal(verifyPlugin(MANIFEST, MODULES, read, [KEY.publicKey]).status, 'valid');
  });

  it('reads no file as "unsigned"', async () => {
    assert.equal(await readSignatureFile(sigFile('none')), undefined);
  });

  it('refuses malformed files with SIGNATURE_INVALID and advice', async () => {
    const cases: [string, string][] = [
      ['not json', 'not JSON'],
      ['[]', 'expected a JSON object'],
      [JSON.stringify({ ...SIGNED, comment: 'hi' }), 'unknown field(s) "comment"'],
      [JSON.stringify({ ...SIGNED, format: 'minisign' }), 'format must be "warden-signature/1"'],
      [JSON.stringify({ ...SIGNED, keyId: 'xyz' }), 'keyId'],
      [JSON.stringify({ ...SIGNED, signature: 'AAAA' }), 'signature must be'],
      [JSON.stringify({ ...SIGNED, publicKey: 'ed25519:' }), 'publicKey must be ed25519:'],
      [' '.repeat(MAX_SIGNATURE_FILE_BYTES + 1), 'not JSON of at most'],
    ];
    for (const [i, [text, mentions]] of cases.entries()) {
      await throwsWithCode(() => parseSignatureFile(text), 'SIGNATURE_INVALID', mentions);
      const e = await rejectsWithCode(readSignatureFile(sigFile(`bad-${i}`, text)), 'SIGNATURE_INVALID', 'warden plugin sign');
      assert.equal(e.data.status, 'invalid');
    }
  });

  it('refuses a symbolic link, a directory and a FIFO without blocking', async () => {
    const link = sigFile('link');
    symlinkSync(join(dir, 'round-trip', SIGNATURE_FILE), link);
    await rejectsWithCode(readSignatureFile(link), 'SIGNATURE_INVALID', 'symbolic link');
    const directory = sigFile('directory');
    mkdirSync(directory);
    await rejectsWithCode(readSignatureFile(directory), 'SIGNATURE_INVALID', 'not a regular file');
    if (process.platform !== 'win32') {
      const fifo = sigFile('fifo');
      execFileSync('mkfifo', [fifo]);
      await rejectsWithCode(readSignatureFile(fifo), 'SIGNATURE_INVALID', 'not a regular file');
    }
  });

  it('never writes a malformed signature', async () => {
    await throwsWithCode(() => formatSignatureFile({ ...SIGNED, signature: 'x' }), 'INVALID_ARGUMENT');
    const path = sigFile('refused');
    await rejectsWithCode(writeSignatureFile(path, { ...SIGNED, keyId: '' }), 'INVALID_ARGUMENT');
    assert.deepEqual(readdirSync(join(dir, 'refused')), []);
  });
});

describe('canonicalJson', () => {
  it('sorts keys by code unit, recursively, without whitespace', () => {
    assert.equal(canonicalJson({ b: [1, 'x', { z: null, a: true }], a: { 'é': 1, Z: 2, _: 3 }, c: undefined }), '{"a":{"Z":2,"_":3,"é":1},"b":[1,"x",{"a":true,"z":null}]}');
    assert.equal(canonicalJson('line\n"quoted" \u2028'), JSON.stringify('line\n"quoted" \u2028'));
    assert.equal(canonicalJson(JSON.parse('{"__proto__":1}')), '{"__proto__":1}');
  });

  it('refuses what JSON cannot carry exactly', async () => {
    for (const value of [Number.NaN, Infinity, 1n, () => 1, Symbol('s'), [undefined], [1, , 3], new Date(0), /x/, new Map(), { a: { b: Number.NaN } }]) {
      await throwsWithCode(() => canonicalJson(value), 'INVALID_ARGUMENT');
    }
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    await throwsWithCode(() => canonicalJson(deep), 'INVALID_ARGUMENT', 'nesting');
  });
});
