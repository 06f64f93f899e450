/**
 * Access to Warden's kernel (kernel.wat) from JavaScript, used on both sides of the worker
 * boundary: the worker links the guest-facing exports into the plugin, and both threads use the
 * `warden_*` exports to move bytes in and out. One implementation of block reads and writes.
 */
import { readFileSync } from 'node:fs';

/** The kernel functions a plugin may import from `extism:host/env`, linked wasm-to-wasm. */
export const KERNEL_FUNCTIONS = new Set([
  'alloc', 'free', 'length', 'length_unsafe', 'load_u8', 'load_u64', 'store_u8', 'store_u64',
  'input_offset', 'input_length', 'input_load_u8', 'input_load_u64', 'output_set', 'error_set', 'error_get',
]);

/** Why the kernel trapped, from `warden_fault()`. */
export const KERNEL_FAULTS: Record<number, string> = {
  1: 'load from kernel memory out of bounds',
  2: 'store to kernel memory out of bounds',
  3: 'output_set with a handle that is not an allocated block, or a length past its end',
  4: 'error_set with a handle that is not an allocated block',
};

/** The host-facing exports of the kernel. */
export interface KernelExports {
  warden_reset(): void;
  warden_alloc(n: number): number;
  warden_input_set(p: number, n: number): void;
  warden_length(p: number): number;
  warden_output_offset(): number;
  warden_output_length(): number;
  warden_error(): number;
  warden_fault(): number;
  warden_fault_arg(): bigint;
  warden_alloc_failed(): number;
}

let compiled: WebAssembly.Module | undefined;

/** The kernel module, compiled once per thread. */
export function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('./kernel.wasm', import.meta.url)));
  return compiled;
}

/** The largest kernel memory a plugin may use: wasm32 addresses 4 GiB, handles must fit in u32. */
export const KERNEL_MAX_PAGES = 65536;

/** Creates the shared kernel memory for one instance. */
export function createKernelMemory(maxBytes: number): WebAssembly.Memory {
  const maximum = Math.max(2, Math.min(KERNEL_MAX_PAGES, Math.ceil(maxBytes / 65536)));
  return new WebAssembly.Memory({ initial: 1, maximum, shared: true });
}

/** A kernel instance plus its memory, with block-level reads and writes. */
export class Kernel {
  readonly exports: KernelExports & Record<string, WebAssembly.ExportValue>;

  constructor(
    module: WebAssembly.Module,
    readonly memory: WebAssembly.Memory,
  ) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.exports = instance.exports as KernelExports & Record<string, WebAssembly.ExportValue>;
  }

  /** A copy of the block at `handle`, or null when the handle is not an allocated block. */
  read(handle: bigint | number): Uint8Array | null {
    const p = typeof handle === 'bigint' ? toAddress(handle) : handle;
    if (p <= 0) return null;
    const n = this.exports.warden_length(p);
    if (n < 0) return null;
    return new Uint8Array(this.memory.buffer, p, n).slice();
  }

  /** Copies `bytes` into a new block; returns its address, or 0 when the kernel memory is full. */
  store(bytes: Uint8Array): number {
    if (bytes.length === 0) {
      // A zero-length value still needs a handle that `length` answers 0 for; a 1-byte block
      // would lie, so empty values are stored as 0 ("none"), as Extism does for alloc(0).
      return 0;
    }
    const p = this.exports.warden_alloc(bytes.length);
    if (p === 0) return 0;
    new Uint8Array(this.memory.buffer, p, bytes.length).set(bytes);
    return p;
  }

  /** A copy of `length` bytes at `offset`, bounds-checked against the memory. */
  slice(offset: number, length: number): Uint8Array | null {
    const buffer = this.memory.buffer;
    if (offset < 0 || length < 0 || offset + length > buffer.byteLength) return null;
    return new Uint8Array(buffer, offset, length).slice();
  }
}

/** Kernel handles are i64 on the wire but the kernel memory is wasm32: anything else is invalid. */
export function toAddress(handle: bigint): number {
  return handle > 0n && handle < 0x1_0000_0000n ? Number(handle) : -1;
}
