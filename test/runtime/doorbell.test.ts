// The doorbell: how the main thread learns that workers finished. A lost wake-up would leave a
// call waiting until its deadline, so these run many calls through the moments where the loop
// switches between checking every turn and sleeping on the doorbell.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { after, describe, it } from 'node:test';
import { createHost } from '../../src/index.js';
import { Doorbell } from '../../src/runtime/doorbell.js';
import { Ctl, ToMain } from '../../src/runtime/protocol.js';
import { fixture } from '../helpers/fixture.js';

const host = createHost();
after(() => host.close());

/** A thread that, after `delayMs`, flips ToMain of `control` to Done and rings `doorbell`. */
function flipLater(control: SharedArrayBuffer, doorbell: SharedArrayBuffer, delayMs: number): Worker {
  return new Worker(`
    const { workerData: { control, doorbell, delayMs } } = require('node:worker_threads');
    const ctl = new Int32Array(control), bell = new Int32Array(doorbell);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
    Atomics.store(ctl, ${Ctl.ToMain}, ${ToMain.Done});
    Atomics.add(bell, 0, 1);
    if (Atomics.load(bell, 1) !== 0) Atomics.notify(bell, 0);
  `, { eval: true, workerData: { control, doorbell, delayMs } });
}

describe('doorbell', () => {
  it('resolves a wait when another thread flips the block, whether the loop is asleep or checking', async () => {
    const bell = new Doorbell();
    for (const delayMs of [0, 1, 30]) {
      const control = new SharedArrayBuffer(64);
      const worker = flipLater(control, bell.buffer, delayMs);
      await bell.wait(new Int32Array(control));
      assert.equal(Atomics.load(new Int32Array(control), Ctl.ToMain), ToMain.Done);
      await worker.terminate();
    }
  });

  it('resolves a wait at once when the block already flipped, and on interrupt when it never will', async () => {
    const bell = new Doorbell();
    const flipped = new Int32Array(new SharedArrayBuffer(64));
    flipped[Ctl.ToMain] = ToMain.Done;
    await bell.wait(flipped);
    const never = new Int32Array(new SharedArrayBuffer(64));
    const waiting = bell.wait(never);
    setTimeout(() => bell.interrupt(never), 20);
    await waiting;
    assert.equal(never[Ctl.ToMain], ToMain.None);
  });

  it('loses no call across bursts and pauses, over several plugins', async () => {
    const plugins = await Promise.all([0, 1, 2].map(() => host.load(fixture('echo'), { limits: { maxInstances: 2, timeoutMs: 10_000 } })));
    let done = 0;
    await Promise.all(Array.from({ length: 12 }, async (_, lane) => {
      for (let i = 0; i < 150; i++) {
        const text = `lane ${lane} call ${i}`;
        assert.equal((await plugins[(lane + i) % 3]!.call('echo', text)).text(), text);
        done++;
        // Pauses let every call finish and the loop go back to sleeping on the doorbell.
        if (i % 25 === lane % 25) await sleep(lane % 3);
      }
    }));
    assert.equal(done, 12 * 150);
  });
});
