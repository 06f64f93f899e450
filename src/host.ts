/**
 * The Host: loads plugins with shared defaults and closes them all at once.
 */
import { WardenError } from './errors.js';
import { loadPlugin, type PluginSource } from './runtime/load.js';
import { DEFAULT_LIMITS, type PluginOptions } from './runtime/options.js';
import { SpareWorkers } from './runtime/worker-thread.js';
import type { Plugin } from './runtime/plugin.js';

/** Options for {@link createHost}. */
export interface HostOptions {
  /** Defaults merged under every plugin's own options (limits merge field by field). @default {} */
  defaults?: PluginOptions;
  /**
   * How long an idle worker spins before it sleeps, in microseconds. Spinning trades a little CPU
   * after each call for much lower latency on the next; the spin shortens by itself while calls
   * and host replies arrive too late for it to catch. @default 50
   */
  spinMicros?: number;
  /**
   * Worker threads kept booted and ready for new instances: booting one takes tens of
   * milliseconds, which would otherwise be paid on every load and every replacement. @default 1
   */
  spareWorkers?: number;
}

/** Default of {@link HostOptions.spinMicros}. */
export const DEFAULT_SPIN_MICROS = 50;

export class Host {
  readonly #plugins = new Set<Plugin>();
  readonly #options: HostOptions;
  readonly #spares: SpareWorkers;
  #closed = false;

  constructor(options: HostOptions = {}) {
    for (const [key, max] of [['spinMicros', 100_000], ['spareWorkers', 64]] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= max)) throw new WardenError('INVALID_ARGUMENT', `${key} must be an integer from 0 to ${max}`);
    }
    this.#options = options;
    const heapMb = options.defaults?.limits?.workerHeapMaxMb ?? DEFAULT_LIMITS.workerHeapMaxMb;
    this.#spares = new SpareWorkers(options.spareWorkers ?? 1, heapMb);
  }

  /**
   * Loads a plugin from bytes, a `.wasm` path, or several named modules, and starts its first
   * instance.
   *
   * @example
   * ```ts
   * const host = createHost();
   * const plugin = await host.load('./count_vowels.wasm', { config: { vowels: 'aeiou' } });
   * console.log((await plugin.call('count_vowels', 'Hello')).json());
   * await host.close();
   * ```
   */
  async load(source: PluginSource, options: PluginOptions = {}): Promise<Plugin> {
    if (this.#closed) throw new WardenError('CLOSED', 'the host is closed');
    const plugin = await loadPlugin(source, options, {
      options: this.#options.defaults ?? {},
      spinMicros: this.#options.spinMicros ?? DEFAULT_SPIN_MICROS,
      spares: this.#spares,
      onClose: (closed) => this.#plugins.delete(closed),
    });
    if (this.#closed) {
      // The host closed while this plugin was loading: nothing may outlive close().
      await plugin.close();
      throw new WardenError('CLOSED', 'the host was closed while the plugin was loading');
    }
    this.#plugins.add(plugin);
    return plugin;
  }

  /** Closes every plugin; every pending call settles (with CLOSED if it had not finished). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#plugins].map((p) => p.close()));
    this.#plugins.clear();
    await this.#spares.close();
  }
}

/** Creates a {@link Host}. */
export function createHost(options: HostOptions = {}): Host {
  return new Host(options);
}
