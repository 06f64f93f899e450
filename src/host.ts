/**
 * The Host: loads plugins with shared defaults and closes them all at once.
 */
import { WardenError } from './errors.js';
import { loadPlugin, type PluginSource } from './runtime/load.js';
import type { PluginOptions } from './runtime/options.js';
import type { Plugin } from './runtime/plugin.js';

/** Options for {@link createHost}. */
export interface HostOptions {
  /** Defaults merged under every plugin's own options (limits merge field by field). @default {} */
  defaults?: PluginOptions;
  /**
   * How long an idle worker spins before it sleeps, in loop iterations. Spinning trades a little
   * CPU after each call for much lower latency on the next. @default 20000
   */
  spin?: number;
}

export class Host {
  readonly #plugins = new Set<Plugin>();
  readonly #options: HostOptions;
  #closed = false;

  constructor(options: HostOptions = {}) {
    if (options.spin !== undefined && !(Number.isInteger(options.spin) && options.spin >= 0)) {
      throw new WardenError('INVALID_ARGUMENT', 'spin must be a non-negative integer');
    }
    this.#options = options;
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
      spin: this.#options.spin ?? 20_000,
    });
    this.#plugins.add(plugin);
    return plugin;
  }

  /** Closes every plugin; every pending call settles (with CLOSED if it had not finished). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#plugins].map((p) => p.close()));
    this.#plugins.clear();
  }
}

/** Creates a {@link Host}. */
export function createHost(options: HostOptions = {}): Host {
  return new Host(options);
}
