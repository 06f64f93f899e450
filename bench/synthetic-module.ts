/**
 * Modules for start-up measurements: fixtures made unique with a custom section (so no cache of
 * V8's or Warden's sees the same bytes twice), and large synthetic modules, since the fixtures are
 * far smaller than real PDK plugins (hundreds of KiB to several MiB).
 */
import { encodeU32 as leb } from '../src/runtime/wasm/reader.js';

function section(id: number, payload: number[]): number[] {
  return [id, ...leb(payload.length), ...payload];
}

const name = (s: string): number[] => [...leb(s.length), ...Buffer.from(s, 'latin1')];

/** `bytes` followed by a custom section `bench-salt` holding `salt`: same code, other bytes. */
export function withSalt(bytes: Uint8Array, salt: number): Uint8Array {
  const custom = section(0, [...name('bench-salt'), ...leb(salt)]);
  const out = new Uint8Array(bytes.length + custom.length);
  out.set(bytes);
  out.set(custom, bytes.length);
  return out;
}

/**
 * A valid module of `functions` functions `(i32) -> i32`, each `ops` rounds of
 * `local.get; i32.const; i32.add; local.set`, with one memory (no maximum) and one export `run`.
 * 3200 × 40 gives about 1 MiB. `salt` varies the constants.
 */
export function syntheticModule(functions: number, ops: number, salt: number): Uint8Array {
  const body = (f: number): number[] => {
    const code = [0];
    for (let j = 0; j < ops; j++) code.push(0x20, 0, 0x41, ...leb((j * 7 + f + salt) & 0x3fff), 0x6a, 0x21, 0);
    code.push(0x20, 0, 0x0b);
    return [...leb(code.length), ...code];
  };
  const bodies: number[] = [];
  for (let f = 0; f < functions; f++) for (const b of body(f)) bodies.push(b);
  const parts = [
    [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    section(3, [...leb(functions), ...new Array<number>(functions).fill(0)]),
    section(5, [1, 0x00, 1]),
    section(7, [1, ...name('run'), 0x00, 0]),
  ];
  const codeHead = [10, ...leb(leb(functions).length + bodies.length), ...leb(functions)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0) + codeHead.length + bodies.length);
  let at = 0;
  for (const p of [...parts, codeHead, bodies]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
