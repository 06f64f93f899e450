// A call's AbortSignal cancels it: before it starts, while it waits for an instance, and while it
// runs (the instance is terminated, as at a timeout, and replaced without backoff).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createHost } from '../../src/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';

const host = createHost();
after(() => host.close());

const aborted = (ms: number): AbortSignal => AbortSignal.timeout(ms);

describe('cancelling a call', () => {
  it('refuses a call whose signal has already fired, without running it', async () => {
    const plugin = await host.load(fixture('spin'));
    const controller = new AbortController();
    controller.abort();
    const e = await rejectsWithCode(plugin.call('spin', undefined, { signal: controller.signal }), 'CANCELLED');
    assert.equal(e.data.plugin, plugin.name);
    assert.deepEqual([plugin.stats().started, plugin.stats().discarded], [1, 0], 'nothing ran, nothing was replaced');
  });

  it('terminates a running call at once, and the next call gets a fresh instance', async () => {
    const plugin = await host.load(fixture('spin'), { limits: { timeoutMs: 60_000 } });
    const started = Date.now();
    await rejectsWithCode(plugin.call('spin', undefined, { signal: aborted(100) }), 'CANCELLED');
    assert.ok(Date.now() - started < 30_000, 'long before the 60 s deadline');
    assert.equal((await plugin.call('ok')).text(), 'ok');
    assert.equal(plugin.stats().discarded, 1);
  });

  it('takes a queued call out of the queue, leaving the running one alone', async () => {
    const plugin = await host.load(fixture('spin'), { limits: { timeoutMs: 60_000, maxInstances: 1 } });
    const stopRunning = new AbortController();
    const running = plugin.call('spin', undefined, { signal: stopRunning.signal });
    const queued = plugin.call('ok', undefined, { signal: aborted(100) });
    await rejectsWithCode(queued, 'CANCELLED');
    assert.deepEqual([plugin.stats().queued, plugin.stats().discarded], [0, 0], 'the queue is empty and the running instance lives');
    stopRunning.abort();
    await rejectsWithCode(running, 'CANCELLED');
    assert.equal((await plugin.call('ok')).text(), 'ok');
  });
});
