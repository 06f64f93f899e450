/**
 * Checked access to guest memory. Every pointer and length the guest passes is validated against
 * the current `memory.buffer.byteLength` before use (EFAULT otherwise), and guest bytes are copied
 * out before the host acts on them, so a guest cannot change them under the host's feet (a shared
 * memory can be written by another thread mid-call).
 */
import { Errno, fail } from './errno.js';
import { Size } from './abi.js';

/** Most iovecs one call may pass (POSIX IOV_MAX on Linux). */
const IOV_MAX = 1024;
/** Longest path the guest may pass, in bytes (PATH_MAX). */
export const PATH_MAX = 4096;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Encodes a string as UTF-8. */
export function encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** One buffer of a scatter/gather list, already validated. */
export interface IoVec {
  ptr: number;
  len: number;
}

/**
 * A view of guest memory for the duration of one WASI call. Built afresh for each call: the
 * memory may have grown since the last one, which detaches the old buffer.
 */
export class GuestView {
  private readonly dv: DataView;
  private readonly u8: Uint8Array;
  private readonly size: number;

  constructor(memory: WebAssembly.Memory) {
    const buffer = memory.buffer;
    this.dv = new DataView(buffer);
    this.u8 = new Uint8Array(buffer);
    this.size = buffer.byteLength;
  }

  /**
   * Throws EFAULT unless `[ptr, ptr + len)` lies inside memory; returns `ptr` as unsigned.
   * `len` is a guest u32 (negative when it came in as a signed i32) or a host-computed size,
   * which may exceed 2^32 and must not wrap.
   */
  check(ptr: number, len: number): number {
    const p = ptr >>> 0;
    if (p + byteLength(len) > this.size) fail(Errno.FAULT);
    return p;
  }

  u8At(ptr: number): number {
    return this.dv.getUint8(this.check(ptr, 1));
  }

  u16At(ptr: number): number {
    return this.dv.getUint16(this.check(ptr, 2), true);
  }

  u32At(ptr: number): number {
    return this.dv.getUint32(this.check(ptr, 4), true);
  }

  u64At(ptr: number): bigint {
    return this.dv.getBigUint64(this.check(ptr, 8), true);
  }

  setU8(ptr: number, value: number): void {
    this.dv.setUint8(this.check(ptr, 1), value);
  }

  setU16(ptr: number, value: number): void {
    this.dv.setUint16(this.check(ptr, 2), value, true);
  }

  setU32(ptr: number, value: number): void {
    this.dv.setUint32(this.check(ptr, 4), value, true);
  }

  setU64(ptr: number, value: bigint): void {
    this.dv.setBigUint64(this.check(ptr, 8), BigInt.asUintN(64, value), true);
  }

  /** Zeroes `[ptr, ptr + len)`, so padding in structs never shows stale guest data. */
  zero(ptr: number, len: number): void {
    const p = this.check(ptr, len);
    this.u8.fill(0, p, p + byteLength(len));
  }

  /** A private copy of guest bytes. */
  copyOut(ptr: number, len: number): Uint8Array {
    const p = this.check(ptr, len);
    return this.u8.slice(p, p + byteLength(len));
  }

  /** Writes host bytes into guest memory. */
  copyIn(ptr: number, bytes: Uint8Array): void {
    const p = this.check(ptr, bytes.length);
    this.u8.set(bytes, p);
  }

  /** Reads and validates an iovec/ciovec array, including every buffer it points to. */
  iovecs(ptr: number, count: number): IoVec[] {
    const n = count >>> 0;
    if (n > IOV_MAX) fail(Errno.INVAL);
    const base = this.check(ptr, n * Size.IOVEC);
    const out: IoVec[] = [];
    for (let i = 0; i < n; i++) {
      const bufPtr = this.dv.getUint32(base + i * Size.IOVEC, true);
      const bufLen = this.dv.getUint32(base + i * Size.IOVEC + 4, true);
      this.check(bufPtr, bufLen);
      out.push({ ptr: bufPtr, len: bufLen });
    }
    return out;
  }

  /** Copies the bytes of a ciovec list into one private buffer, at most `cap` bytes of it. */
  gather(iovs: IoVec[], cap: number): Uint8Array {
    let total = 0;
    for (const v of iovs) total += v.len;
    const out = new Uint8Array(Math.min(total, cap));
    let at = 0;
    for (const v of iovs) {
      // Empty iovecs are common (musl's stdio sends its empty buffer first): skip, don't stop.
      if (at >= out.length) break;
      const take = Math.min(v.len, out.length - at);
      out.set(this.u8.subarray(v.ptr, v.ptr + take), at);
      at += take;
    }
    return out;
  }

  /** Spreads host bytes over an iovec list; returns how many were written. */
  scatter(iovs: IoVec[], bytes: Uint8Array): number {
    let at = 0;
    for (const v of iovs) {
      if (at >= bytes.length) break;
      const take = Math.min(v.len, bytes.length - at);
      this.u8.set(bytes.subarray(at, at + take), v.ptr);
      at += take;
    }
    return at;
  }

  /** Reads a path argument: UTF-8 (EILSEQ otherwise), no NUL, at most PATH_MAX bytes. */
  path(ptr: number, len: number): string {
    if (len >>> 0 > PATH_MAX) fail(Errno.NAMETOOLONG);
    const bytes = this.copyOut(ptr, len);
    if (bytes.includes(0)) fail(Errno.INVAL);
    try {
      return utf8.decode(bytes);
    } catch {
      return fail(Errno.ILSEQ);
    }
  }
}

/**
 * A length as an unsigned number: a negative i32 from the guest reads as u32; anything that is
 * not an integer (a module importing with a float signature) becomes Infinity, i.e. EFAULT.
 */
function byteLength(len: number): number {
  if (!Number.isInteger(len)) return Infinity;
  return len < 0 ? len + 2 ** 32 : len;
}

/** Sum of the lengths of an iovec list. */
export function totalLength(iovs: IoVec[]): number {
  let total = 0;
  for (const v of iovs) total += v.len;
  return total;
}
