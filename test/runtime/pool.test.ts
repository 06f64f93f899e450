// Instances are not reentrant: concurrent calls use other instances of a bounded pool or wait in
// a bounded queue; past that they get BUSY. Closing settles every pending call.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createHost, WardenError } from '../../src/index.js';
import { fixture } from '../helpers/fixture.js';

const host = createHost();
after(() => host.close());

/** A host function that blocks the guest until the test releases it. */
function gate() {
  const waiting: (() => void)[] = [];
  let entered = 0;
  return {
    fn: () => new Promise<bigint>((resolve) => { entered++; waiting.push(() => resolve(42n)); }),
    get entered() { return entered; },
    release: () => { for (const r of waiting.splice(0)) r(); },
  };
}

/** A plugin with one instance, busy in a call held at the gate. */
async function oneBusyInstance() {
  const g = gate();
  const plugin = await host.load(fixture('c_kitchen'), {
    limits: { maxInstances: 1 }, functions: { 'extism:host/user': { add_i64: g.fn } },
  });
  const running = plugin.call('host_add');
  while (g.entered < 1) await new Promise((r) => setTimeout(r, 5));
  return { g, plugin, running };
}

describe('instance pool', () => {
  it('runs concurrent calls on separate instances, up to maxInstances', async () => {
    const g = gate();
    const plugin = await host.load(fixture('c_kitchen'), {
      limits: { maxInstances: 3 }, functions: { 'extism:host/user': { add_i64: g.fn } },
    });
    const calls = [1, 2, 3].map(() => plugin.call('host_add'));
    while (g.entered < 3) await new Promise((r) => setTimeout(r, 5));
    assert.equal(plugin.stats().instances, 3);
    g.release();
    assert.deepEqual((await Promise.all(calls)).map((o) => o.text()), ['42', '42', '42']);
  });

  it('queues past maxInstances and refuses past maxQueuedCalls with BUSY', async () => {
    const g = gate();
    const plugin = await host.load(fixture('c_kitchen'), {
      limits: { maxInstances: 1, maxQueuedCalls: 2 }, functions: { 'extism:host/user': { add_i64: g.fn } },
    });
    const running = plugin.call('host_add');
    while (g.entered < 1) await new Promise((r) => setTimeout(r, 5));
    const queued = [plugin.call('host_add'), plugin.call('host_add')];
    await assert.rejects(plugin.call('host_add'), (e: WardenError) => e.code === 'BUSY');
    assert.equal(plugin.stats().queued, 2);
    for (let served = 1; served < 3; served++) {
      g.release();
      while (g.entered < served + 1) await new Promise((r) => setTimeout(r, 5));
    }
    g.release();
    for (const o of await Promise.all([running, ...queued])) assert.equal(o.text(), '42');
    assert.equal(plugin.stats().started, 1, 'one instance served every call in turn');
  });

  it('times out a call that waited too long for an instance', async () => {
    const { g, plugin, running } = await oneBusyInstance();
    await assert.rejects(plugin.call('host_add', undefined, { timeoutMs: 50 }), (e: WardenError) => e.code === 'TIMEOUT');
    g.release();
    assert.equal((await running).text(), '42');
  });

  it('times queued calls out at their own deadlines, whatever their order, and serves the rest', async () => {
    const { g, plugin, running } = await oneBusyInstance();
    const started = performance.now();
    const patient = plugin.call('host_add', undefined, { timeoutMs: 20_000 });
    const hasty = plugin.call('host_add', undefined, { timeoutMs: 60 });
    const hastier = plugin.call('host_add', undefined, { timeoutMs: 30 });
    await assert.rejects(hastier, (e: WardenError) => e.code === 'TIMEOUT');
    await assert.rejects(hasty, (e: WardenError) => e.code === 'TIMEOUT');
    // Both left the queue long before the patient call's deadline.
    assert.ok(performance.now() - started < 10_000);
    assert.equal(plugin.stats().queued, 1);
    g.release();
    assert.equal((await running).text(), '42');
    while (g.entered < 2) await new Promise((r) => setTimeout(r, 5));
    g.release();
    assert.equal((await patient).text(), '42');
    assert.equal(plugin.stats().queued, 0);
  });

  it('settles every pending call with CLOSED when the plugin closes', async () => {
    const g = gate();
    const plugin = await host.load(fixture('c_kitchen'), {
      limits: { maxInstances: 1 }, functions: { 'extism:host/user': { add_i64: g.fn } },
    });
    const running = plugin.call('host_add');
    const queued = plugin.call('host_add');
    while (g.entered < 1) await new Promise((r) => setTimeout(r, 5));
    const settled = Promise.allSettled([running, queued]);
    await plugin.close();
    for (const r of await settled) assert.equal(r.status === 'rejected' && (r.reason as WardenError).code, 'CLOSED');
    await assert.rejects(plugin.call('host_add'), (e: WardenError) => e.code === 'CLOSED');
  });

  it('keeps per-instance vars on the instance that set them', async () => {
    const plugin = await host.load(fixture('as_kitchen'), { functions: { 'extism:host/user': { reverse: (_ctx, h) => h } } });
    assert.deepEqual([(await plugin.call('count')).text(), (await plugin.call('count')).text()], ['1', '2']);
  });
});
