// Manifests embedded in the module as a `warden.manifest` custom section, and precedence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WardenError } from '../../src/errors.js';
import { embedManifest, MANIFEST_SECTION, parseManifest, readEmbeddedManifest, resolveManifest } from '../../src/manifest/index.js';
import { fixture } from '../helpers/fixture.js';
import { EXAMPLE, refused } from './helpers.js';

/** A custom section with the given name and payload, encoded by hand (sizes < 128 bytes). */
function customSection(name: string, payload: Uint8Array): Uint8Array {
  const n = new TextEncoder().encode(name);
  return new Uint8Array([0, 1 + n.length + payload.length, n.length, ...n, ...payload]);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

describe('embedded manifests', () => {
  it('round-trips through a real module, which still compiles and runs', async () => {
    const echo = new Uint8Array(fixture('echo'));
    assert.equal(readEmbeddedManifest(echo), undefined);
    const withManifest = embedManifest(echo, EXAMPLE);
    assert.equal(readEmbeddedManifest(withManifest), EXAMPLE);
    const module = new WebAssembly.Module(withManifest);
    assert.deepEqual(WebAssembly.Module.customSections(module, MANIFEST_SECTION).map((b) => new TextDecoder().decode(b)), [EXAMPLE]);
    assert.deepEqual(WebAssembly.Module.exports(module), WebAssembly.Module.exports(new WebAssembly.Module(echo)));
    assert.deepEqual(withManifest.subarray(0, echo.length), echo);
  });

  it('replaces an existing manifest section instead of adding a second', () => {
    const once = embedManifest(fixture('echo'), EXAMPLE);
    const again = embedManifest(once, EXAMPLE.replace('0.1.0', '0.2.0'));
    assert.equal(readEmbeddedManifest(again), EXAMPLE.replace('0.1.0', '0.2.0'));
    assert.equal(WebAssembly.Module.customSections(new WebAssembly.Module(again), MANIFEST_SECTION).length, 1);
  });

  it('handles a manifest larger than one LEB byte of length', () => {
    const big = `${EXAMPLE}# ${'x'.repeat(100_000)}\n`;
    assert.equal(readEmbeddedManifest(embedManifest(fixture('echo'), big)), big);
  });

  it('refuses to embed a manifest that does not validate', () => {
    assert.throws(() => embedManifest(fixture('echo'), 'name: Bad Name\n'), (e) => e instanceof WardenError && e.code === 'MANIFEST_INVALID');
  });

  it('refuses two manifest sections and text that is not UTF-8', () => {
    const text = new TextEncoder().encode('name: p\n');
    const two = concat(fixture('echo'), customSection(MANIFEST_SECTION, text), customSection(MANIFEST_SECTION, text));
    assert.throws(() => readEmbeddedManifest(two), (e) => e instanceof WardenError && e.code === 'MANIFEST_INVALID');
    const latin1 = concat(fixture('echo'), customSection(MANIFEST_SECTION, new Uint8Array([0x6e, 0x3a, 0xe9, 0x0a])));
    assert.throws(() => readEmbeddedManifest(latin1), (e) => e instanceof WardenError && /UTF-8/.test(e.message));
    assert.throws(() => readEmbeddedManifest(new Uint8Array([1, 2, 3])), (e) => e instanceof WardenError && e.code === 'INVALID_WASM');
  });

  it('uses the file when both exist for the same plugin, warning when they differ', () => {
    const file = parseManifest(EXAMPLE);
    const same = parseManifest(EXAMPLE, 'embedded', { origin: 'embedded' });
    assert.deepEqual(resolveManifest(file, same), { ...file, origin: 'file' });
    const older = parseManifest(EXAMPLE.replace('0.1.0', '0.0.9'), 'embedded', { origin: 'embedded' });
    const resolved = resolveManifest(file, older);
    assert.equal(resolved.origin, 'file');
    assert.equal(resolved.manifest.version, '0.1.0');
    assert.match(resolved.warnings[0]!.message, /differs/);
  });

  it('refuses a file and an embedded manifest that name different plugins', () => {
    const file = parseManifest(EXAMPLE);
    const other = parseManifest(EXAMPLE.replace('hello-world', 'other'), 'embedded', { origin: 'embedded' });
    assert.throws(() => resolveManifest(file, other), (e) => e instanceof WardenError && e.code === 'MANIFEST_INVALID' && /hello-world.*other/.test(e.message));
  });

  it('uses whichever exists, and refuses neither', () => {
    const embedded = parseManifest(EXAMPLE, 'embedded', { origin: 'embedded' });
    assert.equal(resolveManifest(undefined, embedded).origin, 'embedded');
    assert.equal(resolveManifest(parseManifest(EXAMPLE), undefined).origin, 'file');
    assert.throws(() => resolveManifest(undefined, undefined), (e) => e instanceof WardenError && e.code === 'MANIFEST_INVALID');
    refused('name: p\nversion: 1.0.0\ndescription: d\n');
  });
});
