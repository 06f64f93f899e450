/**
 * What an application's host function receives: access to the calling instance's kernel memory
 * (read the blocks the guest passed, store the value to return) and the call's abort signal. It
 * lives on the main thread; the guest is blocked until the function settles.
 */
import { WardenError } from '../errors.js';
import type { Kernel } from './kernel/kernel.js';
import type { WasmValue } from './slots.js';

/** Where a call sits in a chain of tool delegations (host code sets it; a guest cannot). */
export interface Delegation {
  /** Plugin ids of the callers above the call, outermost first. */
  readonly chain: readonly string[];
  /** The deadline shared by the chain (ms since epoch). */
  readonly deadline: number;
}

/** The plugin call a host call happens in. */
export interface CallInfo {
  /** Unique per plugin call in this process. */
  readonly id: number;
  /** What the caller passed as `CallOptions.context` (frozen), e.g. session id and user. */
  readonly context: unknown;
  /** Host calls made so far in this plugin call, this one included. */
  readonly hostCalls: number;
  /** The delegation chain the call belongs to, from `CallOptions.delegation`. */
  readonly delegation: Delegation | undefined;
}

/** What a host function returns: one value, an array for several results, or nothing. */
export type HostResult = WasmValue | WasmValue[] | void;

/**
 * A host function. Arguments arrive with their WebAssembly types (i64 as bigint); return the
 * result the same way (an array when the import has several results), or a Promise of it.
 *
 * @example
 * ```ts
 * const functions = { 'extism:host/user': {
 *   async lookup(ctx, handle) { return ctx.store(await db.get(ctx.text(handle) ?? '')) },
 * } }
 * ```
 */
export type HostFunction = (ctx: HostCallContext, ...args: WasmValue[]) => HostResult | Promise<HostResult>;

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export class HostCallContext {
  #live = true;
  readonly #kernel: Kernel;

  /** @internal */
  constructor(
    kernel: Kernel,
    /** The plugin's name. */
    readonly plugin: string,
    /** Aborted when the call's deadline passes or its instance dies; pass it on to slow work. */
    readonly signal: AbortSignal,
    /** The plugin call this host call belongs to. */
    readonly call: CallInfo,
  ) {
    this.#kernel = kernel;
  }

  /** @internal Called when the host function settles: later use of the context throws. */
  end(): void {
    this.#live = false;
  }

  #check(): Kernel {
    if (!this.#live) throw new WardenError('CLOSED', 'this host call context is no longer valid (the host function already returned)');
    return this.#kernel;
  }

  /** A copy of the block at `handle`, or null when it is not an allocated block. */
  read(handle: bigint | number): Uint8Array | null {
    return this.#check().read(handle);
  }

  /** The block at `handle` as UTF-8 text, or null. Throws PLUGIN_ERROR on invalid UTF-8. */
  text(handle: bigint | number): string | null {
    const bytes = this.read(handle);
    if (bytes === null) return null;
    try {
      return decoder.decode(bytes);
    } catch {
      throw new WardenError('PLUGIN_ERROR', 'the plugin passed text that is not valid UTF-8');
    }
  }

  /** The block at `handle` parsed as JSON, or null. */
  json<T = unknown>(handle: bigint | number): T | null {
    const text = this.text(handle);
    return text === null ? null : (JSON.parse(text) as T);
  }

  /** Copies a value into kernel memory and returns its handle (strings as UTF-8, objects as JSON). */
  store(value: string | Uint8Array | object): bigint {
    const bytes = value instanceof Uint8Array ? value
      : encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
    const p = this.#check().store(bytes);
    if (p === 0 && bytes.length > 0) throw new WardenError('MEMORY_LIMIT', `kernel memory is full (${bytes.length} bytes needed)`);
    return BigInt(p);
  }
}
