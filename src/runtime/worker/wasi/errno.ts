/**
 * WASI preview 1 errno values and the one place where host failures become them. The guest only
 * ever sees a number: host error messages carry paths and would leak them (THREATS.md #16).
 */

/** The errno values this shim returns (a subset of `wasi_snapshot_preview1` `errno`). */
export const Errno = {
  SUCCESS: 0,
  TOOBIG: 1,
  ACCES: 2,
  AGAIN: 6,
  BADF: 8,
  BUSY: 10,
  EXIST: 20,
  FAULT: 21,
  FBIG: 22,
  ILSEQ: 25,
  INTR: 27,
  INVAL: 28,
  IO: 29,
  ISDIR: 31,
  LOOP: 32,
  MFILE: 33,
  MLINK: 34,
  NAMETOOLONG: 37,
  NFILE: 41,
  NODEV: 43,
  NOENT: 44,
  NOMEM: 48,
  NOSPC: 51,
  NOSYS: 52,
  NOTDIR: 54,
  NOTEMPTY: 55,
  NOTSOCK: 57,
  NOTSUP: 58,
  NXIO: 60,
  OVERFLOW: 61,
  PERM: 63,
  PIPE: 64,
  ROFS: 69,
  SPIPE: 70,
  TXTBSY: 74,
  XDEV: 75,
  NOTCAPABLE: 76,
} as const;

/**
 * Thrown inside the shim to abandon a call with an errno; the import wrapper turns it into the
 * return value. Deliberately carries no message: nothing about the host may reach the guest.
 */
export class WasiErrno extends Error {
  constructor(readonly errno: number) {
    super();
    this.name = 'WasiErrno';
  }
}

/** Shorthand for `throw new WasiErrno(errno)` usable in expression position. */
export function fail(errno: number): never {
  throw new WasiErrno(errno);
}

// Node's error codes (libuv names) mapped to WASI. A Map, not an object, so an odd `code` string
// can never hit an inherited property.
const FROM_NODE = new Map<string, number>([
  ['E2BIG', Errno.TOOBIG],
  ['EACCES', Errno.ACCES],
  ['EAGAIN', Errno.AGAIN],
  ['EBADF', Errno.BADF],
  ['EBUSY', Errno.BUSY],
  ['EEXIST', Errno.EXIST],
  ['EFBIG', Errno.FBIG],
  ['EINTR', Errno.INTR],
  ['EINVAL', Errno.INVAL],
  ['EIO', Errno.IO],
  ['EISDIR', Errno.ISDIR],
  ['ELOOP', Errno.LOOP],
  ['EMFILE', Errno.MFILE],
  ['EMLINK', Errno.MLINK],
  ['ENAMETOOLONG', Errno.NAMETOOLONG],
  ['ENFILE', Errno.NFILE],
  ['ENODEV', Errno.NODEV],
  ['ENOENT', Errno.NOENT],
  ['ENOMEM', Errno.NOMEM],
  ['ENOSPC', Errno.NOSPC],
  ['ENOSYS', Errno.NOSYS],
  ['ENOTDIR', Errno.NOTDIR],
  ['ENOTEMPTY', Errno.NOTEMPTY],
  ['ENOTSUP', Errno.NOTSUP],
  ['EOPNOTSUPP', Errno.NOTSUP],
  ['ENXIO', Errno.NXIO],
  ['EOVERFLOW', Errno.OVERFLOW],
  ['EPERM', Errno.PERM],
  ['EPIPE', Errno.PIPE],
  ['EROFS', Errno.ROFS],
  ['ESPIPE', Errno.SPIPE],
  ['ETXTBSY', Errno.TXTBSY],
  ['EXDEV', Errno.XDEV],
]);

/**
 * Maps anything thrown inside the shim to an errno. Unknown failures become EIO rather than
 * escaping: a JS exception thrown into the guest could be caught there and leak its message.
 */
export function toErrno(error: unknown): number {
  if (error instanceof WasiErrno) return error.errno;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return FROM_NODE.get(error.code) ?? Errno.IO;
  }
  return Errno.IO;
}
