// parseManifest: the example, normalisation, and field-path errors for broken manifests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WardenError } from '../../src/errors.js';
import { parseManifest, effectiveLimits, MESSAGE_PROBLEM_LIMIT } from '../../src/manifest/index.js';
import { EXAMPLE, minimal, refused, refusedPaths } from './helpers.js';

describe('parseManifest', () => {
  it('parses the example manifest from the issue', () => {
    const { manifest, warnings } = parseManifest(EXAMPLE, 'hello.yaml');
    assert.deepEqual(warnings, []);
    assert.equal(manifest.name, 'hello-world');
    assert.equal(manifest.version, '0.1.0');
    assert.equal(manifest.author, 'you@example.com');
    assert.deepEqual(manifest.tools[0]?.parameters, {
      type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false,
    });
    assert.deepEqual(manifest.capabilities.map((c) => [c.kind, c.risk]), [['network', 'medium'], ['storage', 'medium'], ['vault', 'high']]);
    assert.deepEqual(manifest.wasm, [{ path: 'hello.wasm' }]);
    assert.deepEqual(manifest.limits, {});
    assert.deepEqual(manifest.config, {});
  });

  it('reads the same manifest written as JSON', () => {
    const json = JSON.stringify({ name: 'p', version: '1.0.0', description: 'd', wasm: 'p.wasm', capabilities: ['context'] });
    assert.deepEqual(parseManifest(json).manifest.capabilities, [{ kind: 'context', risk: 'low' }]);
  });

  it('normalises config keys, limits and wasm entries', () => {
    const { manifest } = parseManifest(`name: p
version: 1.2.3-beta.1+build.5
description: d
wasm: [{ path: lib/a.wasm, name: lib, sha256: ${'AB'.repeat(32)} }, { path: main.wasm, name: main }]
config:
  api_url: { type: string, description: Where to call }
  retries: { type: number, default: 3 }
  verbose: { type: boolean, required: true }
limits: { memory: 16MiB, timeout: 30s }
`);
    assert.equal(manifest.wasm?.[0]?.sha256, 'ab'.repeat(32));
    assert.deepEqual(manifest.config.retries, { type: 'number', required: false, default: 3 });
    assert.equal(manifest.config.verbose?.required, true);
    assert.deepEqual(manifest.limits, { memoryBytes: 16 * 1024 * 1024, timeoutMs: 30_000 });
    assert.deepEqual(effectiveLimits(manifest.limits, { memoryBytes: 8 << 20, timeoutMs: 60_000 }), { memoryBytes: 8 << 20, timeoutMs: 30_000 });
  });

  it('warns about unknown top-level keys instead of failing', () => {
    const { manifest, warnings } = parseManifest(minimal('homepage: https://x.example\n'));
    assert.deepEqual(warnings, [{ path: 'homepage', message: 'unknown key ignored' }]);
    assert.equal('homepage' in manifest, false);
  });

  it('names the field path of every error', () => {
    assert.deepEqual(refusedPaths(`name: Hello World
version: 1.0
description: ""
wasm: [{ path: ../x.wasm, sha256: nothex }]
tools:
  - name: ok
    description: fine
  - name: bad
    description: d
    requried: true
    parameters:
      name: { type: strin, required: yes }
`), ['name', 'version', 'description', 'tools[1].parameters.name.type', 'tools[1].parameters.name.required', 'tools[1].requried', 'wasm[0].path', 'wasm[0].sha256']);
  });

  it('reports the expected types in the issue\'s form', () => {
    const errors = refused(minimal('tools:\n  - name: t\n    description: d\n  - name: u\n    description: d\n    parameters:\n      name: { type: text }\n'));
    assert.deepEqual(errors, [{ path: 'tools[1].parameters.name.type', message: 'expected one of string, number, integer, boolean, object, array' }]);
  });

  it('checks config entries, limits and duplicates', () => {
    assert.deepEqual(refusedPaths(minimal(`config:
  "1bad": { type: string }
  a: { type: number, default: "x" }
  b: { type: string, required: true, default: y }
  c: { type: date }
limits: { memory: 1KiB, timeout: forever, cpu: 1 }
tools:
  - { name: t, description: d }
  - { name: t, description: d }
`)), ['tools[1].name', 'config.1bad', 'config.a.default', 'config.b.default', 'config.c.type', 'limits.memory', 'limits.timeout', 'limits.cpu']);
  });

  it('refuses reserved and unsafe plugin ids', () => {
    for (const name of ['constructor', '__proto__', '.', '..', 'a/b', 'a\\\\b', 'A', '', 'x'.repeat(65), '-flag']) {
      assert.deepEqual(refusedPaths(`name: "${name}"\nversion: 1.0.0\ndescription: d\nwasm: p.wasm\n`), ['name'], name);
    }
    assert.equal(parseManifest(minimal().replace('name: p', `name: ${'a'.repeat(64)}`)).manifest.name.length, 64);
  });

  it('requires wasm in a manifest file and ignores it in an embedded one', () => {
    const text = 'name: p\nversion: 1.0.0\ndescription: d\n';
    assert.deepEqual(refusedPaths(text), ['wasm']);
    assert.equal(parseManifest(text, 'm', { origin: 'embedded' }).manifest.wasm, undefined);
    const { manifest, warnings } = parseManifest(minimal(), 'm', { origin: 'embedded' });
    assert.equal(manifest.wasm, undefined);
    assert.deepEqual(warnings.map((w) => w.path), ['wasm']);
  });

  it('needs names for several modules', () => {
    assert.deepEqual(refusedPaths(minimal().replace('wasm: p.wasm', 'wasm: [{ path: a.wasm }, { path: b.wasm, name: b }, { path: c.wasm, name: b }]')), ['wasm[0].name', 'wasm[2].name']);
  });

  it('lists the first ten problems in the message and all of them in data.errors', () => {
    const caps = Array.from({ length: 12 }, (_, i) => `  - vault: ["bad key ${i}"]`).join('\n');
    try {
      parseManifest(minimal(`capabilities:\n${caps}\n`), 'many.yaml');
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof WardenError);
      assert.equal((e.data.errors as unknown[]).length, 12);
      assert.equal(e.message.split('\n').filter((l) => l.startsWith('  - ')).length, MESSAGE_PROBLEM_LIMIT);
      assert.match(e.message, /^many\.yaml is not a valid plugin manifest \(12 problems\)/);
      assert.match(e.message, /… and 2 more/);
      assert.match(e.message, /docs\/manifest\.md/);
    }
  });

  it('refuses a document that is not a mapping', () => {
    for (const text of ['', '- a\n- b\n', '"just a string"', 'null']) assert.deepEqual(refusedPaths(text), ['(manifest)'], text);
  });
});
