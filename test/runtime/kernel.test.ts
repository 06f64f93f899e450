// The kernel (kernel.wat) driven directly: allocator, bounds, faults, reset hygiene.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKernelMemory, Kernel, KERNEL_FAULTS, kernelModule } from '../../src/runtime/kernel/kernel.js';

type Guest = Record<string, (...a: (bigint | number)[]) => bigint | number | undefined>;

function kernel(maxBytes = 1024 * 1024): { k: Kernel; g: Guest } {
  const k = new Kernel(kernelModule(), createKernelMemory(maxBytes));
  k.exports.warden_reset();
  return { k, g: k.exports as unknown as Guest };
}

function fault(fn: () => unknown, k: Kernel): string {
  assert.throws(fn, WebAssembly.RuntimeError);
  return KERNEL_FAULTS[k.exports.warden_fault()] ?? 'none';
}

describe('kernel allocator', () => {
  it('returns 0 for zero-length and impossible allocations', () => {
    const { g } = kernel();
    assert.equal(g.alloc!(0n), 0n);
    assert.equal(g.alloc!(1n << 40n), 0n);
  });

  it('allocates distinct blocks whose length is what was asked', () => {
    const { g } = kernel();
    const a = g.alloc!(5n) as bigint;
    const b = g.alloc!(100n) as bigint;
    assert.ok(a > 0n && b > a + 5n);
    assert.equal(g.length!(a), 5n);
    assert.equal(g.length_unsafe!(b), 100n);
  });

  it('answers 0 for handles that are not blocks', () => {
    const { g } = kernel();
    const a = g.alloc!(16n) as bigint;
    for (const h of [0n, 1n, a + 1n, a + 4096n, 1n << 62n, -1n]) assert.equal(g.length!(h), 0n, `handle ${h}`);
  });

  it('reuses freed blocks and gives the last block back to the bump pointer', () => {
    const { g } = kernel();
    const a = g.alloc!(256n) as bigint;
    g.alloc!(8n);
    g.free!(a);
    assert.equal(g.length!(a), 0n);
    const c = g.alloc!(100n) as bigint;
    assert.ok(c >= a && c < a + 256n, 'the freed block was reused');
    const last = g.alloc!(32n) as bigint;
    g.free!(last);
    assert.equal(g.alloc!(32n), last);
  });

  it('grows memory up to the cap and then fails cleanly', () => {
    const { g } = kernel(4 * 65536);
    assert.ok((g.alloc!(3n * 65536n) as bigint) > 0n);
    assert.equal(g.alloc!(2n * 65536n), 0n);
  });

  it('freeing the input block clears the input length', () => {
    const { k, g } = kernel();
    const p = k.store(new TextEncoder().encode('input'));
    k.exports.warden_input_set(p, 5);
    assert.equal(g.input_length!(), 5n);
    g.free!(BigInt(p));
    assert.equal(g.input_length!(), 0n);
  });
});

describe('kernel bounds and faults', () => {
  it('reads input byte-wise and in u64 chunks, returning 0 past the end', () => {
    const { k, g } = kernel();
    const p = k.store(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    k.exports.warden_input_set(p, 9);
    assert.equal(g.input_load_u64!(0n), 0x0807060504030201n);
    assert.equal(g.input_load_u8!(8n), 9);
    assert.equal(g.input_load_u8!(9n), 0);
    assert.equal(g.input_load_u64!(2n), 0n);
    assert.equal(g.input_load_u64!(-8n), 0n);
  });

  it('faults on loads and stores outside kernel memory', () => {
    const { k, g } = kernel();
    assert.match(fault(() => g.load_u64!(1n << 40n), k), /load/);
    assert.match(fault(() => g.store_u8!(0n, 1), k), /store/);
    assert.match(fault(() => g.store_u64!(65536n * 16n - 4n, 1n), k), /store/);
  });

  it('faults on output_set with a forged handle or a length past the block', () => {
    const { k, g } = kernel();
    const h = g.alloc!(4n) as bigint;
    assert.match(fault(() => g.output_set!(0x7fffffffffffffffn, 5n), k), /output_set/);
    assert.match(fault(() => g.output_set!(h, 1n << 62n), k), /output_set/);
    g.output_set!(h, 4n);
    assert.equal(k.exports.warden_output_length(), 4);
    g.output_set!(0n, 0n);
    assert.equal(k.exports.warden_output_length(), 0);
  });

  it('faults on error_set with a forged handle, accepts 0 to clear', () => {
    const { k, g } = kernel();
    assert.match(fault(() => g.error_set!(12345678n), k), /error_set/);
    const h = g.alloc!(3n) as bigint;
    g.error_set!(h);
    assert.equal(g.error_get!(), h);
    g.error_set!(0n);
    assert.equal(g.error_get!(), 0n);
  });

  it('reset zeroes everything the last call wrote', () => {
    const { k, g } = kernel();
    const h = g.alloc!(64n) as bigint;
    g.store_u64!(h, 0x5ec2e7n);
    g.error_set!(h);
    k.exports.warden_reset();
    assert.equal(g.error_get!(), 0n);
    assert.equal(k.exports.warden_fault(), 0);
    const again = g.alloc!(64n) as bigint;
    assert.equal(again, h);
    assert.equal(g.load_u64!(again), 0n, 'no data leaks from one call to the next');
  });
});
