// docs/abi.md is the contract of Warden's host functions: its table must list exactly the
// functions Warden serves, with their wasm signatures, and both SDKs and the doc's Extism PDK
// declarations must declare every one of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { WARDEN_SIGNATURES } from '../../src/install/known-imports.js';

const read = (path: string): string => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const doc = read('docs/abi.md');
const served = Object.keys(WARDEN_SIGNATURES).sort();

/** `(key: i64, value: i64) -> i32` in the notation of abi-signatures.ts: `II:i`. */
function notation(signature: string): string {
  const [params = '', result = ''] = signature.split('->').map((s) => s.trim());
  const code = (type: string): string => (type.endsWith('i64') ? 'I' : 'i');
  const args = params.replace(/[()]/g, '').split(',').map((p) => p.trim()).filter(Boolean).map(code).join('');
  return `${args}:${result ? code(result) : ''}`;
}

function section(heading: string): string {
  const start = doc.indexOf(`### ${heading}`);
  assert.ok(start >= 0, `docs/abi.md has a section "${heading}"`);
  const end = doc.indexOf('\n### ', start + 4);
  return doc.slice(start, end < 0 ? undefined : end);
}

describe('docs/abi.md', () => {
  it('lists every served function with its signature, and nothing else', () => {
    const rows = [...doc.matchAll(/^\| `(warden_\w+)` \| `([^`]+)` \|/gm)].map((m) => [m[1]!, notation(m[2]!)] as const);
    assert.deepEqual(rows.map(([name]) => name).sort(), served);
    for (const [name, sig] of rows) assert.equal(sig, WARDEN_SIGNATURES[name], name);
  });

  it('declares every function for Rust, Go and JavaScript', () => {
    const rust = section('Rust');
    const go = section('Go');
    const js = section('JavaScript');
    for (const name of served) {
      assert.match(rust, new RegExp(`fn ${name}\\(`), `Rust: ${name}`);
      assert.match(go, new RegExp(`//go:wasmimport extism:host/user ${name}\\n`), `Go: ${name}`);
      assert.match(js, new RegExp(`^    ${name}\\(`, 'm'), `JavaScript: ${name}`);
    }
  });

  it('matches the SDKs\' declarations', () => {
    const as = [...read('sdk/assemblyscript/host.ts').matchAll(/@external\("extism:host\/user", "(\w+)"\)/g)].map((m) => m[1]).sort();
    const c = [...read('sdk/c/warden.h').matchAll(/WARDEN__USER\("(\w+)"\)/g)].map((m) => m[1]).sort();
    assert.deepEqual(as, served);
    assert.deepEqual(c, served);
    assert.match(read('sdk/assemblyscript/index.ts'), /ABI_VERSION: i32 = 1;/);
    assert.match(read('sdk/c/warden.h'), /#define WARDEN_ABI_VERSION 1\n/);
    assert.match(doc, /^# Warden host-function ABI, version 1$/m);
  });
});
