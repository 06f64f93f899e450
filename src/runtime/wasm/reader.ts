/**
 * A bounds-checked cursor over WebAssembly binary bytes. Every read that would run past the end,
 * or a LEB128 that is too long, throws INVALID_WASM: untrusted bytes never cause an exception of
 * any other kind.
 */
import { WardenError } from '../../errors.js';

export class Reader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(what: string): never {
    throw new WardenError('INVALID_WASM', `malformed module: ${what} at byte ${this.pos}`, {
      data: { offset: this.pos },
    });
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('unexpected end');
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128 up to 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      if (shift === 28 && b > 0x0f) this.fail('u32 out of range');
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }

  /** Unsigned LEB128 up to 64 bits, as a bigint (memory64 limits). */
  u64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      if (shift > 63n) this.fail('u64 out of range');
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) this.fail('length past end');
    this.pos += n;
  }

  /** A length-prefixed UTF-8 name (import/export names). */
  name(): string {
    const len = this.u32();
    const start = this.pos;
    this.skip(len);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(start, start + len));
    } catch {
      return this.fail('name is not valid UTF-8');
    }
  }
}

/** Encodes an unsigned LEB128. */
export function encodeU32(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}
