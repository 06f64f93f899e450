/**
 * The worker's end of the control block: wait for a call, ask the main thread for a host call and
 * sleep until it answers, and pass JSON through the mailbox. The waits spin briefly before they
 * sleep on the futex: a sleeping thread takes tens of microseconds to wake on a loaded machine,
 * and most replies arrive sooner than that. They never poll with a timeout: every wake-up is a
 * real Atomics.notify.
 */
import { Ctl, MAILBOX_OFFSET, SLOTS_OFFSET, ToMain, ToWorker } from '../protocol.js';

export class WorkerChannel {
  readonly ctl: Int32Array;
  readonly slots: DataView;
  /** Iterations to spin before sleeping; 0 until the plugin's settings arrive. */
  spin = 0;

  constructor(readonly control: SharedArrayBuffer) {
    this.ctl = new Int32Array(control);
    this.slots = new DataView(control, SLOTS_OFFSET, MAILBOX_OFFSET - SLOTS_OFFSET);
  }

  /** Blocks until the main thread sets ToWorker to `state`, then resets it to Idle. */
  waitFor(state: ToWorker): void {
    const ctl = this.ctl;
    let spins = this.spin;
    while (Atomics.load(ctl, Ctl.ToWorker) !== state) {
      if (spins > 0) {
        spins--;
        continue;
      }
      Atomics.wait(ctl, Ctl.ToWorker, ToWorker.Idle);
    }
    Atomics.store(ctl, Ctl.ToWorker, ToWorker.Idle);
  }

  /** Tells the main thread something happened (ready, done, host call). */
  signal(state: ToMain): void {
    Atomics.store(this.ctl, Ctl.ToMain, state);
    Atomics.notify(this.ctl, Ctl.ToMain);
  }

  /** Runs host function `fn` on the main thread and blocks until it answers. True when it failed. */
  hostCall(fn: number): boolean {
    this.ctl[Ctl.HostFn] = fn;
    this.signal(ToMain.HostCall);
    this.waitFor(ToWorker.HostReply);
    return this.ctl[Ctl.HostStatus] !== 0;
  }
}
