// THREATS.md "CPU and time" and "Memory, stack, sizes": each hostile plugin gets a typed error,
// its instance is discarded, and a canary plugin called at the same time keeps succeeding.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHost, type WardenError, type Plugin } from '../../src/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';
import { until } from '../helpers/until.js';

const host = createHost();
let canary: Plugin;

/** Runs `attack` while the canary keeps being called; every canary call must succeed. */
async function withCanary<T>(attack: () => Promise<T>): Promise<T> {
  let running = true;
  let served = 0;
  const loop = (async () => {
    // At least one call, even when the attack is over before the first one returns.
    while (running || served === 0) {
      assert.equal((await canary.call('echo', 'still here')).text(), 'still here');
      served++;
      await new Promise((r) => setImmediate(r));
    }
  })();
  try {
    return await attack();
  } finally {
    running = false;
    await loop;
    assert.ok(served > 0, 'the canary was served while the attack ran');
  }
}

before(async () => {
  canary = await host.load(fixture('echo'), { name: 'canary' });
});
after(() => host.close());

describe('CPU and time', () => {
  it('kills an infinite loop at the deadline, replaces the instance, and serves the next call', async () => {
    const plugin = await host.load(fixture('spin'), { limits: { timeoutMs: 200 } });
    await withCanary(() => rejectsWithCode(plugin.call('spin'), 'TIMEOUT'));
    // Replaced without waiting for a call.
    await until(() => plugin.stats().instances > 0, { timeoutMs: 2000, stepMs: 10 });
    assert.equal(plugin.stats().instances, 1);
    assert.equal((await plugin.call('ok')).text(), 'ok');
    assert.equal(plugin.stats().discarded, 1);
  });

  it('honours a per-call deadline shorter than the plugin default', async () => {
    const plugin = await host.load(fixture('spin'), { limits: { timeoutMs: 60_000 } });
    await rejectsWithCode(plugin.call('spin', undefined, { timeoutMs: 100 }), 'TIMEOUT');
  });

  it('fails the load when a start function spins', async () => {
    await withCanary(() => rejectsWithCode(host.load(fixture('start_spin'), { limits: { timeoutMs: 200 } }), 'TIMEOUT'));
  });

  it('fails the load when _initialize spins', async () => {
    await rejectsWithCode(host.load(fixture('initialize_spin'), { limits: { timeoutMs: 200 } }), 'TIMEOUT');
  });

  it('covers time spent in a host function that never returns', async () => {
    const plugin = await host.load(fixture('c_kitchen'), {
      limits: { timeoutMs: 200 },
      functions: { 'extism:host/user': { add_i64: () => new Promise<bigint>(() => undefined) } },
    });
    await withCanary(() => rejectsWithCode(plugin.call('host_add'), 'TIMEOUT'));
  });

  it('backs off restarting instances after repeated timeouts', async () => {
    const plugin = await host.load(fixture('spin'), { limits: { timeoutMs: 30, maxInstances: 1 } });
    const results = [];
    for (let i = 0; i < 25; i++) results.push(await plugin.call('spin').catch((e: WardenError) => e.code));
    assert.ok(results.every((r) => r === 'TIMEOUT'));
    // Without backoff every call would start a new worker; with it most calls time out waiting.
    assert.ok(plugin.stats().started < 15, `started ${plugin.stats().started} instances for 25 timeouts`);
  });

  it('refuses an oversized module before compiling it', async () => {
    const big = new Uint8Array(50 * 1024 * 1024);
    big.set([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    await rejectsWithCode(host.load(big), 'MODULE_TOO_LARGE');
  });

  it('refuses a module with 100,000 functions', async () => {
    const n = 100_000;
    const leb = (v: number): number[] => { const o: number[] = []; do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; o.push(b); } while (v); return o; };
    const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
    const funcs = [...leb(n), ...new Array<number>(n).fill(0)];
    const code = [...leb(n)];
    for (let i = 0; i < n; i++) code.push(2, 0, 0x0b);
    const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...section(1, [1, 0x60, 0, 0]), ...section(3, funcs), ...section(10, code)]);
    await rejectsWithCode(host.load(bytes), 'MODULE_TOO_LARGE');
  });
});

describe('Memory, stack, sizes', () => {
  it('stops memory.grow at the cap when the module declares no maximum', async () => {
    const plugin = await host.load(fixture('grow'), { limits: { memoryMaxBytes: 4 * 1024 * 1024 } });
    assert.equal((await withCanary(() => plugin.call('grow_forever'))).text(), '64');
  });

  it('clamps a declared maximum above the cap', async () => {
    const plugin = await host.load(fixture('grow_max'), { limits: { memoryMaxBytes: 2 * 1024 * 1024 } });
    assert.equal((await plugin.call('grow_forever')).text(), '32');
  });

  it('caps an imported memory that the host creates', async () => {
    const plugin = await host.load(fixture('imported_mem'), { limits: { memoryMaxBytes: 1024 * 1024 } });
    assert.equal((await plugin.call('size')).text(), '1');
    assert.equal((await plugin.call('grow_forever')).text(), '16');
  });

  it('runs a module at a cap of exactly one page', async () => {
    const plugin = await host.load(fixture('grow'), { limits: { memoryMaxBytes: 65536 } });
    assert.equal((await plugin.call('grow_forever')).text(), '1');
  });

  it('refuses a module whose minimum memory is over the cap', async () => {
    const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0x00, 20]);
    await rejectsWithCode(host.load(bytes, { limits: { memoryMaxBytes: 1024 * 1024 } }), 'MEMORY_LIMIT');
  });

  it('turns a 2 GiB memory.fill into a trap', async () => {
    const plugin = await host.load(fixture('fill'));
    await withCanary(() => rejectsWithCode(plugin.call('fill'), 'TRAP'));
    await rejectsWithCode(plugin.call('grow_fill'), 'TRAP');
  });

  it('reports infinite recursion as a stack overflow and discards the instance', async () => {
    const plugin = await host.load(fixture('recurse'));
    await withCanary(() => rejectsWithCode(plugin.call('recurse'), 'STACK_OVERFLOW'));
    await rejectsWithCode(plugin.call('recurse'), 'STACK_OVERFLOW');
    assert.equal(plugin.stats().discarded, 2);
  });

  it('refuses shared memory', async () => {
    const e = await rejectsWithCode(host.load(fixture('shared_mem')), 'INVALID_WASM');
    assert.match(e.message, /shared memory/);
  });

  it('rejects a 1 GB input before the plugin runs', async () => {
    await rejectsWithCode(canary.call('echo', new Uint8Array(1024 * 1024 * 1024)), 'INPUT_TOO_LARGE');
    assert.equal((await canary.call('echo', 'after')).text(), 'after');
  });

  it('caps a million log lines per call and still finishes', async () => {
    let bytes = 0;
    let dropped = '';
    const plugin = await host.load(fixture('log_flood'), {
      limits: { logMaxBytesPerCall: 10_000 },
      logger: (r) => {
        if (r.message.includes('dropped')) dropped = r.message;
        else bytes += r.message.length;
      },
    });
    await plugin.call('log_flood');
    assert.ok(bytes <= 10_000, `kept ${bytes} bytes of logs`);
    assert.match(dropped, /99990000 bytes dropped/);
  });
});
