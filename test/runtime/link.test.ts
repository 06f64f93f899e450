// Imports are resolved before any worker starts: every missing or mistyped import is listed in
// one LINK_ERROR that says what to do.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import wabtInit from 'wabt';
import { createHost, WardenError } from '../../src/index.js';

const wabt = await wabtInit();
const wat = (source: string): Uint8Array => wabt.parseWat('test.wat', source).toBinary({}).buffer;
const host = createHost();
after(() => host.close());

async function linkError(bytes: Uint8Array, options = {}): Promise<WardenError> {
  try {
    await host.load(bytes, options);
  } catch (e) {
    assert.ok(e instanceof WardenError && e.code === 'LINK_ERROR', String(e));
    return e;
  }
  return assert.fail('the module linked');
}

describe('linking', () => {
  it('refuses an Extism function imported with the wrong signature', async () => {
    const e = await linkError(wat(`(module (import "extism:host/env" "alloc" (func (param i32) (result i32))))`));
    assert.match(e.message, /extism:host\/env\.alloc: imported as \(i:i\) but it is \(I:I\)/);
  });

  it('refuses a WASI function with the wrong signature or an unknown name', async () => {
    const e = await linkError(wat(`(module
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i64)))
      (import "wasi_snapshot_preview1" "fd_teleport" (func)))`), { wasi: true });
    assert.match(e.message, /fd_write: imported as/);
    assert.match(e.message, /fd_teleport: not a WASI preview 1 function/);
  });

  it('lists every missing import at once', async () => {
    const e = await linkError(wat(`(module
      (import "extism:host/env" "exec" (func))
      (import "extism:host/user" "lookup" (func (param i64) (result i64)))
      (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "somewhere" "table" (table 1 funcref)))`));
    assert.deepEqual((e.data['missing'] as string[]).length, 4);
    assert.match(e.message, /enable it with the wasi option/);
    assert.match(e.message, /no host function with this name/);
  });

  it('refuses host functions whose types cannot cross the boundary', async () => {
    const e = await linkError(wat(`(module (import "extism:host/user" "f" (func (param externref))))`), {
      functions: { 'extism:host/user': { f: () => undefined } },
    });
    assert.match(e.message, /only i32, i64, f32 and f64/);
  });

  it('refuses modules that import each other in a cycle', async () => {
    const a = wat(`(module (import "b" "g" (func)) (func (export "f")))`);
    const b = wat(`(module (import "a" "f" (func)) (func (export "g")))`);
    await assert.rejects(host.load({ modules: [{ name: 'a', bytes: a }, { name: 'b', bytes: b }] }),
      (err: WardenError) => err.code === 'LINK_ERROR' && /cycle/.test(err.message));
  });

  it('links host functions with f32/f64 and several results', async () => {
    const plugin = await host.load(wat(`(module
      (import "extism:host/user" "pair" (func $pair (param f64 f32) (result i32 i64)))
      (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
      (import "extism:host/env" "store_u8" (func $store (param i64 i32)))
      (import "extism:host/env" "output_set" (func $out (param i64 i64)))
      (func (export "run") (result i32) (local $h i64) (local $a i32) (local $b i64)
        (call $pair (f64.const 1.5) (f32.const 2.5))
        (local.set $b) (local.set $a)
        (local.set $h (call $alloc (i64.const 2)))
        (call $store (local.get $h) (i32.add (i32.const 48) (local.get $a)))
        (call $store (i64.add (local.get $h) (i64.const 1)) (i32.wrap_i64 (i64.add (i64.const 48) (local.get $b))))
        (call $out (local.get $h) (i64.const 2))
        (i32.const 0)))`), {
      functions: { 'extism:host/user': { pair: (_ctx, x, y) => [Math.floor(Number(x) + Number(y)), 7n] } },
    });
    assert.equal((await plugin.call('run')).text(), '47');
  });
});
