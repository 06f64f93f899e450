/**
 * Warden's own WASI preview 1 (`wasi_snapshot_preview1`) shim. Node's `node:wasi` is not a
 * security boundary, so this one is written against the threat model instead: deny by default
 * (no args, no env, no filesystem unless configured), every guest pointer bounds-checked, every
 * path confined to the mounted directory, no host error text or path ever handed to the guest
 * (only errno values), coarsened clocks, and a cap on open descriptors.
 *
 * It runs inside the worker thread that is blocked in wasm, so everything is synchronous.
 * The pieces live in `./wasi/`: `sandbox-path.ts` (path confinement), `fd-table.ts`,
 * `memory.ts` (checked guest memory), and one file per group of functions.
 */
import { Clocks } from './wasi/clocks.js';
import type { WasiContext, WasiFunctions } from './wasi/context.js';
import { toErrno } from './wasi/errno.js';
import { WasiExit } from './wasi/exit.js';
import { fdIoImports } from './wasi/fd-imports.js';
import { fdMetaImports } from './wasi/fd-meta-imports.js';
import { FdTable } from './wasi/fd-table.js';
import { GuestView } from './wasi/memory.js';
import { pathImports } from './wasi/path-imports.js';
import { encodeStrings, environStrings, procImports } from './wasi/proc-imports.js';
import { SandboxRoot } from './wasi/sandbox-path.js';
import { timeImports } from './wasi/time-imports.js';

export { WasiExit } from './wasi/exit.js';
export { MAX_OPEN_FDS } from './wasi/fd-table.js';

/** What the operator configured for one plugin's WASI world. */
export interface WasiConfig {
  /** argv as the guest sees it; empty unless the operator configured it. */
  args: string[];
  /** environment; empty unless configured. */
  env: Record<string, string>;
  /**
   * Host directory mounted as the guest's `/` (preopened fd 3, name "/"); undefined = no
   * filesystem at all. It is resolved to its real path once, when the imports are created.
   */
  dir?: string;
  /**
   * Clock granularity in milliseconds: realtime and monotonic clocks (and file timestamps) are
   * rounded down to it, as Cloudflare does. 0 means nanosecond resolution.
   */
  clockGranularityMs: number;
}

/** Where the guest's standard output streams go. Each call gets a private copy of the bytes. */
export interface WasiIo {
  /** Bytes written to fd 1 (the worker logs them at info). */
  stdout(bytes: Uint8Array): void;
  /** Bytes written to fd 2 (the worker logs them at warn). */
  stderr(bytes: Uint8Array): void;
}

const tables = new WeakMap<object, FdTable>();

/**
 * Returns the `wasi_snapshot_preview1` import object. `memory()` returns the guest's current
 * exported memory (it may grow, so the shim re-reads its buffer on each call).
 *
 * Every function returns an errno and never throws into the guest, except `WasiExit` from
 * `proc_exit` (and from every later call, so a guest that catches it cannot carry on using WASI).
 *
 * @throws Error when the configuration itself is invalid (a `dir` that is not a directory, a
 *   negative granularity, NUL characters in args or env) — before any guest code runs.
 * @example
 * ```ts
 * let instance: WebAssembly.Instance;
 * const wasi = createWasiImports({ args: [], env: {}, clockGranularityMs: 100 }, io,
 *   () => instance.exports.memory as WebAssembly.Memory);
 * instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi });
 * ```
 */
export function createWasiImports(
  config: WasiConfig,
  io: WasiIo,
  memory: () => WebAssembly.Memory,
  // The import object maps names to functions of varying wasm signatures.
): Record<string, (...args: any[]) => number | void> {
  const root = config.dir === undefined ? null : new SandboxRoot(config.dir);
  const table = new FdTable(root === null ? null : []);
  const ctx: WasiContext = {
    table,
    root,
    clocks: new Clocks(config.clockGranularityMs),
    io,
    view: () => new GuestView(memory()),
  };
  const args = encodeStrings(config.args);
  const environ = encodeStrings(environStrings(config.env));
  const functions: WasiFunctions = {
    ...procImports(ctx, args, environ),
    ...timeImports(ctx),
    ...fdIoImports(ctx),
    ...fdMetaImports(ctx),
    ...pathImports(ctx),
  };

  let exitCode: number | null = null;
  // No prototype: a module importing `constructor` or `toString` must get a link error, not
  // Object's own functions.
  const imports: WasiFunctions = Object.create(null) as WasiFunctions;
  for (const [name, fn] of Object.entries(functions)) {
    imports[name] = (...params: unknown[]): number => {
      if (exitCode !== null) throw new WasiExit(exitCode);
      try {
        return fn(...params);
      } catch (e) {
        if (e instanceof WasiExit) {
          exitCode = e.code;
          throw e;
        }
        return toErrno(e);
      }
    };
  }
  tables.set(imports, table);
  return imports;
}

/**
 * Closes every host file the guest still holds open through `imports` (an object returned by
 * {@link createWasiImports}); any later WASI call on those descriptors fails with EBADF. Call it
 * when discarding an instance: host descriptors belong to the process, not the worker, so a
 * terminated worker would otherwise leak them.
 */
export function closeWasiFiles(imports: object): void {
  tables.get(imports)?.closeAll();
}
