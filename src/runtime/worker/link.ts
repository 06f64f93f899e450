/**
 * Builds the import objects for a plugin's modules from the plan the main thread computed, and
 * instantiates them in order. Namespaces are null-prototype objects: import names come from the
 * guest, and a name like `__proto__` must not reach Object.prototype.
 */
import type { ImportSource, ModulePlan } from '../protocol.js';
import { readSlot, writeSlot } from '../slots.js';
import type { FuncType } from '../wasm/module-info.js';
import type { CallState } from './call-state.js';
import type { WorkerChannel } from './channel.js';
import { hostFailure } from './env-imports.js';

type Namespace = Record<string, WebAssembly.ImportValue>;

export interface LinkSources {
  kernel: Record<string, WebAssembly.ExportValue>;
  env: Record<string, unknown>;
  /** Creates the WASI imports for one module, given a getter for that module's memory. */
  wasi: ((memory: () => WebAssembly.Memory) => Record<string, unknown>) | null;
  channel: WorkerChannel;
  state: CallState;
}

function userStub(index: number, type: FuncType, channel: WorkerChannel, state: CallState) {
  const { params, results } = type;
  return (...args: unknown[]): unknown => {
    for (let i = 0; i < params.length; i++) writeSlot(channel.slots, i, params[i]!, args[i]);
    if (channel.hostCall(index)) throw hostFailure(channel, state);
    if (results.length === 0) return undefined;
    if (results.length === 1) return readSlot(channel.slots, 0, results[0]!);
    return results.map((t, i) => readSlot(channel.slots, i, t));
  };
}

/** Instantiates every module in plan order; returns the instances by name (the entry is last). */
export function instantiateAll(plans: ModulePlan[], sources: LinkSources): Map<string, WebAssembly.Instance> {
  const instances = new Map<string, WebAssembly.Instance>();
  for (const plan of plans) {
    let self: WebAssembly.Instance | undefined;
    const memory = (): WebAssembly.Memory => {
      const m = self?.exports['memory'];
      if (!(m instanceof WebAssembly.Memory)) throw new Error('WASI needs the module to export its memory');
      return m;
    };
    const wasi = plan.imports.some((i) => i.source.from === 'wasi') ? sources.wasi?.(memory) : undefined;
    const resolve = (source: ImportSource): unknown => {
      switch (source.from) {
        case 'kernel': return sources.kernel[source.name];
        case 'env': return sources.env[source.name];
        case 'wasi': return wasi?.[source.name];
        case 'user': return userStub(source.index, source.type, sources.channel, sources.state);
        case 'module': return instances.get(source.module)?.exports[source.name];
        case 'memory': return new WebAssembly.Memory({ initial: source.initial, maximum: source.maximum, shared: source.shared });
      }
    };
    const imports: Record<string, Namespace> = Object.create(null);
    for (const imp of plan.imports) {
      imports[imp.module] ??= Object.create(null) as Namespace;
      imports[imp.module]![imp.name] = resolve(imp.source) as WebAssembly.ImportValue;
    }
    self = new WebAssembly.Instance(plan.module, imports);
    instances.set(plan.name, self);
    for (const init of plan.initializers) {
      const fn = self.exports[init] as (...a: number[]) => unknown;
      fn(...(init === 'hs_init' ? [0, 0] : []));
    }
  }
  return instances;
}
