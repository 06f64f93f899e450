/**
 * Booted worker threads, before they belong to a plugin. Booting a Node worker costs tens of
 * milliseconds (74 ms median measured on the 2-core CI machine), which would dominate loading a
 * plugin and replacing a dead instance. So the host keeps a few spares booted: a spare sleeps on
 * its control block until an instance adopts it and sends it the plugin (through a MessagePort
 * it reads synchronously), then instantiates under the plugin's own deadline.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { WardenError } from '../errors.js';
import { threadDoorbell } from './doorbell.js';
import { CONTROL_BYTES, Ctl, ToMain } from './protocol.js';

const WORKER_URL = new URL('./worker/worker-main.js', import.meta.url);
/** How long Node may take to boot a worker thread; not charged to the plugin's deadline. */
const BOOT_TIMEOUT_MS = 30_000;

/** What a worker receives at spawn: its control block and the port its plugin will arrive on. */
export interface WorkerBootData {
  control: SharedArrayBuffer;
  /** The main thread's doorbell, rung after every flip of ToMain (see doorbell.ts). */
  doorbell: SharedArrayBuffer;
  port: MessagePort;
}

export class WorkerThread {
  private constructor(
    readonly worker: Worker,
    readonly control: SharedArrayBuffer,
    /** The main thread's end of the port the plugin is sent through. */
    readonly port: MessagePort,
    readonly heapMb: number,
  ) {}

  /** Spawns a worker and resolves once its code is loaded and it waits for a plugin. */
  static async boot(heapMb: number): Promise<WorkerThread> {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const doorbell = threadDoorbell();
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER_URL, {
      workerData: { control, doorbell: doorbell.buffer, port: port2 } satisfies WorkerBootData,
      transferList: [port2],
      // Plugin threads inherit nothing from the host process: no flags, no environment.
      execArgv: [],
      env: {},
      // Node closes the raw descriptors the worker opened (the WASI shim's files) when it exits,
      // also when it is terminated mid-call. (The default, set here because Warden relies on it.)
      trackUnmanagedFds: true,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 8, stackSizeMb: 4 },
    });
    worker.unref();
    port1.unref();
    const ctl = new Int32Array(control);
    let failure: Error | undefined;
    const onError = (e: Error): void => {
      failure = e;
      doorbell.interrupt(ctl);
    };
    worker.once('error', onError);
    worker.once('exit', onError);
    const timer = setTimeout(() => onError(new Error(`worker did not boot within ${BOOT_TIMEOUT_MS} ms`)), BOOT_TIMEOUT_MS);
    try {
      while (Atomics.load(ctl, Ctl.ToMain) !== ToMain.Booted) {
        if (failure) throw new WardenError('WORKER_CRASHED', `worker thread failed to boot: ${failure.message}`, { cause: failure });
        await doorbell.wait(ctl);
      }
      Atomics.store(ctl, Ctl.ToMain, ToMain.None);
    } catch (e) {
      void worker.terminate();
      throw e;
    } finally {
      clearTimeout(timer);
      worker.off('error', onError);
      worker.off('exit', onError);
    }
    return new WorkerThread(worker, control, port1, heapMb);
  }
}

/** A few booted workers kept ready, replenished in the background as they are taken. */
export class SpareWorkers {
  readonly #spares: Promise<WorkerThread | undefined>[] = [];
  #closed = false;

  constructor(
    readonly count: number,
    readonly heapMb: number,
  ) {}

  /** A booted worker with a heap of `heapMb`: a spare when one fits, otherwise a new one. */
  async take(heapMb: number): Promise<WorkerThread> {
    this.#fill();
    if (heapMb === this.heapMb) {
      while (this.#spares.length > 0) {
        const spare = await this.#spares.shift()!;
        this.#fill();
        if (spare && spare.worker.threadId >= 0) return spare;
      }
    }
    return WorkerThread.boot(heapMb);
  }

  /** Starts booting spares now (a load calls this first, so booting overlaps compiling). */
  warm(): void {
    this.#fill();
  }

  #fill(): void {
    while (!this.#closed && this.#spares.length < this.count) {
      const booting = WorkerThread.boot(this.heapMb).catch(() => undefined);
      this.#spares.push(booting);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const spares = await Promise.all(this.#spares.splice(0));
    await Promise.all(spares.map((s) => s?.worker.terminate()));
  }
}
