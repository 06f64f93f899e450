/**
 * The worker's end of the control block: wait for a call, ask the main thread for a host call and
 * sleep until it answers, and pass JSON through the mailbox. The waits spin briefly before they
 * sleep on the futex: a sleeping thread takes tens of microseconds to wake on a loaded machine,
 * and most host replies and back-to-back calls arrive sooner than that. The spin adapts: after a
 * wait it would not have caught, the next wait of that kind spins half as long, so a plugin
 * called now and then, or a host reply that takes milliseconds, costs no CPU; a wait it would
 * have caught restores the full spin. They never poll with a timeout: every wake-up is a real
 * Atomics.notify.
 */
import { ring } from '../doorbell.js';
import { Ctl, MAILBOX_OFFSET, SLOTS_OFFSET, ToMain, ToWorker } from '../protocol.js';

export class WorkerChannel {
  readonly ctl: Int32Array;
  readonly slots: DataView;
  readonly #bell: Int32Array;
  /** Longest spin before sleeping, in ms; 0 until the plugin's settings arrive. */
  #spinMs = 0;
  /** The spin of the next wait, in ms, per awaited state (Call, HostReply…). */
  readonly #budget = new Float64Array(8);

  constructor(readonly control: SharedArrayBuffer, doorbell: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
    this.#bell = new Int32Array(doorbell);
    this.slots = new DataView(control, SLOTS_OFFSET, MAILBOX_OFFSET - SLOTS_OFFSET);
  }

  /** Sets the longest spin, in microseconds. */
  set spinMicros(us: number) {
    this.#spinMs = us / 1000;
    this.#budget.fill(this.#spinMs);
  }

  /** Blocks until the main thread sets ToWorker to `state`, then resets it to Idle. */
  waitFor(state: ToWorker): void {
    const ctl = this.ctl;
    if (Atomics.load(ctl, Ctl.ToWorker) !== state) {
      const start = performance.now();
      const budget = this.#budget[state]!;
      if (!(budget > 0 && spinUntil(ctl, state, start + budget))) {
        while (Atomics.load(ctl, Ctl.ToWorker) !== state) Atomics.wait(ctl, Ctl.ToWorker, ToWorker.Idle);
      }
      // Woken within twice the full spin (the second half allows for the wake-up itself): a full
      // spin would (nearly) have caught it.
      const waited = performance.now() - start;
      this.#budget[state] = waited <= 2 * this.#spinMs ? this.#spinMs : budget >= 0.002 ? budget / 2 : 0;
    }
    Atomics.store(ctl, Ctl.ToWorker, ToWorker.Idle);
  }

  /** Tells the main thread something happened (ready, done, host call). */
  signal(state: ToMain): void {
    Atomics.store(this.ctl, Ctl.ToMain, state);
    ring(this.#bell);
  }

  /** Runs host function `fn` on the main thread and blocks until it answers. True when it failed. */
  hostCall(fn: number): boolean {
    this.ctl[Ctl.HostFn] = fn;
    this.signal(ToMain.HostCall);
    this.waitFor(ToWorker.HostReply);
    return this.ctl[Ctl.HostStatus] !== 0;
  }
}

/** Spins until ToWorker is `state` (true) or the clock passes `until` (false). */
function spinUntil(ctl: Int32Array, state: ToWorker, until: number): boolean {
  for (let i = 1; ; i++) {
    if (Atomics.load(ctl, Ctl.ToWorker) === state) return true;
    if ((i & 63) === 0 && performance.now() >= until) return false;
  }
}
