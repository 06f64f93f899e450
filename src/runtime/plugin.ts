/**
 * A loaded plugin: its compiled modules, its pool of instances and the call entry point.
 */
import { WardenError } from '../errors.js';
import { cancelled } from './cancel.js';
import type { Delegation } from './host-call-context.js';
import type { Instance } from './instance.js';
import { MAX_TIMEOUT_MS, type PluginLimits, type ResolvedOptions } from './options.js';
import { PluginOutput } from './plugin-output.js';
import type { InstancePool, PoolStats } from './pool.js';

/** Anything a call accepts as input: bytes as they are, strings as UTF-8, anything else as JSON. */
export type CallInput = Uint8Array | string | number | boolean | null | object | undefined;

/** Per-call options. */
export interface CallOptions {
  /** Deadline for this call; overrides limits.timeoutMs. */
  timeoutMs?: number;
  /**
   * Who and what the call is for (session id, user identity, agent config): handed, frozen, to
   * host functions as `ctx.call.context`; the `context` capability lets the plugin read it.
   */
  context?: unknown;
  /**
   * The tool-delegation chain this call is part of, handed to host functions as
   * `ctx.call.delegation`: the tool router sets it on a callee, a host on a top-level call so
   * delegations share its deadline. Host code only; it never comes from a guest.
   */
  delegation?: Delegation;
  /**
   * Cancels the call: a queued call leaves the queue, a running one has its instance terminated
   * (as at a timeout; the pool starts a fresh one). Either way the call rejects with `CANCELLED`.
   */
  signal?: AbortSignal;
}

const encoder = new TextEncoder();

function encodeInput(input: CallInput): Uint8Array {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof input === 'string') return encoder.encode(input);
  if (typeof input === 'function' || typeof input === 'symbol' || typeof input === 'bigint') {
    throw new WardenError('INVALID_ARGUMENT', `a ${typeof input} cannot be a call input; pass bytes, a string or a JSON value`);
  }
  try {
    return encoder.encode(JSON.stringify(input));
  } catch (e) {
    throw new WardenError('INVALID_ARGUMENT', `the call input cannot be encoded as JSON: ${(e as Error).message}`, { cause: e });
  }
}

/** Contexts made by {@link freezeContext}: deep-frozen copies that can be used as they are. */
const frozenContexts = new WeakSet<object>();

/**
 * A deep-frozen copy of `context` that calls can share without copying it again: for a host
 * that passes the same context to many calls (a gateway's `{ via: 'api' }`).
 */
export function freezeContext<T>(context: T): T {
  const frozen = copyContext(context) as T;
  if (frozen !== null && typeof frozen === 'object') frozenContexts.add(frozen);
  return frozen;
}

/** A frozen copy, so that neither the caller nor a host function can change it mid-call. */
function copyContext(context: unknown): unknown {
  // Most calls carry none; cloning `undefined` would still cost ~0.4 µs on a ~3 µs call.
  if (context === undefined || (typeof context === 'object' && context !== null && frozenContexts.has(context))) return context;
  try {
    return deepFreeze(structuredClone(context));
  } catch (e) {
    throw new WardenError('INVALID_ARGUMENT', `the call context must be plain data (it cannot be cloned: ${(e as Error).message})`);
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Failures that mean the plugin itself is unwell; repeated, they slow down restarts. */
const SICK = new Set(['TIMEOUT', 'TRAP', 'STACK_OVERFLOW', 'MEMORY_LIMIT', 'WORKER_CRASHED', 'INVALID_MEMORY_ACCESS', 'PLUGIN_EXIT']);

export class Plugin {
  readonly #options: ResolvedOptions;
  readonly #pool: InstancePool;
  readonly #exports: Map<string, number>;
  #closing: Promise<void> | undefined;

  readonly #onClose: () => void;

  /** @internal Created by {@link Host.load}; `onClose` lets the host forget the plugin. */
  constructor(options: ResolvedOptions, pool: InstancePool, exports: string[], onClose: () => void = () => undefined) {
    this.#options = options;
    this.#pool = pool;
    this.#exports = new Map(exports.map((name, i) => [name, i]));
    this.#onClose = onClose;
  }

  /** The plugin's name. */
  get name(): string {
    return this.#options.name;
  }

  /** The limits the plugin runs with (defaults applied). */
  get limits(): Readonly<Required<PluginLimits>> {
    return this.#options.limits;
  }

  /** Names of the functions this plugin exports. */
  get functions(): string[] {
    return [...this.#exports.keys()];
  }

  /** Counters of the plugin's instance pool. */
  stats(): PoolStats {
    return this.#pool.stats();
  }

  /** Whether the plugin exports a callable function named `name`. */
  has(name: string): boolean {
    return this.#exports.has(name);
  }

  /**
   * Calls `name` with `input` and returns its output.
   *
   * @example
   * ```ts
   * const out = await plugin.call('greet', 'world');
   * console.log(out.text());
   * ```
   */
  async call(name: string, input?: CallInput, options: CallOptions = {}): Promise<PluginOutput> {
    if (this.#closing) throw new WardenError('CLOSED', `plugin ${this.name} is closed`);
    const index = this.#exports.get(name);
    if (index === undefined) {
      throw new WardenError('NOT_FOUND', `plugin ${this.name} has no function "${name}"; it exports: ${this.functions.join(', ') || '(none)'}`, {
        data: { function: name },
      });
    }
    const bytes = encodeInput(input);
    const { limits, logLevel } = this.#options;
    if (bytes.length > limits.inputMaxBytes) {
      throw new WardenError('INPUT_TOO_LARGE', `input of ${bytes.length} bytes exceeds the cap of ${limits.inputMaxBytes}; raise limits.inputMaxBytes`, {
        data: { length: bytes.length, cap: limits.inputMaxBytes },
      });
    }
    const timeoutMs = options.timeoutMs ?? limits.timeoutMs;
    if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
      throw new WardenError('INVALID_ARGUMENT', `timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, got ${timeoutMs}`);
    }
    const context = copyContext(options.context);
    const { delegation, signal } = options;
    if (signal?.aborted) throw cancelled(this.name);
    const deadline = Date.now() + timeoutMs;
    const instance: Instance = await this.#pool.acquire(deadline, signal);
    let failed = false;
    try {
      return new PluginOutput(await instance.call(index, bytes, { deadline, logLevel, context, delegation, signal }));
    } catch (e) {
      // A cancelled call is the caller's doing: its instance is replaced, with no backoff.
      failed = !(e instanceof WardenError) || SICK.has(e.code) || (instance.dead && e.code !== 'CANCELLED');
      throw e;
    } finally {
      this.#pool.release(instance, failed);
    }
  }

  /** Stops every instance; pending calls settle with CLOSED. Idempotent. */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = this.#pool.close();
      this.#onClose();
    }
    return this.#closing;
  }
}
