// Hostile manifest text: alias bombs, huge and deep documents, duplicate keys, prototype pollution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MANIFEST_BYTES, parseManifest } from '../../src/manifest/index.js';
import { minimal, refused } from './helpers.js';

describe('hostile manifests', () => {
  it('refuses an alias bomb (billion laughs) quickly', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const start = performance.now();
    const errors = refused(`${minimal()}${lines.join('\n')}\n`);
    assert.ok(performance.now() - start < 1000);
    assert.match(errors[0]!.message, /alias/i);
  });

  it('refuses a manifest over the size cap before parsing it', () => {
    const errors = refused(minimal(`description2: "${'x'.repeat(MAX_MANIFEST_BYTES)}"\n`));
    assert.match(errors[0]!.message, /at most 262144 bytes/);
    // Counted in UTF-8 bytes, not UTF-16 units.
    refused(minimal(`d2: "${'é'.repeat(MAX_MANIFEST_BYTES / 2)}"\n`));
  });

  it('refuses deeply nested documents with an error, not a crash', () => {
    const depth = 100_000;
    const errors = refused(`${minimal()}x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    assert.equal(errors[0]!.path, '(manifest)');
  });

  it('refuses duplicate keys, several documents and unknown tags', () => {
    assert.match(refused(`${minimal()}name: q\n`)[0]!.message, /unique/);
    assert.match(refused(`${minimal()}---\nname: q\n`)[0]!.message, /multiple documents|MULTIPLE_DOCS/);
    assert.match(refused(minimal('x: !!js/function "function () {}"\n'))[0]!.message, /tag/i);
    assert.match(refused(minimal('x: !custom 1\n'))[0]!.message, /tag/i);
    assert.match(refused('{"name": "p", "name": "q"}')[0]!.message, /unique/);
  });

  it('keeps __proto__ keys as data and never pollutes a prototype', () => {
    const yaml = `${minimal()}__proto__: { polluted: yes }
config:
  ok: { type: string }
tools:
  - name: t
    description: d
    parameters:
      a: { type: object, properties: { b: { type: string } }, examples: [{ __proto__: { polluted: yes } }] }
`;
    const { manifest, warnings } = parseManifest(yaml);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(manifest), Object.prototype);
    assert.equal((manifest as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(warnings.map((w) => w.path), ['__proto__']);

    const viaJson = JSON.stringify({ name: 'p', version: '1.0.0', description: 'd', wasm: 'p.wasm' }).replace('{', '{"__proto__":{"polluted":1},');
    assert.equal((parseManifest(viaJson).manifest as Record<string, unknown>).polluted, undefined);

    const configErrors = refused(minimal('config:\n  __proto__: { type: string }\n  constructor: { type: string }\n'));
    assert.deepEqual(configErrors.map((e) => e.path), ['config.__proto__']);
    const { manifest: m2 } = parseManifest(minimal('config:\n  constructor: { type: string }\n'));
    assert.equal(Object.hasOwn(m2.config, 'constructor'), true);
    assert.equal(Object.hasOwn(m2.config, 'toString'), false);
    assert.equal(m2.config.toString, Object.prototype.toString);
  });

  it('accepts a byte order mark and treats odd input types as invalid', () => {
    assert.equal(parseManifest(`\uFEFF${minimal()}`).manifest.name, 'p');
    refused(undefined as unknown as string);
  });
});
