/**
 * The main thread's handle on one plugin instance: a worker thread, its control block and its
 * kernel memory. It writes the input straight into the kernel memory, wakes the worker, serves
 * the worker's host calls while the guest is blocked, and reads the output back — no
 * postMessage on the call path. At the deadline, on a trap or when the worker dies, the instance
 * is dead: the worker is terminated and never used again.
 */
import type { Worker } from 'node:worker_threads';
import { WardenError, type SerializedError } from '../errors.js';
import type { Delegation } from './host-call-context.js';
import { serveHttp, serveUserFunction } from './host-calls.js';
import { cancelled, onAbort } from './cancel.js';
import { threadDoorbell } from './doorbell.js';
import type { HttpPolicy } from './http/http-client.js';
import { createKernelMemory, Kernel, kernelModule } from './kernel/kernel.js';
import type { LinkPlan } from './link-plan.js';
import { drainLogs } from './log-buffer.js';
import { clip, takeMailbox, writeMailbox } from './mailbox.js';
import type { ResolvedOptions } from './options.js';
import {
  BuiltinCall, Ctl, MAILBOX_OFFSET, Outcome, SLOTS_OFFSET, ToMain, ToWorker,
  type CallReport, type WorkerInit,
} from './protocol.js';
import type { SpareWorkers, WorkerThread } from './worker-thread.js';

/** Everything instances of one plugin share. */
export interface InstanceSpec {
  options: ResolvedOptions;
  plan: LinkPlan;
  exports: string[];
  http: HttpPolicy;
  /** How long a worker spins before it sleeps, in µs (see HostOptions.spinMicros). */
  spinMicros: number;
  /** Where booted worker threads come from. */
  spares: SpareWorkers;
}

const decoder = new TextDecoder();
let callIds = 0;

/** Per-call settings. */
export interface CallSettings {
  /** Milliseconds since the epoch. */
  deadline: number;
  logLevel: number;
  context: unknown;
  delegation: Delegation | undefined;
  /** Terminates the instance when it fires (the call rejects with CANCELLED). */
  signal: AbortSignal | undefined;
}

export class Instance {
  readonly #spec: InstanceSpec;
  readonly #worker: Worker;
  readonly #control: SharedArrayBuffer;
  readonly #ctl: Int32Array;
  readonly #slots: DataView;
  readonly #kernel: Kernel;
  #death: WardenError | undefined;
  #abort = new AbortController();
  /** The call in progress (start-up counts as call 0). */
  #call: { id: number; context: unknown; hostCalls: number; delegation: Delegation | undefined } = { id: 0, context: undefined, hostCalls: 0, delegation: undefined };
  /** Rejecters of the host work in progress; kill() settles them all. */
  readonly #pending = new Set<(e: WardenError) => void>();

  private constructor(spec: InstanceSpec, thread: WorkerThread) {
    this.#spec = spec;
    this.#worker = thread.worker;
    this.#control = thread.control;
    this.#ctl = new Int32Array(this.#control);
    this.#slots = new DataView(this.#control, SLOTS_OFFSET, MAILBOX_OFFSET - SLOTS_OFFSET);
    const { limits, name } = spec.options;
    const memory = createKernelMemory(limits.kernelMemoryMaxBytes);
    this.#kernel = new Kernel(kernelModule(), memory);
    this.#worker.on('error', (e: Error & { code?: string }) => {
      const oom = e.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.kill(new WardenError(oom ? 'MEMORY_LIMIT' : 'WORKER_CRASHED',
        oom ? `plugin ${name} exhausted its worker heap (limits.workerHeapMaxMb)` : `plugin ${name}: worker failed: ${clip(e.message, 512)}`));
    });
    this.#worker.on('exit', () => this.kill(new WardenError('WORKER_CRASHED', `plugin ${name}: worker exited`)));
    const init: WorkerInit = {
      kernelModule: kernelModule(),
      kernelMemory: memory,
      modules: spec.plan.modules,
      entry: spec.plan.entry.name,
      exports: spec.exports,
      config: spec.options.config,
      maxVarBytes: limits.varMaxBytes,
      maxLogBytesPerCall: limits.logMaxBytesPerCall,
      wasi: spec.options.wasi,
      spinMicros: spec.spinMicros,
    };
    thread.port.postMessage(init);
    thread.port.close();
    Atomics.store(this.#ctl, Ctl.ToWorker, ToWorker.Init);
    Atomics.notify(this.#ctl, Ctl.ToWorker);
  }

  /** Adopts a booted worker and waits until its instance is ready; start functions get `timeoutMs`. */
  static async start(spec: InstanceSpec, timeoutMs: number): Promise<Instance> {
    const thread = await spec.spares.take(spec.options.limits.workerHeapMaxMb);
    const instance = new Instance(spec, thread);
    try {
      await instance.#run(Date.now() + timeoutMs, 'start-up');
      return instance;
    } catch (e) {
      instance.kill(e as WardenError);
      throw e;
    }
  }

  get dead(): boolean {
    return this.#death !== undefined;
  }

  /** Terminates the worker; a call in progress fails with `reason`. Idempotent. */
  kill(reason: WardenError): void {
    if (this.#death) return;
    this.#death = reason;
    this.#abort.abort(reason);
    for (const reject of this.#pending) reject(reason);
    this.#pending.clear();
    // What the guest logged before it died is what the operator needs most.
    this.#deliverLogs();
    // Node closes the host files the worker's WASI shim still held (trackUnmanagedFds).
    void this.#worker.terminate();
    // Wake our own wait so the pending call sees the death at once.
    threadDoorbell().interrupt(this.#ctl);
  }

  /** Runs export `exportIndex` with `input`; settles by `call.deadline` (ms since epoch) at the latest. */
  async call(exportIndex: number, input: Uint8Array, call: CallSettings): Promise<Uint8Array> {
    const { deadline, logLevel } = call;
    this.#call = { id: ++callIds, context: call.context, hostCalls: 0, delegation: call.delegation };
    const k = this.#kernel.exports;
    k.warden_reset();
    if (input.length > 0) {
      const p = this.#kernel.store(input);
      if (p === 0) {
        throw new WardenError('INPUT_TOO_LARGE', `input of ${input.length} bytes does not fit in the kernel memory; raise limits.kernelMemoryMaxBytes`);
      }
      k.warden_input_set(p, input.length);
    }
    this.#ctl[Ctl.Export] = exportIndex;
    this.#ctl[Ctl.LogLevel] = logLevel;
    Atomics.store(this.#ctl, Ctl.ToWorker, ToWorker.Call);
    Atomics.notify(this.#ctl, Ctl.ToWorker);
    const outcome = await this.#run(deadline, 'call', call.signal);
    const output = this.#output();
    if (outcome === Outcome.Retire) this.kill(new WardenError('CLOSED', `plugin ${this.#spec.options.name} exited; its instance was retired`));
    return output;
  }

  #output(): Uint8Array {
    const k = this.#kernel.exports;
    const err = k.warden_error();
    if (err !== 0) {
      const bytes = this.#kernel.read(err) ?? new Uint8Array();
      throw new WardenError('PLUGIN_ERROR', clip(decoder.decode(bytes), 64 * 1024), { data: { plugin: this.#spec.options.name } });
    }
    const rc = this.#ctl[Ctl.ReturnCode]!;
    if (rc !== 0) {
      throw new WardenError('PLUGIN_ERROR', `plugin ${this.#spec.options.name} returned error code ${rc}`, { data: { returnCode: rc } });
    }
    const length = k.warden_output_length() >>> 0;
    if (length === 0) return new Uint8Array(0);
    const max = this.#spec.options.limits.outputMaxBytes;
    if (length > max) {
      throw new WardenError('OUTPUT_TOO_LARGE', `output of ${length} bytes exceeds the cap of ${max}; raise limits.outputMaxBytes`, { data: { length, cap: max } });
    }
    const bytes = this.#kernel.slice(k.warden_output_offset() >>> 0, length);
    if (bytes === null) throw new WardenError('INVALID_MEMORY_ACCESS', 'plugin set an output range outside kernel memory');
    return bytes;
  }

  /** Waits for Done, serving host calls meanwhile; kills the instance at the deadline. */
  async #run(deadline: number, what: string, signal?: AbortSignal): Promise<Outcome> {
    const name = this.#spec.options.name;
    const ms = Math.max(0, deadline - Date.now());
    const timer = setTimeout(() => {
      this.kill(new WardenError('TIMEOUT', `plugin ${name}: ${what} ran past its deadline (${ms} ms); the instance was terminated`, {
        data: { plugin: name, timeoutMs: ms },
      }));
    }, ms);
    const stopListening = signal && onAbort(signal, () => this.kill(cancelled(name)));
    try {
      for (;;) {
        const state = await this.#next();
        if (state === ToMain.Done) break;
        await this.#serveHostCall();
      }
      this.#deliverLogs();
      const outcome = this.#ctl[Ctl.Outcome] as Outcome;
      if (outcome === Outcome.Failed) {
        const e = takeMailbox<CallReport>(this.#control)?.error ?? { code: 'TRAP', message: 'plugin failed', data: {} };
        const error = this.#reportedTrap(e) ?? new WardenError(e.code, e.message, { data: { ...e.data, plugin: name } });
        this.kill(error);
        throw error;
      }
      return outcome;
    } finally {
      clearTimeout(timer);
      stopListening?.();
    }
  }

  /**
   * A trap right after the plugin set its error is how PDKs without exceptions fail (error_set,
   * then abort): the caller gets the plugin's message as PLUGIN_ERROR. The instance is still
   * discarded, since the trap may have left its state half-updated.
   */
  #reportedTrap(e: SerializedError): WardenError | undefined {
    const err = e.code === 'TRAP' ? this.#kernel.exports.warden_error() : 0;
    const bytes = err === 0 ? null : this.#kernel.read(err);
    if (!bytes?.length) return undefined;
    return new WardenError('PLUGIN_ERROR', clip(decoder.decode(bytes), 64 * 1024), { data: { plugin: this.#spec.options.name, trap: e.message } });
  }

  /** Waits until the worker flips ToMain, and returns what it flipped to. */
  async #next(): Promise<ToMain> {
    const ctl = this.#ctl;
    for (;;) {
      if (this.#death) throw this.#death;
      const state = Atomics.load(ctl, Ctl.ToMain);
      if (state !== ToMain.None) {
        Atomics.store(ctl, Ctl.ToMain, ToMain.None);
        return state as ToMain;
      }
      await threadDoorbell().wait(ctl);
    }
  }

  async #serveHostCall(): Promise<void> {
    const fn = this.#ctl[Ctl.HostFn]!;
    let failure: SerializedError | undefined;
    try {
      if (fn === BuiltinCall.Logs) {
        this.#deliverLogs();
      } else {
        const limit = this.#spec.options.limits.maxHostCallsPerCall;
        if (++this.#call.hostCalls > limit) {
          throw new WardenError('LIMIT_EXCEEDED', `plugin ${this.#spec.options.name} made more than ${limit} host calls in one call; raise limits.maxHostCallsPerCall`, {
            data: { limit: 'maxHostCallsPerCall', cap: limit },
          });
        }
        const user = fn === BuiltinCall.Http ? undefined : this.#spec.plan.userFunctions[fn];
        if (fn !== BuiltinCall.Http && !user) throw new WardenError('HOST_FUNCTION_ERROR', `unknown host function index ${fn}`);
        const scope = { plugin: this.#spec.options.name, kernel: this.#kernel, slots: this.#slots, signal: this.#abort.signal, call: { ...this.#call } };
        await this.#untilDeath(user ? serveUserFunction(scope, user) : serveHttp(scope, this.#spec.http));
      }
    } catch (e) {
      if (this.#death) throw this.#death;
      failure = e instanceof WardenError ? e.toJSON()
        : { code: 'HOST_FUNCTION_ERROR', message: clip(`host function failed: ${(e as Error)?.message ?? String(e)}`), data: {} };
    }
    if (this.#death) throw this.#death;
    this.#ctl[Ctl.HostStatus] = failure ? 1 : 0;
    if (failure) writeMailbox(this.#control, failure);
    Atomics.store(this.#ctl, Ctl.ToWorker, ToWorker.HostReply);
    Atomics.notify(this.#ctl, Ctl.ToWorker);
  }

  /**
   * `work`, or the instance's death if that comes first: host work that never settles cannot hold
   * a call. A fresh promise per call (not a race against one long-lived promise, which would keep
   * a reaction per call alive for the life of the instance).
   */
  #untilDeath<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.add(reject);
      work.then(resolve, reject).finally(() => this.#pending.delete(reject));
    });
  }

  #deliverLogs(): void {
    const logs = drainLogs(this.#control);
    const logger = this.#spec.options.logger;
    if (!logger) return;
    for (const record of logs) logger({ ...record, plugin: this.#spec.options.name });
  }

  /** Resolves when the worker thread has stopped. */
  async close(): Promise<void> {
    this.kill(new WardenError('CLOSED', `plugin ${this.#spec.options.name} was closed`));
    await this.#worker.terminate();
  }
}
