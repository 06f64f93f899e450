/**
 * How the main thread learns that instance workers flipped their `ToMain` word, without one
 * wake-up per flip. Every worker of this thread shares one doorbell (two Int32 words): after a
 * flip it bumps the ring counter and notifies only when the main thread said it is asleep.
 *
 * While flips keep coming, the main thread finds them by checking the waiting control blocks once
 * per event-loop turn (in the check phase, after the turn's I/O): a busy gateway then answers a
 * whole turn's finished calls with no futex calls and no cross-thread tasks. A turn that finds
 * nothing arms one `Atomics.waitAsync` on the ring counter and the loop sleeps until a worker
 * rings: an idle host costs no CPU. Under a REST load of 16 connections the loop slept on the
 * doorbell about once per 60 finished calls.
 *
 * The ordering argument: a worker stores its state, then bumps `Ring`, then reads `Asleep`. The
 * main thread reads `Ring`, stores `Asleep`, checks every state, then waits on `Ring` with the
 * value it read. All of these are sequentially consistent, so either the main thread's check sees
 * the state, or the worker's read of `Asleep` sees 1 and it notifies, or the worker's bump changed
 * `Ring` before the wait began and the wait returns at once.
 */
import { Ctl, ToMain } from './protocol.js';

/** Int32 indices into a doorbell. */
export const enum Bell {
  /** Bumped by a worker after each flip of its ToMain word. */
  Ring = 0,
  /** 1 while the main thread sleeps on Ring and needs a notify. */
  Asleep = 1,
}

export const DOORBELL_BYTES = 8;

/** The worker's side: call after storing a new ToMain state. */
export function ring(bell: Int32Array): void {
  Atomics.add(bell, Bell.Ring, 1);
  if (Atomics.load(bell, Bell.Asleep) !== 0) Atomics.notify(bell, Bell.Ring);
}

/** The main thread's side: resolves waits as the control blocks they watch flip. */
export class Doorbell {
  /** Shared with every worker this thread boots. */
  readonly buffer = new SharedArrayBuffer(DOORBELL_BYTES);
  readonly #bell = new Int32Array(this.buffer);
  /** Control blocks waited on, with the resolver of each wait. */
  readonly #waits = new Map<Int32Array, () => void>();
  #scheduled = false;
  #asleep = false;
  readonly #tick = (): void => this.#check();
  readonly #woken = (): void => {
    this.#asleep = false;
    Atomics.store(this.#bell, Bell.Asleep, 0);
    this.#check();
  };

  /**
   * Resolves once `ctl`'s ToMain word is not None, or when {@link interrupt} is called for it.
   * One wait per control block at a time.
   */
  wait(ctl: Int32Array): Promise<void> {
    if (Atomics.load(ctl, Ctl.ToMain) !== ToMain.None) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#waits.set(ctl, resolve);
      // Asleep, the worker will ring; otherwise look at the next turn.
      if (!this.#asleep) this.#schedule();
    });
  }

  /** Resolves the wait on `ctl` now (its worker died, or will never flip). */
  interrupt(ctl: Int32Array): void {
    const resolve = this.#waits.get(ctl);
    if (!resolve) return;
    this.#waits.delete(ctl);
    resolve();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#tick);
  }

  /** Resolves the waits whose block flipped; returns how many. */
  #sweep(): number {
    let found = 0;
    for (const [ctl, resolve] of this.#waits) {
      if (Atomics.load(ctl, Ctl.ToMain) === ToMain.None) continue;
      this.#waits.delete(ctl);
      resolve();
      found++;
    }
    return found;
  }

  #check(): void {
    this.#scheduled = false;
    if (this.#sweep() > 0 || this.#waits.size === 0) {
      // More flips are likely while calls are in flight: look again next turn.
      if (this.#waits.size > 0) this.#schedule();
      return;
    }
    const bell = this.#bell;
    const seen = Atomics.load(bell, Bell.Ring);
    Atomics.store(bell, Bell.Asleep, 1);
    const wait = this.#sweep() > 0 ? undefined : Atomics.waitAsync(bell, Bell.Ring, seen);
    if (wait?.async) {
      this.#asleep = true;
      void wait.value.then(this.#woken);
      return;
    }
    Atomics.store(bell, Bell.Asleep, 0);
    this.#schedule();
  }
}

/** This thread's doorbell, made on first use. */
let doorbell: Doorbell | undefined;
export function threadDoorbell(): Doorbell {
  doorbell ??= new Doorbell();
  return doorbell;
}
