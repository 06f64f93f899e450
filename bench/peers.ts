/**
 * The runtimes compared by the benchmark, behind one small adapter interface:
 * Warden, @extism/extism in-thread, @extism/extism in a worker, and raw WebAssembly (the floor).
 */
import createPlugin, { type Plugin as ExtismPlugin, type CallContext } from '@extism/extism';
import { createHost, type Host, type Plugin as WardenPlugin, type PluginOptions } from '../src/index.js';
import { RawPlugin } from './raw-kernel.js';

export type RuntimeId = 'warden' | 'extism' | 'extismWorker' | 'raw';

export const RUNTIMES: { id: RuntimeId; label: string }[] = [
  { id: 'warden', label: 'Warden' },
  { id: 'extism', label: 'Extism in-thread' },
  { id: 'extismWorker', label: 'Extism worker' },
  { id: 'raw', label: 'raw wasm (floor)' },
];

/** What a benchmark asks of a runtime when loading a plugin. */
export interface LoadOptions {
  /** Provide `extism:host/user` `add_i64` (async where the runtime allows it). */
  hostAdd?: boolean;
  /** Warden: instances in the pool. */
  maxInstances?: number;
  /** Call deadline, where the runtime has one. */
  timeoutMs?: number;
  /** Cap on the guest's linear memory, where the runtime has one. */
  memoryMaxBytes?: number;
}

/** One loaded plugin. */
export interface Runner {
  /**
   * Calls `name` as cheaply as the runtime allows: returns whatever the runtime returns (a
   * promise, or the output directly for raw wasm). Use this in timing loops.
   */
  call(name: string, input: Uint8Array): unknown;
  /** Calls `name` and returns the output bytes (null when the plugin set no output). */
  callBytes(name: string, input: Uint8Array): Promise<Uint8Array | null>;
  close(): Promise<void>;
}

export interface Runtime {
  id: RuntimeId;
  load(bytes: Uint8Array<ArrayBuffer>, options?: LoadOptions): Promise<Runner>;
  /** Releases anything the runtime holds besides its plugins (Warden's host). */
  shutdown(): Promise<void>;
}

const MiB = 1024 * 1024;

// ------------------------------------------------------------------------------------- Warden

export function wardenRuntime(): Runtime {
  const host: Host = createHost();
  return {
    id: 'warden',
    async load(bytes, options = {}) {
      const opts: PluginOptions = { name: 'bench', limits: {} };
      if (options.hostAdd) {
        opts.functions = { 'extism:host/user': { add_i64: async (_ctx, a, b) => (a as bigint) + (b as bigint) } };
      }
      if (options.maxInstances !== undefined) opts.limits!.maxInstances = options.maxInstances;
      if (options.timeoutMs !== undefined) opts.limits!.timeoutMs = options.timeoutMs;
      if (options.memoryMaxBytes !== undefined) opts.limits!.memoryMaxBytes = options.memoryMaxBytes;
      const plugin: WardenPlugin = await host.load(bytes, opts);
      return {
        call: (name, input) => plugin.call(name, input),
        callBytes: async (name, input) => {
          const out = await plugin.call(name, input);
          return out.length === 0 ? null : out.bytes;
        },
        close: () => plugin.close(),
      };
    },
    shutdown: () => host.close(),
  };
}

// ------------------------------------------------------------------------------------- Extism

function extismRuntime(inWorker: boolean): Runtime {
  return {
    id: inWorker ? 'extismWorker' : 'extism',
    async load(bytes, options = {}) {
      const functions: Record<string, Record<string, (ctx: CallContext, ...args: any[]) => any>> = {};
      if (options.hostAdd) {
        // In-thread Extism refuses async host functions on Node 20 (they need JSPI), so it gets
        // the synchronous version; the worker gets the async one, like Warden.
        functions['extism:host/user'] = {
          add_i64: inWorker ? async (_ctx: CallContext, a: bigint, b: bigint) => a + b : (_ctx: CallContext, a: bigint, b: bigint) => a + b,
        };
      }
      const plugin: ExtismPlugin = await createPlugin(
        { wasm: [{ data: bytes }] },
        {
          useWasi: false,
          runInWorker: inWorker,
          functions,
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.memoryMaxBytes !== undefined ? { memory: { maxPages: Math.floor(options.memoryMaxBytes / 65536) } } : {}),
        },
      );
      return {
        call: (name, input) => plugin.call(name, input),
        callBytes: async (name, input) => {
          const out = await plugin.call(name, input);
          return out === null ? null : new Uint8Array(out.bytes());
        },
        close: () => plugin.close(),
      };
    },
    shutdown: async () => {},
  };
}

export const extismInThreadRuntime = (): Runtime => extismRuntime(false);
export const extismWorkerRuntime = (): Runtime => extismRuntime(true);

// ------------------------------------------------------------------------------------- raw wasm

export function rawRuntime(): Runtime {
  return {
    id: 'raw',
    async load(bytes, options = {}) {
      const plugin = await RawPlugin.load(bytes, options.hostAdd ? { add_i64: (a, b) => a! + b! } : {});
      return {
        call: (name, input) => plugin.call(name, input),
        callBytes: async (name, input) => plugin.call(name, input),
        close: async () => {},
      };
    },
    shutdown: async () => {},
  };
}

export { MiB };
