/**
 * The path_* functions. Every path goes through {@link SandboxRoot.resolve}, which confines it to
 * the mounted directory; the final component is then used without following links (O_NOFOLLOW,
 * lstat, lutimes) unless the call asked to follow and the resolver already expanded it. The guest
 * can never create a link: path_symlink and path_link are ENOTSUP.
 */
import {
  closeSync, constants, fstatSync, lstatSync, lutimesSync, mkdirSync, openSync, readlinkSync, renameSync,
  rmdirSync, unlinkSync,
} from 'node:fs';
import {
  DIR_RIGHTS, FdFlags, FILE_RIGHTS, LOOKUP_SYMLINK_FOLLOW, OFlags, READ_INTENT, Rights, WRITE_INTENT,
} from './abi.js';
import { rootOf, type WasiContext, type WasiFunctions } from './context.js';
import { Errno, fail } from './errno.js';
import type { DirEntry } from './fd-table.js';
import { encode } from './memory.js';
import type { ResolvedPath } from './sandbox-path.js';
import { newTimes, writeFilestat } from './stat.js';

/** The path functions, bound to one guest's context. */
export function pathImports(ctx: WasiContext): WasiFunctions {
  const { table } = ctx;

  /** Reads the guest path and resolves it below `dir`. */
  const resolve = (dir: DirEntry, ptr: number, len: number, follow: boolean): ResolvedPath =>
    rootOf(ctx).resolve(dir.parts, ctx.view().path(ptr, len), follow);

  return {
    path_open(
      fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
      base: bigint, inheriting: bigint, fdflags: number, openedPtr: number,
    ): number {
      ctx.view().check(openedPtr, 4);
      const dir = table.dir(fd, Rights.PATH_OPEN);
      const o = oflags >>> 0;
      const flags = fdflags >>> 0;
      if (o & ~0xf || flags & ~0x1f) fail(Errno.INVAL);
      if (o & OFlags.CREAT && (dir.rightsBase & Rights.PATH_CREATE_FILE) === 0n) fail(Errno.NOTCAPABLE);
      // New rights never exceed what the directory may hand down.
      const rights = BigInt.asUintN(64, base) & dir.rightsInheriting;
      const inherit = BigInt.asUintN(64, inheriting) & dir.rightsInheriting;
      const write = (rights & WRITE_INTENT) !== 0n || (o & OFlags.TRUNC) !== 0 || (flags & FdFlags.APPEND) !== 0;
      const read = (rights & READ_INTENT) !== 0n;
      table.reserve();

      const target = resolve(dir, pathPtr, pathLen, (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0);
      const st = lstatSync(target.host, { throwIfNoEntry: false });
      let opened: number;
      if (st?.isDirectory()) {
        if (o & OFlags.CREAT && o & OFlags.EXCL) fail(Errno.EXIST);
        if (write || o & OFlags.CREAT) fail(Errno.ISDIR);
        opened = table.add({
          kind: 'dir', parts: target.parts, preopen: null, listing: null,
          rightsBase: rights & DIR_RIGHTS, rightsInheriting: inherit, flags: 0,
        });
      } else {
        if (st !== undefined) {
          if (o & OFlags.CREAT && o & OFlags.EXCL) fail(Errno.EXIST);
          // Only reachable without SYMLINK_FOLLOW: the resolver expands a final link otherwise.
          if (st.isSymbolicLink()) fail(Errno.LOOP);
          if (o & OFlags.DIRECTORY || target.dirOnly) fail(Errno.NOTDIR);
          // FIFOs and devices could block the worker or reach hardware: regular files only.
          if (!st.isFile()) fail(Errno.NOTSUP);
        } else {
          if (!(o & OFlags.CREAT)) fail(Errno.NOENT);
          if (o & OFlags.DIRECTORY) fail(Errno.INVAL);
          if (target.dirOnly) fail(Errno.ISDIR);
        }
        const hostFd = openHostFile(target.host, o, flags, read, write);
        opened = table.add({
          kind: 'file', hostFd, position: 0,
          rightsBase: rights & FILE_RIGHTS, rightsInheriting: inherit,
          flags: flags & (FdFlags.APPEND | FdFlags.NONBLOCK | FdFlags.SYNC | FdFlags.DSYNC | FdFlags.RSYNC),
        });
      }
      ctx.view().setU32(openedPtr, opened);
      return Errno.SUCCESS;
    },

    path_create_directory(fd: number, pathPtr: number, pathLen: number): number {
      const target = resolve(table.dir(fd, Rights.PATH_CREATE_DIRECTORY), pathPtr, pathLen, false);
      if (target.parts.length === 0) fail(Errno.EXIST);
      mkdirSync(target.host);
      return Errno.SUCCESS;
    },

    path_filestat_get(fd: number, lookup: number, pathPtr: number, pathLen: number, ptr: number): number {
      ctx.view().check(ptr, 64);
      const dir = table.dir(fd, Rights.PATH_FILESTAT_GET);
      const target = resolve(dir, pathPtr, pathLen, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0);
      const st = lstatSync(target.host, { bigint: true });
      if (target.dirOnly && !st.isDirectory()) fail(Errno.NOTDIR);
      writeFilestat(ctx.view(), ptr, st, ctx.clocks);
      return Errno.SUCCESS;
    },

    path_filestat_set_times(
      fd: number, lookup: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, flags: number,
    ): number {
      const dir = table.dir(fd, Rights.PATH_FILESTAT_SET_TIMES);
      const target = resolve(dir, pathPtr, pathLen, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0);
      const [a, m] = newTimes(flags, atim, mtim, () => lstatSync(target.host, { bigint: true }));
      // lutimes: when the guest did not ask to follow, a final link is changed, not its target.
      lutimesSync(target.host, a, m);
      return Errno.SUCCESS;
    },

    path_readlink(fd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, usedPtr: number): number {
      const v = ctx.view();
      v.check(buf, bufLen);
      v.check(usedPtr, 4);
      const target = resolve(table.dir(fd, Rights.PATH_READLINK), pathPtr, pathLen, false);
      const shown = encode(rootOf(ctx).guestLinkTarget(target.parts, readlinkSync(target.host, 'utf8')));
      const n = Math.min(shown.length, bufLen >>> 0);
      v.copyIn(buf, shown.subarray(0, n));
      v.setU32(usedPtr, n);
      return Errno.SUCCESS;
    },

    path_remove_directory(fd: number, pathPtr: number, pathLen: number): number {
      const target = resolve(table.dir(fd, Rights.PATH_REMOVE_DIRECTORY), pathPtr, pathLen, false);
      if (target.parts.length === 0) fail(Errno.BUSY);
      rmdirSync(target.host);
      return Errno.SUCCESS;
    },

    path_rename(fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
      const from = resolve(table.dir(fd, Rights.PATH_RENAME_SOURCE), oldPtr, oldLen, false);
      const to = resolve(table.dir(newFd, Rights.PATH_RENAME_TARGET), newPtr, newLen, false);
      if (from.parts.length === 0 || to.parts.length === 0) fail(Errno.BUSY);
      renameSync(from.host, to.host);
      return Errno.SUCCESS;
    },

    path_unlink_file(fd: number, pathPtr: number, pathLen: number): number {
      const target = resolve(table.dir(fd, Rights.PATH_UNLINK_FILE), pathPtr, pathLen, false);
      if (target.parts.length === 0) fail(Errno.ISDIR);
      if (target.dirOnly) fail(lstatSync(target.host).isDirectory() ? Errno.ISDIR : Errno.NOTDIR);
      unlinkSync(target.host);
      return Errno.SUCCESS;
    },

    // New links would let a guest alias files or point outside the root: refused outright.
    path_symlink(_oldPtr: number, _oldLen: number, fd: number): number {
      table.dir(fd);
      return Errno.NOTSUP;
    },

    path_link(oldFd: number, _flags: number, _oldPtr: number, _oldLen: number, newFd: number): number {
      table.dir(oldFd);
      table.dir(newFd);
      return Errno.NOTSUP;
    },
  };
}

/**
 * Opens a regular file. O_NOFOLLOW always: the resolver has already expanded a link the guest
 * wanted followed, so a link found here now was swapped in after the check. O_NONBLOCK so that a
 * FIFO swapped in the same way cannot block the worker in open().
 */
function openHostFile(host: string, oflags: number, fdflags: number, read: boolean, write: boolean): number {
  let flags = constants.O_NOFOLLOW | constants.O_NONBLOCK;
  flags |= read && write ? constants.O_RDWR : write ? constants.O_WRONLY : constants.O_RDONLY;
  if (oflags & OFlags.CREAT) flags |= constants.O_CREAT;
  if (oflags & OFlags.EXCL) flags |= constants.O_EXCL;
  if (oflags & OFlags.TRUNC) flags |= constants.O_TRUNC;
  if (fdflags & FdFlags.SYNC) flags |= constants.O_SYNC;
  if (fdflags & FdFlags.DSYNC) flags |= constants.O_DSYNC;
  const hostFd = openSync(host, flags, 0o666);
  try {
    if (!fstatSync(hostFd).isFile()) fail(Errno.NOTSUP);
  } catch (e) {
    closeSync(hostFd);
    throw e;
  }
  return hostFd;
}
