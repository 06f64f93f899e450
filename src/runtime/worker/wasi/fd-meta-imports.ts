/**
 * The fd_* functions about descriptors themselves rather than their bytes: close, renumber,
 * fdstat, filestat, sizes, times, sync, advise, preopens and directory listing.
 */
import {
  fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync, lstatSync, lutimesSync, readdirSync, statSync,
} from 'node:fs';
import { join } from 'node:path';
import { FdFlags, FileType, Rights, Size } from './abi.js';
import { locateDir, rootOf, toOffset, type WasiContext, type WasiFunctions } from './context.js';
import { Errno, fail } from './errno.js';
import type { DirEntry, FdEntry, ListedEntry } from './fd-table.js';
import { seekable } from './fd-imports.js';
import { encode } from './memory.js';
import { fileTypeOf, newTimes, writeFilestat } from './stat.js';

/** The descriptor-management fd functions, bound to one guest's context. */
export function fdMetaImports(ctx: WasiContext): WasiFunctions {
  const { table } = ctx;

  return {
    fd_close(fd: number): number {
      table.close(fd);
      return Errno.SUCCESS;
    },

    fd_renumber(from: number, to: number): number {
      table.renumber(from, to);
      return Errno.SUCCESS;
    },

    fd_fdstat_get(fd: number, ptr: number): number {
      const v = ctx.view();
      v.check(ptr, Size.FDSTAT);
      const entry = table.get(fd);
      v.zero(ptr, Size.FDSTAT);
      v.setU8(ptr, typeOf(entry));
      v.setU16(ptr + 2, entry.flags);
      v.setU64(ptr + 8, entry.rightsBase);
      v.setU64(ptr + 16, entry.rightsInheriting);
      return Errno.SUCCESS;
    },

    fd_fdstat_set_flags(fd: number, flags: number): number {
      const entry = table.get(fd, Rights.FD_FDSTAT_SET_FLAGS);
      // Only APPEND changes behaviour; NONBLOCK is accepted because nothing here blocks. The
      // sync flags cannot be changed on an open host descriptor from Node.
      if ((flags >>> 0) & ~(FdFlags.APPEND | FdFlags.NONBLOCK)) fail(Errno.NOTSUP);
      entry.flags = flags & (FdFlags.APPEND | FdFlags.NONBLOCK);
      return Errno.SUCCESS;
    },

    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
      const entry = table.get(fd);
      const b = BigInt.asUintN(64, base);
      const i = BigInt.asUintN(64, inheriting);
      // Rights only ever shrink.
      if ((b & ~entry.rightsBase) !== 0n || (i & ~entry.rightsInheriting) !== 0n) fail(Errno.NOTCAPABLE);
      entry.rightsBase = b;
      entry.rightsInheriting = i;
      return Errno.SUCCESS;
    },

    fd_filestat_get(fd: number, ptr: number): number {
      const v = ctx.view();
      v.check(ptr, Size.FILESTAT);
      const entry = table.get(fd, Rights.FD_FILESTAT_GET);
      const st = entry.kind === 'file' ? fstatSync(entry.hostFd, { bigint: true })
        : entry.kind === 'dir' ? statSync(locateDir(ctx, entry).host, { bigint: true })
          : null;
      writeFilestat(v, ptr, st, ctx.clocks);
      return Errno.SUCCESS;
    },

    fd_filestat_set_size(fd: number, size: bigint): number {
      const entry = seekable(table.get(fd), Rights.FD_FILESTAT_SET_SIZE);
      ftruncateSync(entry.hostFd, toOffset(size, Errno.FBIG));
      return Errno.SUCCESS;
    },

    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number): number {
      const entry = table.get(fd, Rights.FD_FILESTAT_SET_TIMES);
      if (entry.kind === 'file') {
        const [a, m] = newTimes(flags, atim, mtim, () => fstatSync(entry.hostFd, { bigint: true }));
        futimesSync(entry.hostFd, a, m);
      } else if (entry.kind === 'dir') {
        const host = locateDir(ctx, entry).host;
        const [a, m] = newTimes(flags, atim, mtim, () => statSync(host, { bigint: true }));
        lutimesSync(host, a, m);
      } else {
        fail(Errno.BADF);
      }
      return Errno.SUCCESS;
    },

    fd_allocate(fd: number, offset: bigint, len: bigint): number {
      const entry = seekable(table.get(fd), Rights.FD_ALLOCATE);
      const end = BigInt.asUintN(64, offset) + BigInt.asUintN(64, len);
      const size = toOffset(end, Errno.FBIG);
      if (fstatSync(entry.hostFd).size < size) ftruncateSync(entry.hostFd, size);
      return Errno.SUCCESS;
    },

    fd_advise(fd: number, _offset: bigint, _len: bigint, advice: number): number {
      seekable(table.get(fd), Rights.FD_ADVISE);
      // Advice is only a hint, and Node cannot pass it on (no posix_fadvise).
      if (advice >>> 0 > 5) fail(Errno.INVAL);
      return Errno.SUCCESS;
    },

    fd_datasync(fd: number): number {
      const entry = table.get(fd, Rights.FD_DATASYNC);
      if (entry.kind === 'file') fdatasyncSync(entry.hostFd);
      else if (entry.kind !== 'dir') fail(Errno.INVAL);
      return Errno.SUCCESS;
    },

    fd_sync(fd: number): number {
      const entry = table.get(fd, Rights.FD_SYNC);
      if (entry.kind === 'file') fsyncSync(entry.hostFd);
      else if (entry.kind !== 'dir') fail(Errno.INVAL);
      return Errno.SUCCESS;
    },

    fd_prestat_get(fd: number, ptr: number): number {
      const v = ctx.view();
      v.check(ptr, Size.PRESTAT);
      const name = preopenName(table.get(fd));
      v.zero(ptr, Size.PRESTAT);
      v.setU32(ptr + 4, name.length);
      return Errno.SUCCESS;
    },

    fd_prestat_dir_name(fd: number, ptr: number, len: number): number {
      const v = ctx.view();
      v.check(ptr, len);
      const name = preopenName(table.get(fd));
      if (len >>> 0 < name.length) fail(Errno.NAMETOOLONG);
      v.copyIn(ptr, name);
      return Errno.SUCCESS;
    },

    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number): number {
      const v = ctx.view();
      const start = v.check(buf, bufLen);
      v.check(usedPtr, 4);
      const dir = table.dir(fd, Rights.FD_READDIR);
      const c = BigInt.asUintN(64, cookie);
      // Snapshot at cookie 0 so later cookies index the same list even if the directory changes.
      if (c === 0n || dir.listing === null) dir.listing = listDirectory(ctx, dir);
      const cap = bufLen >>> 0;
      let used = 0;
      for (let i = Number(c > BigInt(dir.listing.length) ? dir.listing.length : c); i < dir.listing.length; i++) {
        if (used >= cap) break;
        const item = dir.listing[i] as ListedEntry;
        const record = new Uint8Array(Size.DIRENT + item.name.length);
        const dv = new DataView(record.buffer);
        dv.setBigUint64(0, BigInt(i + 1), true);
        dv.setBigUint64(8, item.ino, true);
        dv.setUint32(16, item.name.length, true);
        dv.setUint8(20, item.type);
        record.set(item.name, Size.DIRENT);
        // A truncated last record tells libc to retry with a bigger buffer, as the spec intends.
        const take = Math.min(record.length, cap - used);
        v.copyIn(start + used, record.subarray(0, take));
        used += take;
      }
      v.setU32(usedPtr, used);
      return Errno.SUCCESS;
    },
  };
}

function typeOf(entry: FdEntry): number {
  switch (entry.kind) {
    case 'file': return FileType.REGULAR_FILE;
    case 'dir': return FileType.DIRECTORY;
    default: return FileType.CHARACTER_DEVICE;
  }
}

/** EBADF for anything but a preopened directory: that is how wasi-libc finds the end of them. */
function preopenName(entry: FdEntry): Uint8Array {
  if (entry.kind !== 'dir' || entry.preopen === null) fail(Errno.BADF);
  return encode(entry.preopen);
}

function listDirectory(ctx: WasiContext, dir: DirEntry): ListedEntry[] {
  const root = rootOf(ctx);
  const host = locateDir(ctx, dir).host;
  const self = statSync(host, { bigint: true }).ino;
  // The root's `..` is shown as the root itself: the host directory above it is not the guest's.
  const parent = dir.parts.length === 0 ? self : statSync(root.hostOf(dir.parts.slice(0, -1)), { bigint: true }).ino;
  const out: ListedEntry[] = [
    { name: encode('.'), type: FileType.DIRECTORY, ino: self },
    { name: encode('..'), type: FileType.DIRECTORY, ino: parent },
  ];
  for (const d of readdirSync(host, { withFileTypes: true })) {
    const ino = lstatSync(join(host, d.name), { bigint: true, throwIfNoEntry: false })?.ino ?? 0n;
    out.push({ name: encode(d.name), type: fileTypeOf(d), ino });
  }
  return out;
}
