/**
 * What the groups of WASI functions share: the descriptor table, the mounted root, the clocks,
 * the output sinks and a way to view guest memory.
 */
import type { WasiIo } from '../wasi.js';
import type { Clocks } from './clocks.js';
import { Errno, fail } from './errno.js';
import type { DirEntry, FdTable } from './fd-table.js';
import type { GuestView } from './memory.js';
import type { ResolvedPath, SandboxRoot } from './sandbox-path.js';

/** A group of `wasi_snapshot_preview1` functions, keyed by import name. */
// Guest arguments arrive as number or bigint depending on the import's wasm signature; each
// function declares its own parameter types, hence the loose signature here.
export type WasiFunctions = Record<string, (...args: any[]) => number>;

/** State of one guest's WASI world. */
export interface WasiContext {
  readonly table: FdTable;
  /** The mounted directory, or null when the guest has no filesystem at all. */
  readonly root: SandboxRoot | null;
  readonly clocks: Clocks;
  readonly io: WasiIo;
  /** A fresh view of guest memory (call once per WASI call: memory may have grown). */
  view(): GuestView;
}

/** Most bytes one read or write moves; larger requests are short reads/writes, which POSIX allows. */
export const MAX_IO_BYTES = 1 << 20;

/** Largest file offset or size the shim accepts: Node takes file positions as doubles. */
export const MAX_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** The root; only reachable through a directory fd, which exists only when a root does. */
export function rootOf(ctx: WasiContext): SandboxRoot {
  return ctx.root ?? fail(Errno.BADF);
}

/** Re-resolves an open directory from the root, with the usual confinement checks. */
export function locateDir(ctx: WasiContext, dir: DirEntry): ResolvedPath {
  return rootOf(ctx).resolve(dir.parts, '.', true);
}

/** Checks a guest u64 offset/size and converts it to a number (EINVAL past {@link MAX_OFFSET}). */
export function toOffset(value: bigint, errno: number = Errno.INVAL): number {
  const v = BigInt.asUintN(64, value);
  if (v > MAX_OFFSET) fail(errno);
  return Number(v);
}
