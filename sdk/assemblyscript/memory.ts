// Moving bytes between the plugin's memory and the host's kernel memory, eight bytes per call
// where it can. Blocks the SDK hands to the host are its own and are freed once the host
// function returns; blocks the host returns are read once and freed.
import * as env from "./env";


/** Copies `n` bytes at plugin address `src` into a new kernel block; 0 when `n` is 0. */
export function storeRaw(src: usize, n: u64): u64 {
  if (n == 0) return 0;
  const h = env.alloc(n);
  let k: u64 = 0;
  while (k + 8 <= n) {
    env.store_u64(h + k, load<u64>(src + <usize>k));
    k += 8;
  }
  while (k < n) {
    env.store_u8(h + k, <u32>load<u8>(src + <usize>k));
    k += 1;
  }
  return h;
}

/** A kernel block holding `data` (0 when empty). */
export function allocBytes(data: Uint8Array): u64 {
  return storeRaw(data.dataStart, <u64>data.length);
}

/** A kernel block holding `text` as UTF-8 (0 when empty). */
export function allocString(text: string): u64 {
  return allocBytes(Uint8Array.wrap(String.UTF8.encode(text)));
}

/** Copies kernel block `h` into a new array; handle 0 reads as empty. */
export function readBytes(h: u64): Uint8Array {
  if (h == 0) return new Uint8Array(0);
  const n = env.length(h);
  const out = new Uint8Array(<i32>n);
  const dst = out.dataStart;
  let k: u64 = 0;
  while (k + 8 <= n) {
    store<u64>(dst + <usize>k, env.load_u64(h + k));
    k += 8;
  }
  while (k < n) {
    store<u8>(dst + <usize>k, <u8>env.load_u8(h + k));
    k += 1;
  }
  return out;
}

/** `data` decoded as UTF-8. */
export function utf8(data: Uint8Array): string {
  return String.UTF8.decodeUnsafe(data.dataStart, <usize>data.length);
}

/** `text` encoded as UTF-8. */
export function bytesOf(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

/** Reads and frees a block the host returned; null when the handle is 0. */
export function takeBytes(h: u64): Uint8Array | null {
  if (h == 0) return null;
  const data = readBytes(h);
  env.free(h);
  return data;
}

/** {@link takeBytes} as UTF-8 text. */
export function takeString(h: u64): string | null {
  const data = takeBytes(h);
  return data == null ? null : utf8(data);
}

/** Frees a block the SDK allocated for a host function (0 is ignored). */
export function release(h: u64): void {
  if (h != 0) env.free(h);
}
