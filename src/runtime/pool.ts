/**
 * A bounded pool of instances of one plugin. Extism plugins are not reentrant, so an instance
 * serves one call at a time; further calls get another instance (started on demand up to `max`)
 * or wait in a bounded queue, and past that get BUSY. Dead instances are dropped and replaced;
 * after repeated failures replacements are started with exponential backoff, so a plugin that
 * times out on every call cannot make the host spawn workers in a hot loop.
 */
import { WardenError } from '../errors.js';
import { cancelled, onAbort } from './cancel.js';
import type { Instance } from './instance.js';

export interface PoolOptions {
  name: string;
  max: number;
  maxQueued: number;
}

/** Counters that show how a plugin's pool is doing. */
export interface PoolStats {
  /** Live instances. */
  instances: number;
  /** Instances running a call now. */
  busy: number;
  /** Calls waiting for an instance. */
  queued: number;
  /** Instances started since load (including the first). */
  started: number;
  /** Instances that failed to start. */
  failedStarts: number;
  /** Instances discarded after a trap, timeout or limit breach. */
  discarded: number;
}

interface Waiter {
  resolve(instance: Instance): void;
  reject(error: WardenError): void;
  /** When it gives up waiting (ms since the epoch). */
  deadline: number;
  /** Stops the waiter's abort listener: it got an instance or an error. */
  detach(): void;
}

const noop = (): void => undefined;

/** Failures in a row before backoff starts, and its bounds in ms. */
const BACKOFF_AFTER = 3;
const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export class InstancePool {
  readonly #spawn: () => Promise<Instance>;
  readonly #opts: PoolOptions;
  readonly #idle: Instance[] = [];
  readonly #all = new Set<Instance>();
  readonly #waiters: Waiter[] = [];
  #starting = 0;
  #failures = 0;
  #closed = false;
  #started = 0;
  #failedStarts = 0;
  #discarded = 0;
  /** One timer for the whole queue, due at the earliest waiter's deadline. */
  #expiry: NodeJS.Timeout | undefined;
  #expiryAt = Infinity;

  constructor(spawn: () => Promise<Instance>, opts: PoolOptions) {
    this.#spawn = spawn;
    this.#opts = opts;
  }

  /** Adds an instance that was started elsewhere (the first one, started at load). */
  adopt(instance: Instance): void {
    this.#started++;
    this.#all.add(instance);
    this.#idle.push(instance);
  }

  stats(): PoolStats {
    return {
      instances: this.#all.size, busy: this.#all.size - this.#idle.length, queued: this.#waiters.length, started: this.#started,
      failedStarts: this.#failedStarts, discarded: this.#discarded,
    };
  }

  /** An idle instance, a new one, or a place in the queue until `deadline` or until `signal` fires. */
  acquire(deadline: number, signal?: AbortSignal): Promise<Instance> {
    if (this.#closed) return Promise.reject(new WardenError('CLOSED', `plugin ${this.#opts.name} is closed`));
    if (this.#waiters.length === 0) {
      const idle = this.#takeIdle();
      if (idle) return Promise.resolve(idle);
    }
    if (this.#waiters.length >= this.#opts.maxQueued) {
      return Promise.reject(new WardenError('BUSY', `plugin ${this.#opts.name} is busy: ${this.#all.size} instances in use and ${this.#waiters.length} calls queued; retry later or raise limits.maxInstances / limits.maxQueuedCalls`, {
        data: { instances: this.#all.size, queued: this.#waiters.length },
      }));
    }
    return new Promise<Instance>((resolve, reject) => {
      const stopListening = signal && onAbort(signal, () => {
        this.#remove(waiter);
        reject(cancelled(this.#opts.name));
      });
      const waiter: Waiter = { resolve, reject, deadline, detach: stopListening ?? noop };
      this.#waiters.push(waiter);
      if (deadline < this.#expiryAt) this.#armExpiry(deadline);
      this.#pump();
    });
  }

  /** Rejects the waiters whose deadline passed, then re-arms for the earliest one left. */
  #expire(): void {
    this.#expiry = undefined;
    this.#expiryAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const w of [...this.#waiters]) {
      if (w.deadline <= now) {
        w.detach();
        this.#remove(w);
        w.reject(new WardenError('TIMEOUT', `plugin ${this.#opts.name}: no instance became free before the call's deadline`));
      } else if (w.deadline < next) {
        next = w.deadline;
      }
    }
    if (next !== Infinity) this.#armExpiry(next);
  }

  #armExpiry(at: number): void {
    clearTimeout(this.#expiry);
    this.#expiryAt = at;
    this.#expiry = setTimeout(() => this.#expire(), Math.max(0, at - Date.now()));
  }

  /** Returns an instance after a call; `failed` counts towards the backoff. */
  release(instance: Instance, failed: boolean): void {
    this.#failures = failed ? this.#failures + 1 : 0;
    if (instance.dead || this.#closed) {
      if (instance.dead && !this.#closed) this.#discarded++;
      this.#all.delete(instance);
      if (this.#closed) void instance.close();
    } else {
      this.#idle.push(instance);
    }
    this.#pump();
    // A discarded instance is replaced at once, so the next call finds one ready.
    if (!this.#closed && this.#all.size + this.#starting === 0) this.#startOne();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#expiry);
    for (const w of this.#waiters.splice(0)) {
      w.detach();
      w.reject(new WardenError('CLOSED', `plugin ${this.#opts.name} was closed`));
    }
    // Busy instances are killed too: their pending calls settle with CLOSED.
    await Promise.all([...this.#all].map((i) => i.close()));
    this.#all.clear();
    this.#idle.length = 0;
  }

  #takeIdle(): Instance | undefined {
    for (let i = this.#idle.pop(); i; i = this.#idle.pop()) {
      if (!i.dead) return i;
      this.#all.delete(i);
    }
    return undefined;
  }

  #remove(w: Waiter): void {
    const at = this.#waiters.indexOf(w);
    if (at >= 0) this.#waiters.splice(at, 1);
    this.#disarmIfEmpty();
  }

  /** An empty queue holds no timer (it would keep the process up until a deadline nobody waits for). */
  #disarmIfEmpty(): void {
    if (this.#waiters.length > 0 || !this.#expiry) return;
    clearTimeout(this.#expiry);
    this.#expiry = undefined;
    this.#expiryAt = Infinity;
  }

  #pump(): void {
    while (this.#waiters.length > 0) {
      const idle = this.#takeIdle();
      if (!idle) break;
      const w = this.#waiters.shift()!;
      w.detach();
      w.resolve(idle);
    }
    this.#disarmIfEmpty();
    while (this.#waiters.length > this.#starting && this.#all.size + this.#starting < this.#opts.max && !this.#closed) {
      this.#startOne();
    }
  }

  #startOne(): void {
    this.#starting++;
    const delay = this.#failures >= BACKOFF_AFTER
      ? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (this.#failures - BACKOFF_AFTER))
      : 0;
    const begin = async (): Promise<void> => {
      try {
        const instance = await this.#spawn();
        this.#starting--;
        this.#started++;
        if (this.#closed) return void instance.close();
        this.#all.add(instance);
        this.#idle.push(instance);
      } catch (e) {
        this.#starting--;
        this.#failures++;
        this.#failedStarts++;
        const w = this.#waiters.shift();
        if (w) {
          w.detach();
          w.reject(e as WardenError);
        }
        this.#disarmIfEmpty();
      }
      this.#pump();
    };
    if (delay === 0) void begin();
    else setTimeout(() => void begin(), delay).unref();
  }
}
