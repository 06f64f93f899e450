/**
 * args, environ, random_get, proc_exit/proc_raise and the socket calls. Argument and environment
 * strings are encoded once, when the shim is created; sockets do not exist in this shim, so every
 * socket call fails as it would on a descriptor that is not a socket.
 */
import { webcrypto } from 'node:crypto';
import type { WasiContext, WasiFunctions } from './context.js';
import { Errno } from './errno.js';
import { WasiExit } from './exit.js';
import { encode, type GuestView } from './memory.js';

/** crypto.getRandomValues refuses more than this many bytes per call. */
const RANDOM_CHUNK = 65536;

/**
 * NUL-terminated UTF-8 strings, as `args_get` and `environ_get` lay them out.
 * @throws TypeError if a string holds a NUL byte (or an env name holds `=`): C would cut it short.
 */
export function encodeStrings(values: readonly string[]): Uint8Array[] {
  return values.map((s) => {
    if (s.includes('\0')) throw new TypeError('WASI args and env must not contain NUL characters');
    const bytes = encode(s);
    const out = new Uint8Array(bytes.length + 1);
    out.set(bytes);
    return out;
  });
}

/** `name=value` strings for the environment, in the order given. */
export function environStrings(env: Record<string, string>): string[] {
  return Object.keys(env).map((name) => {
    if (name === '' || name.includes('=')) throw new TypeError('WASI env names must be non-empty and contain no "="');
    return `${name}=${String(env[name])}`;
  });
}

/** The process-level functions, bound to one guest's context. */
export function procImports(ctx: WasiContext, args: Uint8Array[], environ: Uint8Array[]): WasiFunctions {
  const socket = (fd: number): number => {
    ctx.table.get(fd);
    return Errno.NOTSOCK;
  };

  return {
    args_sizes_get: (countPtr: number, sizePtr: number) => sizes(ctx.view(), args, countPtr, sizePtr),
    args_get: (ptrsPtr: number, bufPtr: number) => strings(ctx.view(), args, ptrsPtr, bufPtr),
    environ_sizes_get: (countPtr: number, sizePtr: number) => sizes(ctx.view(), environ, countPtr, sizePtr),
    environ_get: (ptrsPtr: number, bufPtr: number) => strings(ctx.view(), environ, ptrsPtr, bufPtr),

    random_get(ptr: number, len: number): number {
      const v = ctx.view();
      const start = v.check(ptr, len);
      const total = len >>> 0;
      // Filled in a private buffer: getRandomValues rejects views of shared memory.
      const chunk = new Uint8Array(Math.min(total, RANDOM_CHUNK));
      for (let at = 0; at < total; at += RANDOM_CHUNK) {
        const part = chunk.subarray(0, Math.min(RANDOM_CHUNK, total - at));
        webcrypto.getRandomValues(part);
        v.copyIn(start + at, part);
      }
      return Errno.SUCCESS;
    },

    proc_exit(code: number): number {
      throw new WasiExit(code >>> 0);
    },

    // Signals have no meaning here; a guest that wants to die can proc_exit.
    proc_raise: () => Errno.NOSYS,

    sock_accept: (fd: number) => socket(fd),
    sock_recv: (fd: number) => socket(fd),
    sock_send: (fd: number) => socket(fd),
    sock_shutdown: (fd: number) => socket(fd),
  };
}

function sizes(v: GuestView, items: Uint8Array[], countPtr: number, sizePtr: number): number {
  v.check(countPtr, 4);
  v.check(sizePtr, 4);
  let size = 0;
  for (const s of items) size += s.length;
  v.setU32(countPtr, items.length);
  v.setU32(sizePtr, size);
  return Errno.SUCCESS;
}

function strings(v: GuestView, items: Uint8Array[], ptrsPtr: number, bufPtr: number): number {
  let size = 0;
  for (const s of items) size += s.length;
  const ptrs = v.check(ptrsPtr, items.length * 4);
  const buf = v.check(bufPtr, size);
  let at = buf;
  items.forEach((s, i) => {
    v.setU32(ptrs + i * 4, at);
    v.copyIn(at, s);
    at += s.length;
  });
  return Errno.SUCCESS;
}
