/**
 * Writing `filestat` structs and setting timestamps, shared by the fd_* and path_* calls.
 * Timestamps the guest reads are coarsened like the clocks: a freshly written file's mtime would
 * otherwise be a nanosecond timer.
 */
import type { BigIntStats, Dirent } from 'node:fs';
import { FileType, FstFlags, Size } from './abi.js';
import type { Clocks } from './clocks.js';
import { Errno, fail } from './errno.js';
import type { GuestView } from './memory.js';

/** The WASI file type of a stat result or directory entry. */
export function fileTypeOf(st: BigIntStats | Dirent): number {
  if (st.isFile()) return FileType.REGULAR_FILE;
  if (st.isDirectory()) return FileType.DIRECTORY;
  if (st.isSymbolicLink()) return FileType.SYMBOLIC_LINK;
  if (st.isCharacterDevice()) return FileType.CHARACTER_DEVICE;
  if (st.isBlockDevice()) return FileType.BLOCK_DEVICE;
  if (st.isSocket()) return FileType.SOCKET_STREAM;
  return FileType.UNKNOWN;
}

/** Writes a `filestat` at `ptr`; `st` null means a stdio stream (a character device, all zero). */
export function writeFilestat(v: GuestView, ptr: number, st: BigIntStats | null, clocks: Clocks): void {
  v.zero(ptr, Size.FILESTAT);
  if (st === null) {
    v.setU8(ptr + 16, FileType.CHARACTER_DEVICE);
    return;
  }
  v.setU64(ptr, st.dev);
  v.setU64(ptr + 8, st.ino);
  v.setU8(ptr + 16, fileTypeOf(st));
  v.setU64(ptr + 24, st.nlink);
  v.setU64(ptr + 32, st.size);
  v.setU64(ptr + 40, clocks.coarsen(st.atimeNs));
  v.setU64(ptr + 48, clocks.coarsen(st.mtimeNs));
  v.setU64(ptr + 56, clocks.coarsen(st.ctimeNs));
}

/**
 * Computes the (atime, mtime) pair, in seconds as Node's utimes wants, for a `*_set_times` call.
 * Asking for both a value and "now" for the same timestamp is EINVAL, as the spec says.
 */
export function newTimes(
  flags: number, atim: bigint, mtim: bigint, current: () => BigIntStats,
): [number, number] {
  const f = flags >>> 0;
  if (f & ~0xf) fail(Errno.INVAL);
  if ((f & FstFlags.ATIM) && (f & FstFlags.ATIM_NOW)) fail(Errno.INVAL);
  if ((f & FstFlags.MTIM) && (f & FstFlags.MTIM_NOW)) fail(Errno.INVAL);
  const now = Date.now() / 1000;
  let st: BigIntStats | undefined;
  const pick = (set: number, setNow: number, value: bigint, keep: (s: BigIntStats) => bigint): number => {
    if (f & setNow) return now;
    if (f & set) return nsToSeconds(BigInt.asUintN(64, value));
    st ??= current();
    return nsToSeconds(keep(st));
  };
  return [
    pick(FstFlags.ATIM, FstFlags.ATIM_NOW, atim, (s) => s.atimeNs),
    pick(FstFlags.MTIM, FstFlags.MTIM_NOW, mtim, (s) => s.mtimeNs),
  ];
}

function nsToSeconds(ns: bigint): number {
  return Number(ns / 1_000_000n) / 1000;
}
