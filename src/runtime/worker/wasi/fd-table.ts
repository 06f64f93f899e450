/**
 * The guest's file descriptor table. A Map keyed by number (never an object keyed by guest data),
 * capped so a guest cannot exhaust the process's host descriptors.
 */
import { closeSync } from 'node:fs';
import { Errno, fail } from './errno.js';
import { DIR_RIGHTS, INHERITABLE_RIGHTS, Rights } from './abi.js';

/** Most descriptors one guest may hold open at once, stdio and the preopen included. */
export const MAX_OPEN_FDS = 128;

interface EntryBase {
  rightsBase: bigint;
  rightsInheriting: bigint;
  /** `fdflags` as last set by the guest (only APPEND changes behaviour). */
  flags: number;
}

/** fd 0-2: stdin reads as EOF, stdout and stderr go to the worker's log. */
export interface StdioEntry extends EntryBase {
  kind: 'stdin' | 'stdout' | 'stderr';
}

/** An open regular file inside the mounted directory. */
export interface FileEntry extends EntryBase {
  kind: 'file';
  hostFd: number;
  /** The guest's file offset; Node has no lseek, so all I/O is positional. */
  position: number;
}

/** One name of a directory listing, as `fd_readdir` reports it. */
export interface ListedEntry {
  name: Uint8Array;
  type: number;
  ino: bigint;
}

/**
 * An open directory. It holds no host descriptor: Node has no `openat`, so every use re-resolves
 * `parts` from the root with the same confinement checks as a fresh path.
 */
export interface DirEntry extends EntryBase {
  kind: 'dir';
  /** Real path components below the mounted root (empty for the root itself). */
  parts: string[];
  /** Name the guest sees in `fd_prestat_dir_name`, or null if not a preopen. */
  preopen: string | null;
  /** Snapshot taken by `fd_readdir` at cookie 0 so that later cookies stay consistent. */
  listing: ListedEntry[] | null;
}

/** Anything a guest fd can refer to. */
export type FdEntry = StdioEntry | FileEntry | DirEntry;

const STDIN_RIGHTS = Rights.FD_READ | Rights.POLL_FD_READWRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET;
// No FD_SEEK/FD_TELL: wasi-libc then treats stdout as a tty and line-buffers it, which keeps
// log lines whole.
const STDOUT_RIGHTS = Rights.FD_WRITE | Rights.POLL_FD_READWRITE | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET;

/** The descriptor table of one guest instance. */
export class FdTable {
  private readonly fds = new Map<number, FdEntry>();

  constructor(preopenParts: string[] | null) {
    this.fds.set(0, { kind: 'stdin', rightsBase: STDIN_RIGHTS, rightsInheriting: 0n, flags: 0 });
    this.fds.set(1, { kind: 'stdout', rightsBase: STDOUT_RIGHTS, rightsInheriting: 0n, flags: 0 });
    this.fds.set(2, { kind: 'stderr', rightsBase: STDOUT_RIGHTS, rightsInheriting: 0n, flags: 0 });
    if (preopenParts !== null) {
      this.fds.set(3, {
        kind: 'dir', parts: preopenParts, preopen: '/', listing: null,
        rightsBase: DIR_RIGHTS, rightsInheriting: INHERITABLE_RIGHTS, flags: 0,
      });
    }
  }

  /** The entry for `fd`: EBADF if none, ENOTCAPABLE if it lacks any of `rights`. */
  get(fd: number, rights: bigint = 0n): FdEntry {
    const entry = this.fds.get(fd >>> 0) ?? fail(Errno.BADF);
    if ((entry.rightsBase & rights) !== rights) fail(Errno.NOTCAPABLE);
    return entry;
  }

  /** Like {@link get} for calls that need a directory (ENOTDIR otherwise). */
  dir(fd: number, rights: bigint = 0n): DirEntry {
    const entry = this.get(fd, rights);
    return entry.kind === 'dir' ? entry : fail(Errno.NOTDIR);
  }

  /** Throws EMFILE if one more descriptor would pass the cap. Call before opening host files. */
  reserve(): void {
    if (this.fds.size >= MAX_OPEN_FDS) fail(Errno.MFILE);
  }

  /** Installs `entry` at the lowest free number (as POSIX does) and returns that number. */
  add(entry: FdEntry): number {
    this.reserve();
    let fd = 0;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, entry);
    return fd;
  }

  /** Closes `fd`, releasing its host descriptor if it has one. */
  close(fd: number): void {
    const entry = this.get(fd);
    this.fds.delete(fd >>> 0);
    this.release(entry);
  }

  /** Moves `from` onto `to`, closing what `to` held; both must be open (EBADF otherwise). */
  renumber(from: number, to: number): void {
    const source = this.get(from);
    const target = this.get(to);
    if (source === target) return;
    this.fds.set(to >>> 0, source);
    this.fds.delete(from >>> 0);
    this.release(target);
  }

  /** Closes every host descriptor; the table is unusable afterwards. */
  closeAll(): void {
    for (const entry of this.fds.values()) this.release(entry);
    this.fds.clear();
  }

  private release(entry: FdEntry): void {
    if (entry.kind !== 'file') return;
    try {
      closeSync(entry.hostFd);
    } catch {
      // Already gone (EBADF/EIO on close): nothing left to release, and the guest must not learn more.
    }
  }
}
