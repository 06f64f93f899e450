/**
 * Numeric constants of the `wasi_snapshot_preview1` ABI that the shim needs: file types, rights,
 * flag bits and the layouts of the structs it reads or writes (checked against wasi-libc's
 * `wasi/api.h` static asserts).
 */

/** `filetype` values. */
export const FileType = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;

/** `rights` bits (u64, kept as bigint because the guest passes them as i64). */
export const Rights = {
  FD_DATASYNC: 1n << 0n,
  FD_READ: 1n << 1n,
  FD_SEEK: 1n << 2n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n,
  FD_TELL: 1n << 5n,
  FD_WRITE: 1n << 6n,
  FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n,
  PATH_CREATE_DIRECTORY: 1n << 9n,
  PATH_CREATE_FILE: 1n << 10n,
  PATH_LINK_SOURCE: 1n << 11n,
  PATH_LINK_TARGET: 1n << 12n,
  PATH_OPEN: 1n << 13n,
  FD_READDIR: 1n << 14n,
  PATH_READLINK: 1n << 15n,
  PATH_RENAME_SOURCE: 1n << 16n,
  PATH_RENAME_TARGET: 1n << 17n,
  PATH_FILESTAT_GET: 1n << 18n,
  PATH_FILESTAT_SET_SIZE: 1n << 19n,
  PATH_FILESTAT_SET_TIMES: 1n << 20n,
  FD_FILESTAT_GET: 1n << 21n,
  FD_FILESTAT_SET_SIZE: 1n << 22n,
  FD_FILESTAT_SET_TIMES: 1n << 23n,
  PATH_SYMLINK: 1n << 24n,
  PATH_REMOVE_DIRECTORY: 1n << 25n,
  PATH_UNLINK_FILE: 1n << 26n,
  POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n,
  SOCK_ACCEPT: 1n << 29n,
} as const;

const R = Rights;

/** Rights that make sense on a regular file. */
export const FILE_RIGHTS =
  R.FD_DATASYNC | R.FD_READ | R.FD_SEEK | R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_TELL |
  R.FD_WRITE | R.FD_ADVISE | R.FD_ALLOCATE | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_SIZE |
  R.FD_FILESTAT_SET_TIMES | R.POLL_FD_READWRITE;

/**
 * Rights that make sense on a directory. Link and symlink rights are left out on purpose: the
 * shim refuses to create links whatever the rights say.
 */
export const DIR_RIGHTS =
  R.FD_FDSTAT_SET_FLAGS | R.FD_SYNC | R.FD_ADVISE | R.PATH_CREATE_DIRECTORY |
  R.PATH_CREATE_FILE | R.PATH_OPEN | R.FD_READDIR | R.PATH_READLINK | R.PATH_RENAME_SOURCE |
  R.PATH_RENAME_TARGET | R.PATH_FILESTAT_GET | R.PATH_FILESTAT_SET_SIZE |
  R.PATH_FILESTAT_SET_TIMES | R.FD_FILESTAT_GET | R.FD_FILESTAT_SET_TIMES |
  R.PATH_REMOVE_DIRECTORY | R.PATH_UNLINK_FILE;

/** What a directory may hand down to what is opened beneath it. */
export const INHERITABLE_RIGHTS = FILE_RIGHTS | DIR_RIGHTS;

/** Rights whose presence in `path_open` means the caller wants to write. */
export const WRITE_INTENT = R.FD_WRITE | R.FD_DATASYNC | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE;

/** Rights whose presence in `path_open` means the caller wants to read. */
export const READ_INTENT = R.FD_READ | R.FD_READDIR;

/** `fdflags` bits. */
export const FdFlags = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;

/** `oflags` bits of `path_open`. */
export const OFlags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;

/** `lookupflags` bits. */
export const LOOKUP_SYMLINK_FOLLOW = 1;

/** `fstflags` bits of the `*_set_times` calls. */
export const FstFlags = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;

/** `whence` values of `fd_seek`. */
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;

/** `clockid` values. */
export const ClockId = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME: 2, THREAD_CPUTIME: 3 } as const;

/** `eventtype` values (also the subscription tags). */
export const EventType = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;

/** `subclockflags`: the timeout is an absolute time on the clock. */
export const SUBSCRIPTION_CLOCK_ABSTIME = 1;

/** `eventrwflags`: the peer hung up (used for stdin, which is always at EOF). */
export const EVENT_FD_READWRITE_HANGUP = 1;

/** Byte sizes of the structs the shim reads or writes. */
export const Size = {
  IOVEC: 8,
  FDSTAT: 24,
  FILESTAT: 64,
  PRESTAT: 8,
  DIRENT: 24,
  SUBSCRIPTION: 48,
  EVENT: 32,
} as const;
