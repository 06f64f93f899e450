// Application host functions (`extism:host/user`): sync and async, i64 arguments as bigint, the
// HostCallContext (text/read/json/store/signal), failures, a guest that swallows a host
// exception, and link errors for imports nobody provides.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { createHost, HostCallContext, WardenError, type HostFunction, type Plugin, type WasmValue } from '../../src/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';

const host = createHost();
after(() => host.close());

const user = (fns: Record<string, HostFunction>) => ({ 'extism:host/user': fns });
const reversed = (s: string): string => [...s].reverse().join('');
const kitchen = (reverse: HostFunction, limits = {}): Promise<Plugin> =>
  host.load(fixture('as_kitchen'), { name: 'kitchen', functions: user({ reverse }), limits });
const cKitchen = (add_i64: HostFunction): Promise<Plugin> => host.load(fixture('c_kitchen'), { name: 'c', functions: user({ add_i64 }) });

describe('c_kitchen host_add: i64 arguments and result', () => {
  it('a sync host function gets bigint arguments and the context', async () => {
    const seen: unknown[] = [];
    const p = await cKitchen((ctx, a, b) => {
      seen.push(ctx instanceof HostCallContext, ctx.plugin, ctx.signal.aborted, a, b);
      return (a as bigint) + (b as bigint);
    });
    assert.equal((await p.call('host_add')).text(), '42');
    assert.deepEqual(seen, [true, 'c', false, 40n, 2n]);
  });

  it('an async host function (with a delay) works the same', async () => {
    const p = await cKitchen(async (_ctx, a, b) => {
      await sleep(20);
      return (a as bigint) + (b as bigint);
    });
    assert.equal((await p.call('host_add')).text(), '42');
    assert.equal((await p.call('host_add')).text(), '42');
  });

  it('a number result for an i64 is converted', async () => {
    const p = await cKitchen(() => 42);
    assert.equal((await p.call('host_add')).text(), '42');
  });

  it('a result that is not an integer fails with HOST_FUNCTION_ERROR, and the plugin recovers', async () => {
    let result: unknown = 1.5;
    const p = await cKitchen(() => result as WasmValue);
    await rejectsWithCode(p.call('host_add'), 'HOST_FUNCTION_ERROR');
    result = 7n;
    assert.equal((await p.call('host_add')).text(), '7');
  });
});

describe('as_kitchen call_host: strings through ctx.text / ctx.store', () => {
  const syncReverse: HostFunction = (ctx, h) => ctx.store(reversed(ctx.text(h) ?? ''));

  it('sync reverse', async () => {
    const p = await kitchen(syncReverse);
    assert.equal((await p.call('call_host', 'stressed')).text(), 'desserts');
    assert.equal((await p.call('call_host', 'héllo ✓')).text(), '✓ olléh');
  });

  it('async reverse with a setTimeout delay', async () => {
    const p = await kitchen(async (ctx, h) => {
      const text = ctx.text(h) ?? '';
      await sleep(30);
      return ctx.store(reversed(text));
    });
    assert.equal((await p.call('call_host', 'stressed')).text(), 'desserts');
    assert.equal((await p.call('call_host', 'drawer')).text(), 'reward');
  });

  it('ctx.read / ctx.json see the guest\'s bytes; ctx.store takes bytes and JSON values', async () => {
    const seen: unknown[] = [];
    let answer: string | Uint8Array | object = new TextEncoder().encode('from bytes');
    const p = await kitchen((ctx, h) => {
      seen.push(ctx.read(h), ctx.json(h));
      return ctx.store(answer);
    });
    assert.equal((await p.call('call_host', '{"k":[1,2]}')).text(), 'from bytes');
    assert.deepEqual(seen, [new TextEncoder().encode('{"k":[1,2]}'), { k: [1, 2] }]);
    answer = { ok: true };
    assert.deepEqual((await p.call('call_host', '{}')).json(), { ok: true });
  });

  it('ctx.read of a handle that is not a block is null', async () => {
    const seen: unknown[] = [];
    const p = await kitchen((ctx, h) => {
      seen.push(ctx.read(0n), ctx.text(0xffff_ffff_ffffn), ctx.read(-1n));
      return h;
    });
    assert.equal((await p.call('call_host', 'same handle back')).text(), 'same handle back');
    assert.deepEqual(seen, [null, null, null]);
  });

  it('a context used after its host function returned throws CLOSED', async () => {
    let kept: HostCallContext | undefined;
    let handle = 0n;
    const p = await kitchen((ctx, h) => {
      kept = ctx;
      handle = h as bigint;
      return h;
    });
    await p.call('call_host', 'abc');
    assert.ok(kept);
    assert.throws(() => kept!.read(handle), { code: 'CLOSED' });
    assert.throws(() => kept!.store('late'), { code: 'CLOSED' });
  });

  it('concurrent calls on two instances each get their own context', async () => {
    const p = await kitchen(async (ctx, h) => {
      const text = ctx.text(h) ?? '';
      await sleep(Number(text.length % 3) * 10);
      return ctx.store(reversed(text));
    }, { maxInstances: 2 });
    const inputs = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
    const outs = await Promise.all(inputs.map((s) => p.call('call_host', s)));
    assert.deepEqual(outs.map((o) => o.text()), inputs.map(reversed));
  });

  it('a host function may call the same plugin again (another instance serves it)', async () => {
    let self: Plugin | undefined;
    const p = await kitchen(async (ctx, h) => ctx.store((await self!.call('greet', ctx.text(h))).text()), { maxInstances: 2 });
    self = p;
    assert.equal((await p.call('call_host', 'again')).text(), 'Hello, again!');
  });
});

describe('failing host functions', () => {
  it('a sync throw fails the call with HOST_FUNCTION_ERROR naming the function and its message; the plugin keeps working', async () => {
    let fail = true;
    const p = await kitchen((ctx, h) => {
      if (fail) throw new Error('database is down');
      return ctx.store(reversed(ctx.text(h) ?? ''));
    }, { maxInstances: 1 });
    const e = await rejectsWithCode(p.call('call_host', 'x'), 'HOST_FUNCTION_ERROR', 'database is down');
    assert.match(e.message, /reverse/);
    fail = false;
    assert.equal((await p.call('call_host', 'stressed')).text(), 'desserts');
  });

  it('an async rejection and a thrown non-Error fail the same way', async () => {
    let mode = 0;
    const p = await kitchen(async (ctx, h) => {
      await sleep(5);
      if (mode === 0) throw new Error('async failure');
      if (mode === 1) throw 'a string';
      return ctx.store(reversed(ctx.text(h) ?? ''));
    });
    await rejectsWithCode(p.call('call_host', 'x'), 'HOST_FUNCTION_ERROR', 'async failure');
    mode = 1;
    await rejectsWithCode(p.call('call_host', 'x'), 'HOST_FUNCTION_ERROR', 'a string');
    mode = 2;
    assert.equal((await p.call('call_host', 'ok')).text(), 'ko');
  });

  it('a host function that throws a WardenError fails the call with that code', async () => {
    const p = await kitchen(() => { throw new WardenError('PERMISSION_DENIED', 'not for you'); });
    await rejectsWithCode(p.call('call_host', 'x'), 'PERMISSION_DENIED', 'not for you');
  });

  it('a host function past the deadline: ctx.signal aborts and the call fails with TIMEOUT', async () => {
    let aborted = false;
    const p = await kitchen(async (ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted = ctx.signal.aborted;
      return 0n;
    }, { maxInstances: 1 });
    const t0 = Date.now();
    await rejectsWithCode(p.call('call_host', 'slow', { timeoutMs: 200 }), 'TIMEOUT');
    assert.ok(Date.now() - t0 < 1000, `settled after ${Date.now() - t0} ms`);
    assert.equal(aborted, true);
  });

  it('a host function that ignores ctx.signal does not hold the call past its deadline', async () => {
    const p = await cKitchen(async (_ctx, a, b) => {
      await sleep(2000);
      return (a as bigint) + (b as bigint);
    });
    const t0 = Date.now();
    await rejectsWithCode(p.call('host_add', '', { timeoutMs: 200 }), 'TIMEOUT');
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 700, `TIMEOUT came after ${elapsed} ms for a 200 ms deadline`);
  });

  it('the TIMEOUT message states the deadline that applied (the per-call timeoutMs, not limits.timeoutMs)', async () => {
    const p = await host.load(fixture('spin'));
    const e = await rejectsWithCode(p.call('spin', '', { timeoutMs: 250 }), 'TIMEOUT');
    assert.match(e.message, /\b(1\d\d|2[0-4]\d|250) ms\b/);
    assert.doesNotMatch(e.message, /10000/);
  });

  it('a per-call timeoutMs above 2^31-1 ms is refused (or clamped), not an instant TIMEOUT', async () => {
    const p = await cKitchen(async (_ctx, a, b) => {
      await sleep(50);
      return (a as bigint) + (b as bigint);
    });
    for (const timeoutMs of [3e9, Infinity]) {
      const out = await p.call('host_add', '', { timeoutMs }).then((o) => o.text(), (e: unknown) => e);
      if (typeof out === 'string') assert.equal(out, '42');
      else await rejectsWithCode(Promise.reject(out), 'INVALID_ARGUMENT');
    }
  });
});

describe('catch_host: the guest swallows a host exception', () => {
  it('explode that returns: run succeeds with no output', async () => {
    let called = 0;
    const p = await host.load(fixture('catch_host'), { functions: user({ explode: () => { called++; } }) });
    assert.equal((await p.call('run')).length, 0);
    assert.equal(called, 1);
  });

  it('explode that throws: the call still fails (guest catches and spins) and the host keeps serving', async () => {
    let explode = true;
    const p = await host.load(fixture('catch_host'), {
      functions: user({ explode: () => { if (explode) throw new Error('denied by host'); } }), limits: { maxInstances: 1 },
    });
    const canary = await host.load(fixture('echo'));
    const t0 = Date.now();
    const failing = rejectsWithCode(p.call('run', undefined, { timeoutMs: 300 }), ['HOST_FUNCTION_ERROR', 'TIMEOUT']);
    assert.equal((await canary.call('echo', 'still here')).text(), 'still here');
    await failing;
    assert.ok(Date.now() - t0 < 1500, `settled after ${Date.now() - t0} ms`);
    explode = false;
    assert.equal((await p.call('run')).length, 0, 'the spinning instance was replaced');
    assert.equal((await canary.call('echo', 'after')).text(), 'after');
  });
});

describe('link errors', () => {
  it('c_kitchen without add_i64 -> LINK_ERROR listing extism:host/user.add_i64', async () => {
    const e = await rejectsWithCode(host.load(fixture('c_kitchen')), 'LINK_ERROR', 'extism:host/user.add_i64');
    assert.ok((e.data['missing'] as string[]).some((m) => m.startsWith('extism:host/user.add_i64')));
  });

  it('as_kitchen with reverse under another namespace or name -> LINK_ERROR listing extism:host/user.reverse', async () => {
    await rejectsWithCode(host.load(fixture('as_kitchen'), { functions: { env: { reverse: () => 0n } } }), 'LINK_ERROR', 'extism:host/user.reverse');
    await rejectsWithCode(host.load(fixture('as_kitchen'), { functions: user({ revers: () => 0n }) }), 'LINK_ERROR', 'extism:host/user.reverse');
  });

  it('unknown_import (extism:host/env exec) -> LINK_ERROR naming it', async () => {
    await rejectsWithCode(host.load(fixture('unknown_import')), 'LINK_ERROR', 'extism:host/env.exec');
  });

  it('host functions cannot be registered in Warden\'s own namespaces', async () => {
    await rejectsWithCode(host.load(fixture('echo'), { functions: { 'extism:host/env': { alloc: () => 0n } } }), 'INVALID_ARGUMENT');
    await rejectsWithCode(host.load(fixture('echo'), { functions: { wasi_snapshot_preview1: { fd_write: () => 0 } } }), 'INVALID_ARGUMENT');
  });

  it('a host function that is not a function -> INVALID_ARGUMENT', async () => {
    await rejectsWithCode(host.load(fixture('c_kitchen'), { functions: user({ add_i64: 42 as unknown as HostFunction }) }), 'INVALID_ARGUMENT');
  });
});
