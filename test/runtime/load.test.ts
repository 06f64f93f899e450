// Bad input to host.load: every case gets a typed error that says what to do, and the host keeps
// serving the plugins it already has.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createHost, type ErrorCode, type Plugin, type PluginOptions } from '../../src/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture, fixturePath } from '../helpers/fixture.js';

const host = createHost();
let canary: Plugin;
before(async () => {
  canary = await host.load(fixture('echo'));
});
after(async () => {
  assert.equal((await canary.call('echo', 'still serving')).text(), 'still serving');
  await host.close();
});

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('integrity', () => {
  it('loads when the sha256 matches, in either case', async () => {
    const bytes = fixture('echo');
    assert.ok((await host.load(bytes, { sha256: sha256(bytes) })).has('echo'));
    assert.ok((await host.load(fixturePath('echo'), { sha256: sha256(bytes).toUpperCase() })).has('echo'));
  });

  it('refuses a module whose sha256 differs, naming both hashes', async () => {
    const bytes = fixture('echo');
    const tampered = bytes.slice();
    tampered[tampered.length - 1]! ^= 1;
    const e = await rejectsWithCode(host.load(tampered, { sha256: sha256(bytes) }), 'HASH_MISMATCH', sha256(bytes));
    assert.equal(e.data['actual'], sha256(tampered));
  });

  it('checks each module of a multi-module plugin', async () => {
    const lib = fixture('multi_lib');
    const main = fixture('multi_main');
    await rejectsWithCode(host.load({ modules: [{ name: 'lib', bytes: lib, sha256: sha256(main) }, { name: 'main', bytes: main }] }), 'HASH_MISMATCH', 'lib');
  });
});

describe('malformed modules and options', () => {
  const cases: [string, Uint8Array, ErrorCode][] = [
    ['empty bytes', new Uint8Array(0), 'INVALID_WASM'],
    ['text instead of wasm', new TextEncoder().encode('(module)'), 'INVALID_WASM'],
    ['a truncated module', fixture('echo').subarray(0, 40), 'INVALID_WASM'],
    // A function whose body does not type-check: only V8's compiler sees that.
    ['code that does not validate', Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]), 'INVALID_WASM'],
  ];
  for (const [what, bytes, code] of cases) {
    it(`refuses ${what} with ${code}`, async () => {
      await rejectsWithCode(host.load(bytes), code);
    });
  }

  it('reports a missing file as NOT_FOUND', async () => {
    await rejectsWithCode(host.load('/nonexistent/plugin.wasm'), 'NOT_FOUND', '/nonexistent/plugin.wasm');
  });

  const badOptions: [string, PluginOptions][] = [
    ['an unknown limit', { limits: { timeoutMS: 5 } as never }],
    ['a negative limit', { limits: { timeoutMs: -1 } }],
    ['a memory cap over 4 GiB', { limits: { memoryMaxBytes: 8 * 1024 ** 3 } }],
    ['an input cap over the kernel memory', { limits: { inputMaxBytes: 2 ** 30, kernelMemoryMaxBytes: 2 ** 20 } }],
    ['a malformed sha256', { sha256: 'abc' }],
    ['an unknown log level', { logLevel: 'loud' as never }],
    ['a non-string config value', { config: { n: 1 as never } }],
    ['a reserved host-function namespace', { functions: { 'extism:host/env': { alloc: () => 0 } } }],
    ['a malformed allowed host', { allowedHosts: ['https://example.com/path'] }],
  ];
  for (const [what, options] of badOptions) {
    it(`refuses ${what} with INVALID_ARGUMENT`, async () => {
      await rejectsWithCode(host.load(fixture('echo'), options), 'INVALID_ARGUMENT');
    });
  }

  it('refuses two modules with the same name', async () => {
    await rejectsWithCode(host.load({ modules: [{ name: 'a', bytes: fixture('echo') }, { name: 'a', bytes: fixture('echo') }] }), 'INVALID_ARGUMENT', '"a"');
  });

  it('refuses to load on a closed host', async () => {
    const closed = createHost();
    await closed.close();
    await rejectsWithCode(closed.load(fixture('echo')), 'CLOSED');
  });
});

describe('host options', () => {
  it('refuses a spin or a spare-worker count out of range, naming the option', () => {
    for (const options of [{ spinMicros: -1 }, { spinMicros: 100_001 }, { spinMicros: 1.5 }, { spareWorkers: -1 }, { spareWorkers: 65 }]) {
      assert.throws(() => createHost(options), (e: Error & { code?: string }) => e.code === 'INVALID_ARGUMENT' && e.message.startsWith(Object.keys(options)[0]!), JSON.stringify(options));
    }
  });

  it('serves calls and host calls with no spin, and with a long one', async () => {
    for (const spinMicros of [0, 5_000]) {
      const own = createHost({ spinMicros, spareWorkers: 0 });
      try {
        const plugin = await own.load(fixture('c_kitchen'), { functions: { 'extism:host/user': { add_i64: () => 42n } } });
        for (let i = 0; i < 20; i++) {
          assert.equal((await plugin.call('host_add')).text(), '42');
          if (i % 5 === 0) await new Promise((r) => setTimeout(r, 2)); // waits the spin does and does not catch
        }
      } finally {
        await own.close();
      }
    }
  });
});
