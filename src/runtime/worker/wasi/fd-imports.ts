/**
 * The fd_* functions that move bytes or positions: read, write, pread, pwrite, seek, tell.
 * stdin is always at EOF; stdout and stderr go to the worker's log; files use positional host
 * I/O (Node has no lseek), so the shim keeps each file's offset itself.
 */
import { fstatSync, readSync, writeSync } from 'node:fs';
import { FdFlags, Rights, Whence } from './abi.js';
import { MAX_IO_BYTES, MAX_OFFSET, toOffset, type WasiContext, type WasiFunctions } from './context.js';
import { Errno, fail } from './errno.js';
import type { FdEntry, FileEntry } from './fd-table.js';
import { totalLength, type GuestView, type IoVec } from './memory.js';

/** The byte-moving fd functions, bound to one guest's context. */
export function fdIoImports(ctx: WasiContext): WasiFunctions {
  const { table } = ctx;

  return {
    fd_read(fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number): number {
      const v = ctx.view();
      const iovs = v.iovecs(iovsPtr, iovsLen);
      v.check(nreadPtr, 4);
      const entry = table.get(fd);
      let n = 0;
      if (entry.kind === 'file') {
        need(entry, Rights.FD_READ);
        n = readAt(v, entry, iovs, entry.position);
        entry.position += n;
      } else if (entry.kind !== 'stdin') {
        fail(entry.kind === 'dir' ? Errno.ISDIR : Errno.BADF);
      }
      v.setU32(nreadPtr, n);
      return Errno.SUCCESS;
    },

    fd_write(fd: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number): number {
      const v = ctx.view();
      const iovs = v.iovecs(iovsPtr, iovsLen);
      v.check(nwrittenPtr, 4);
      const entry = table.get(fd);
      let n: number;
      if (entry.kind === 'stdout' || entry.kind === 'stderr') {
        const bytes = v.gather(iovs, MAX_IO_BYTES);
        if (entry.kind === 'stdout') ctx.io.stdout(bytes);
        else ctx.io.stderr(bytes);
        n = bytes.length;
      } else if (entry.kind === 'file') {
        need(entry, Rights.FD_WRITE);
        const at = (entry.flags & FdFlags.APPEND) !== 0 ? fstatSync(entry.hostFd).size : entry.position;
        n = writeAt(v, entry, iovs, at);
        entry.position = at + n;
      } else {
        return fail(entry.kind === 'dir' ? Errno.ISDIR : Errno.BADF);
      }
      v.setU32(nwrittenPtr, n);
      return Errno.SUCCESS;
    },

    fd_pread(fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nreadPtr: number): number {
      const v = ctx.view();
      const iovs = v.iovecs(iovsPtr, iovsLen);
      v.check(nreadPtr, 4);
      const entry = seekable(table.get(fd), Rights.FD_READ | Rights.FD_SEEK);
      v.setU32(nreadPtr, readAt(v, entry, iovs, toOffset(offset)));
      return Errno.SUCCESS;
    },

    fd_pwrite(fd: number, iovsPtr: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number {
      const v = ctx.view();
      const iovs = v.iovecs(iovsPtr, iovsLen);
      v.check(nwrittenPtr, 4);
      const entry = seekable(table.get(fd), Rights.FD_WRITE | Rights.FD_SEEK);
      v.setU32(nwrittenPtr, writeAt(v, entry, iovs, toOffset(offset, Errno.FBIG)));
      return Errno.SUCCESS;
    },

    fd_seek(fd: number, delta: bigint, whence: number, newOffsetPtr: number): number {
      const v = ctx.view();
      v.check(newOffsetPtr, 8);
      const d = BigInt.asIntN(64, delta);
      // lseek(fd, 0, SEEK_CUR) is how libc asks for the position: FD_TELL is enough for it.
      const right = d === 0n && whence === Whence.CUR ? Rights.FD_TELL : Rights.FD_SEEK;
      const entry = seekable(table.get(fd), right);
      let base: bigint;
      switch (whence) {
        case Whence.SET: base = 0n; break;
        case Whence.CUR: base = BigInt(entry.position); break;
        case Whence.END: base = BigInt(fstatSync(entry.hostFd).size); break;
        default: return fail(Errno.INVAL);
      }
      const next = base + d;
      if (next < 0n || next > MAX_OFFSET) fail(Errno.INVAL);
      entry.position = Number(next);
      v.setU64(newOffsetPtr, next);
      return Errno.SUCCESS;
    },

    fd_tell(fd: number, offsetPtr: number): number {
      const v = ctx.view();
      v.check(offsetPtr, 8);
      const entry = seekable(table.get(fd), Rights.FD_TELL);
      v.setU64(offsetPtr, BigInt(entry.position));
      return Errno.SUCCESS;
    },
  };
}

/** ENOTCAPABLE unless the entry holds every right in `rights`. */
export function need(entry: FdEntry, rights: bigint): void {
  if ((entry.rightsBase & rights) !== rights) fail(Errno.NOTCAPABLE);
}

/** The entry as a file with `rights`; stdio cannot seek (ESPIPE), a directory is EISDIR. */
export function seekable(entry: FdEntry, rights: bigint): FileEntry {
  if (entry.kind === 'dir') fail(Errno.ISDIR);
  if (entry.kind !== 'file') fail(Errno.SPIPE);
  need(entry, rights);
  return entry;
}

// Host reads land in a private buffer first: Node's fs calls should not write into a guest
// memory that another thread may share, and the copy is bounded by MAX_IO_BYTES.
function readAt(v: GuestView, entry: FileEntry, iovs: IoVec[], position: number): number {
  const want = Math.min(totalLength(iovs), MAX_IO_BYTES);
  if (want === 0) return 0;
  const buffer = new Uint8Array(want);
  const got = readSync(entry.hostFd, buffer, 0, want, position);
  return v.scatter(iovs, buffer.subarray(0, got));
}

function writeAt(v: GuestView, entry: FileEntry, iovs: IoVec[], position: number): number {
  const bytes = v.gather(iovs, MAX_IO_BYTES);
  if (bytes.length === 0) return 0;
  if (position + bytes.length > Number.MAX_SAFE_INTEGER) fail(Errno.FBIG);
  return writeSync(entry.hostFd, bytes, 0, bytes.length, position);
}
