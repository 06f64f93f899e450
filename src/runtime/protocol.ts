/**
 * The contract between the main thread and an instance worker. Calls never go through
 * postMessage: the two sides share a small control block (a SharedArrayBuffer) and the kernel
 * memory. One side writes, then flips a state word; the other reads only after it has seen the
 * flip, so every plain read is ordered after the matching write. The main thread wakes a worker
 * with Atomics.notify on ToWorker; workers ring the main thread's doorbell (doorbell.ts).
 */
import type { SerializedError } from '../errors.js';
import type { FuncType } from './wasm/module-info.js';

/** Int32 indices into the control block. */
export const enum Ctl {
  /** What the worker should do next; the worker sleeps on this word. See {@link ToWorker}. */
  ToWorker = 0,
  /** What the main thread should look at; it checks this word as the doorbell rings (doorbell.ts). See {@link ToMain}. */
  ToMain = 1,
  /** Index of the export to call (into `WorkerInit.exports`). */
  Export = 2,
  /** Outcome of the call, see {@link Outcome}. */
  Outcome = 3,
  /** The export's return code. */
  ReturnCode = 4,
  /** Which host function the worker asks for (>= 0 user functions, < 0 {@link BuiltinCall}). */
  HostFn = 5,
  /** 0 when the host function returned, 1 when it failed (the guest must stop). */
  HostStatus = 6,
  /** Length in bytes of the JSON in the mailbox, 0 when empty. */
  MailboxLength = 7,
  /** Log level threshold for this call (see LOG_LEVELS). */
  LogLevel = 8,
  /** Bytes of log records committed to the log region (see log-buffer.ts). */
  LogLength = 9,
}

export const enum ToWorker {
  Idle = 0,
  Call = 1,
  HostReply = 2,
  /** The plugin (a WorkerInit) is waiting on the worker's port: instantiate it. */
  Init = 3,
}

export const enum ToMain {
  None = 0,
  /** The call (or start-up) finished; Ctl.Outcome and the mailbox say how. */
  Done = 1,
  HostCall = 2,
  /** The worker thread is up; the plugin's start-up deadline begins now. */
  Booted = 3,
}

export const enum Outcome {
  Ok = 0,
  /** The mailbox holds a {@link CallReport} with the error; the instance is poisoned. */
  Failed = 1,
  /** The call succeeded, but the instance must not be reused (WASI proc_exit(0) unwound it). */
  Retire = 2,
}

/** Host calls that Warden itself serves on the main thread. */
export const enum BuiltinCall {
  Http = -1,
  /** The log region is full: drain it. */
  Logs = -2,
}

/** Byte layout of the control block. */
export const CONTROL_WORDS = 16;
/** Host-call arguments and results: 8-byte slots starting here. */
export const SLOTS_OFFSET = CONTROL_WORDS * 4;
export const SLOT_COUNT = 24;
export const MAILBOX_OFFSET = SLOTS_OFFSET + SLOT_COUNT * 8;
export const MAILBOX_BYTES = 64 * 1024;
/** Log records the worker appends as the guest logs; readable by the main thread even after a kill. */
export const LOG_OFFSET = MAILBOX_OFFSET + MAILBOX_BYTES;
export const LOG_BYTES = 64 * 1024;
export const CONTROL_BYTES = LOG_OFFSET + LOG_BYTES;

/** Log levels in Extism's order; `get_log_level` returns the index, or 0xffffffff when off. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_OFF = LOG_LEVELS.length;

/** One line the plugin logged. */
export interface LogRecord {
  level: LogLevel;
  message: string;
}

/** Where each import of a module comes from. Computed on the main thread, applied in the worker. */
export type ImportSource =
  | { from: 'kernel'; name: string }
  | { from: 'env'; name: string }
  | { from: 'wasi'; name: string }
  | { from: 'user'; index: number; type: FuncType }
  | { from: 'module'; module: string; name: string }
  | { from: 'memory'; initial: number; maximum: number; shared: boolean };

export interface ModulePlan {
  name: string;
  module: WebAssembly.Module;
  imports: { module: string; name: string; source: ImportSource }[];
  /** Call `_initialize` (WASI reactors) / `hs_init` (Haskell) after instantiation. */
  initializers: string[];
}

/** Everything a worker needs to build its instance; sent once through its port after boot. */
export interface WorkerInit {
  kernelModule: WebAssembly.Module;
  kernelMemory: WebAssembly.Memory;
  /** Modules in instantiation order. */
  modules: ModulePlan[];
  /** Name of the module whose exports are the plugin's functions. */
  entry: string;
  /** Export names, indexed by `Ctl.Export`. */
  exports: string[];
  config: [string, string][];
  maxVarBytes: number;
  maxLogBytesPerCall: number;
  wasi: { args: string[]; env: [string, string][]; dir: string | undefined; clockGranularityMs: number } | null;
  /** Spin at most this many microseconds before sleeping on the futex (latency vs. CPU). */
  spinMicros: number;
}

/** The mailbox payload after a failed call or start. */
export interface CallReport {
  error: SerializedError;
}
