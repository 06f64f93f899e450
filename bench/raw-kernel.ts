/**
 * The benchmark's floor: an Extism-ABI plugin instantiated on the main thread with a minimal
 * JavaScript kernel (a bump allocator over one ArrayBuffer) and its export called directly.
 * No worker, no limits, no copying beyond what the ABI itself needs — no isolation at all.
 */

const ENV = 'extism:host/env';

/** Host functions for `extism:host/user`, called synchronously (no JSPI on Node 20). */
export type RawHostFunctions = Record<string, (...args: bigint[]) => bigint | void>;

export class RawPlugin {
  #buf: ArrayBuffer;
  #u8: Uint8Array;
  #dv: DataView;
  /** Next free offset; offset 0 is never handed out so handle 0 stays "none". */
  #top = 8;
  readonly #lengths = new Map<number, number>();
  #inputOff = 0;
  #inputLen = 0;
  #output: Uint8Array | null = null;
  #error: string | null = null;
  readonly #instance: WebAssembly.Instance;

  private constructor(module: WebAssembly.Module, user: RawHostFunctions) {
    this.#buf = new ArrayBuffer(1 << 20);
    this.#u8 = new Uint8Array(this.#buf);
    this.#dv = new DataView(this.#buf);
    const env = this.#env();
    const imports: WebAssembly.Imports = { [ENV]: env, 'extism:host/user': user };
    this.#instance = new WebAssembly.Instance(module, imports);
  }

  /** Compiles and instantiates `bytes` (asynchronous compile, like the other runtimes). */
  static async load(bytes: Uint8Array<ArrayBuffer>, user: RawHostFunctions = {}): Promise<RawPlugin> {
    const module = await WebAssembly.compile(bytes);
    return new RawPlugin(module, user);
  }

  #alloc(n: number): number {
    const off = this.#top;
    const end = off + n;
    if (end > this.#buf.byteLength) {
      let size = this.#buf.byteLength * 2;
      while (size < end) size *= 2;
      const next = new ArrayBuffer(size);
      new Uint8Array(next).set(this.#u8);
      this.#buf = next;
      this.#u8 = new Uint8Array(next);
      this.#dv = new DataView(next);
    }
    this.#top = (end + 7) & ~7;
    this.#lengths.set(off, n);
    return off;
  }

  #env(): Record<string, (...args: never[]) => unknown> {
    const text = (h: bigint): string => {
      const off = Number(h);
      const n = this.#lengths.get(off) ?? 0;
      return new TextDecoder().decode(this.#u8.subarray(off, off + n));
    };
    return {
      alloc: (n: bigint) => BigInt(this.#alloc(Number(n))),
      free: () => {},
      length: (h: bigint) => BigInt(this.#lengths.get(Number(h)) ?? 0),
      length_unsafe: (h: bigint) => BigInt(this.#lengths.get(Number(h)) ?? 0),
      load_u8: (h: bigint) => this.#u8[Number(h)]!,
      load_u64: (h: bigint) => this.#dv.getBigUint64(Number(h), true),
      store_u8: (h: bigint, v: number) => { this.#u8[Number(h)] = v; },
      store_u64: (h: bigint, v: bigint) => { this.#dv.setBigUint64(Number(h), v, true); },
      input_offset: () => BigInt(this.#inputOff),
      input_length: () => BigInt(this.#inputLen),
      input_load_u8: (i: bigint) => this.#u8[this.#inputOff + Number(i)]!,
      input_load_u64: (i: bigint) => this.#dv.getBigUint64(this.#inputOff + Number(i), true),
      output_set: (h: bigint, n: bigint) => {
        const off = Number(h);
        this.#output = this.#u8.slice(off, off + Number(n));
      },
      error_set: (h: bigint) => { this.#error = text(h); },
      error_get: () => 0n,
      config_get: () => 0n,
      var_get: () => 0n,
      var_set: () => {},
      http_request: () => 0n,
      http_status_code: () => 0,
      http_headers: () => 0n,
      log_trace: () => {},
      log_debug: () => {},
      log_info: () => {},
      log_warn: () => {},
      log_error: () => {},
      get_log_level: () => 4,
    };
  }

  /** Calls export `name` with `input`; returns the output (null when none). Throws on failure. */
  call(name: string, input: Uint8Array): Uint8Array | null {
    const fn = this.#instance.exports[name] as (() => number) | undefined;
    if (typeof fn !== 'function') throw new Error(`raw: no export ${name}`);
    this.#top = 8;
    this.#lengths.clear();
    this.#output = null;
    this.#error = null;
    this.#inputLen = input.length;
    this.#inputOff = this.#alloc(input.length);
    this.#u8.set(input, this.#inputOff);
    const rc = fn();
    if (rc !== 0 || this.#error !== null) throw new Error(`raw: ${name} failed (rc ${rc}): ${this.#error ?? ''}`);
    return this.#output;
  }
}
