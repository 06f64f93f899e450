/**
 * The plugins that are loaded and serving: one instance set per id, swapped atomically. A call
 * holds its instance set until it ends, so a swap never fails a call in flight: the old set
 * closes when its last call returns.
 */
import { isWardenError } from '../errors.js';
import type { PluginOutput } from '../runtime/plugin-output.js';
import type { CallInput, CallOptions } from '../runtime/plugin.js';
import type { LoadedPlugin } from './loader.js';

interface Serving {
  loaded: LoadedPlugin;
  inFlight: number;
  retired: boolean;
}

/** Failures that mean the plugin misbehaved (not a denial, not bad input). */
export const RUNTIME_FAILURES: ReadonlySet<string> = new Set(['TRAP', 'TIMEOUT', 'STACK_OVERFLOW', 'MEMORY_LIMIT', 'WORKER_CRASHED', 'INVALID_MEMORY_ACCESS']);

/** Told about each runtime failure of a call, and whenever the set of serving plugins changes. */
export interface ServingHooks {
  onRuntimeFailure(id: string, tool: string, error: Error & { code: string }): void;
  onChange(): void;
}

export class ServingSet {
  readonly #serving = new Map<string, Serving>();
  readonly #hooks: ServingHooks;

  constructor(hooks: ServingHooks) {
    this.#hooks = hooks;
  }

  /** The serving plugin `id`, if any. */
  get(id: string): LoadedPlugin | undefined {
    return this.#serving.get(id)?.loaded;
  }

  has(id: string): boolean {
    return this.#serving.has(id);
  }

  /** Every serving plugin. */
  all(): LoadedPlugin[] {
    return [...this.#serving.values()].map((s) => s.loaded);
  }

  /** Serves `loaded` as `id` from now on; the previous version finishes its calls, then closes. */
  swapIn(id: string, loaded: LoadedPlugin): void {
    this.#retire(id);
    this.#serving.set(id, { loaded, inFlight: 0, retired: false });
    this.#hooks.onChange();
  }

  /** Stops serving `id`: new calls are refused; calls in flight finish, then it closes. */
  retire(id: string): void {
    if (this.#retire(id)) this.#hooks.onChange();
  }

  /** Forgets every plugin without closing them (the runtime host closes them all). */
  clear(): void {
    this.#serving.clear();
  }

  /** Calls `tool` on the version of `id` serving now, holding it until the call ends. */
  async call(id: string, tool: string, input: CallInput, options: CallOptions): Promise<PluginOutput> {
    const serving = this.#serving.get(id);
    if (!serving) throw new Error(`plugin ${id} is not serving`);
    serving.inFlight++;
    try {
      return await serving.loaded.plugin.call(tool, input, options);
    } catch (e) {
      if (isWardenError(e) && RUNTIME_FAILURES.has(e.code)) this.#hooks.onRuntimeFailure(id, tool, e);
      throw e;
    } finally {
      if (--serving.inFlight === 0 && serving.retired) void serving.loaded.plugin.close();
    }
  }

  #retire(id: string): boolean {
    const old = this.#serving.get(id);
    if (!old) return false;
    this.#serving.delete(id);
    old.retired = true;
    if (old.inFlight === 0) void old.loaded.plugin.close();
    return true;
  }
}
