/**
 * CRC-32 (the zip and gzip checksum). Node ≥ 20.15 has `zlib.crc32`; older 20.x releases get the
 * table-driven version below, which gives the same values.
 */
import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * The CRC-32 of `data`, continuing from `value` (the CRC of the bytes before it).
 *
 * @example crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export function crc32(data: Uint8Array, value = 0): number {
  // zlib answers crc32(value, NULL, 0) with 0, and an empty view may have no backing store.
  if (data.length === 0) return value;
  return native ? native(data, value) : tableCrc32(data, value);
}

/** The portable implementation, exported so that a test can compare it with `zlib.crc32`. */
export { tableCrc32 };
