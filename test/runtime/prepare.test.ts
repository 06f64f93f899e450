// Module preparation: memory limits rewritten, shared/64-bit memories refused, malformed bytes
// rejected with INVALID_WASM, never with a raw exception.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WardenError } from '../../src/errors.js';
import { readModuleInfo } from '../../src/runtime/wasm/module-info.js';
import { prepareModule, type ModuleCaps } from '../../src/runtime/wasm/prepare.js';

const caps: ModuleCaps = {
  maxModuleBytes: 1 << 20, maxFunctions: 100, maxMemoryPages: 16, maxTables: 2,
  maxDataSegments: 10, maxImports: 10, maxExports: 10,
};
const HEADER = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
const mod = (...sections: number[][]): Uint8Array => Uint8Array.from([...HEADER, ...sections.flat()]);
const memorySection = (flags: number, min: number, max?: number): number[] => {
  const body = [1, flags, min, ...(max === undefined ? [] : [max])];
  return [5, body.length, ...body];
};
const str = (s: string): number[] => [s.length, ...new TextEncoder().encode(s)];
const importMemory = (flags: number, min: number, max?: number): number[] => {
  const body = [1, ...str('env'), ...str('memory'), 2, flags, min, ...(max === undefined ? [] : [max])];
  return [2, body.length, ...body];
};

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WardenError, `not a WardenError: ${String(e)}`);
    return e.code;
  }
  return 'ok';
}

describe('prepareModule', () => {
  it('adds the cap as maximum to a memory without one', () => {
    const out = prepareModule(mod(memorySection(0, 1)), caps);
    assert.deepEqual([out.info.memories[0]!.min, out.info.memories[0]!.max], [1, 16]);
    assert.ok(WebAssembly.validate(out.bytes as Uint8Array<ArrayBuffer>));
  });

  it('lowers a maximum above the cap and keeps one below it', () => {
    assert.equal(prepareModule(mod(memorySection(1, 1, 100)), caps).info.memories[0]!.max, 16);
    assert.equal(prepareModule(mod(memorySection(1, 1, 8)), caps).info.memories[0]!.max, 8);
  });

  it('makes every memory shared, so growing it never triggers garbage collection', () => {
    const out = prepareModule(mod(memorySection(1, 1, 8), importMemory(0, 1)), caps);
    assert.ok(out.info.memories[0]!.shared);
    assert.ok(out.info.imports.every((i) => i.kind === 'memory' && i.limits.shared));
    const none = mod([1, 4, 1, 0x60, 0, 0]);
    assert.equal(prepareModule(none, caps).bytes, none, 'a module without memory is not copied');
  });

  it('rewrites imported memory limits too', () => {
    const out = prepareModule(mod(importMemory(0, 2)), caps);
    const imp = out.info.imports[0]!;
    assert.equal(imp.kind, 'memory');
    if (imp.kind === 'memory') assert.deepEqual([imp.limits.min, imp.limits.max], [2, 16]);
    assert.ok(WebAssembly.validate(out.bytes as Uint8Array<ArrayBuffer>));
  });

  it('refuses shared and 64-bit memories, and a minimum over the cap', () => {
    assert.equal(code(() => prepareModule(mod(memorySection(3, 1, 2)), caps)), 'INVALID_WASM');
    assert.equal(code(() => prepareModule(mod(importMemory(3, 1, 2)), caps)), 'INVALID_WASM');
    assert.equal(code(() => prepareModule(mod(memorySection(4, 1)), caps)), 'INVALID_WASM');
    assert.equal(code(() => prepareModule(mod(memorySection(0, 17)), caps)), 'MEMORY_LIMIT');
  });

  it('applies size caps', () => {
    assert.equal(code(() => prepareModule(new Uint8Array(caps.maxModuleBytes + 1), caps)), 'MODULE_TOO_LARGE');
    const funcs = [3, 102, 101, ...new Array<number>(101).fill(0)];
    assert.equal(code(() => prepareModule(mod([1, 4, 1, 0x60, 0, 0], funcs), caps)), 'MODULE_TOO_LARGE');
  });

  it('rejects malformed bytes with INVALID_WASM, never a raw exception', () => {
    const samples = [
      new Uint8Array(0), Uint8Array.from([1, 2, 3]), Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]),
      mod([5, 10, 1]), mod([1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), mod([2, 3, 1, 200, 0]),
    ];
    for (const bytes of samples) assert.equal(code(() => prepareModule(bytes, caps)), 'INVALID_WASM', `bytes ${Array.from(bytes)}`);
  });

  it('survives random corruption of a real module', () => {
    const base = mod([1, 5, 1, 0x60, 1, 0x7e, 0], importMemory(0, 1), memorySection(1, 1, 4));
    for (let i = 0; i < 2000; i++) {
      const bytes = base.slice();
      bytes[8 + Math.floor(Math.random() * (bytes.length - 8))] = Math.floor(Math.random() * 256);
      const result = code(() => prepareModule(bytes, caps));
      assert.ok(['ok', 'INVALID_WASM', 'MEMORY_LIMIT', 'MODULE_TOO_LARGE'].includes(result), result);
    }
  });

  it('reads import signatures', () => {
    const types = [1, 6, 1, 0x60, 2, 0x7e, 0x7f, 0];
    const imports = [2, ...(() => { const b = [1, ...str('extism:host/user'), ...str('f'), 0, 0]; return [b.length, ...b]; })()];
    const info = readModuleInfo(mod(types, imports));
    const f = info.imports[0]!;
    assert.ok(f.kind === 'function');
    if (f.kind === 'function') assert.deepEqual(f.type, { params: ['i64', 'i32'], results: [] });
  });
});
