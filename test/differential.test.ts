// Differential tests: the well-behaved fixtures and inputs run through the official JS SDK
// (@extism/extism 2.0.0-rc13, in-thread, no WASI — as in test/fixtures/validate-with-extism.mjs)
// and through Warden, and must agree. Where Extism is wrong or laxer, the test name says so and
// asserts Warden's stricter behaviour instead.
import createPlugin, { type CallContext, type Plugin as ExtismPlugin } from '@extism/extism';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createHost, WardenError, type LogRecord, type Plugin, type PluginOptions } from '../src/index.js';
import { rejectsWithCode } from './helpers/errors.js';
import { fixture } from './helpers/fixture.js';

const host = createHost();
const extismPlugins: ExtismPlugin[] = [];
after(async () => {
  await host.close();
  await Promise.all(extismPlugins.map((p) => p.close()));
});

const reversed = (s: string): string => [...s].reverse().join('');
const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const extismFunctions: Record<string, Record<string, (ctx: CallContext, ...args: bigint[]) => unknown>> = {
  as_kitchen: { reverse: (ctx, h) => ctx.store(reversed(ctx.read(h!)?.text() ?? '')) },
  c_kitchen: { add_i64: (_ctx, a, b) => a! + b! },
};
const wardenFunctions: PluginOptions['functions'] = {
  'extism:host/user': { reverse: (ctx, h) => ctx.store(reversed(ctx.text(h!) ?? '')), add_i64: (_ctx, a, b) => (a as bigint) + (b as bigint) },
};

interface Pair { extism: ExtismPlugin; warden: Plugin }
type Source = string | { lib: string; main: string };

/** Loads `source` in both runtimes; Warden gets one instance so per-instance state matches. */
async function pair(source: Source, opts: { config?: Record<string, string>; logLevel?: 'trace' | 'warn'; logs?: string[][] } = {}): Promise<Pair> {
  const name = typeof source === 'string' ? source : source.main;
  const wasm = typeof source === 'string' ? [{ data: fixture(source) }] : [{ data: fixture(source.lib), name: 'lib' }, { data: fixture(source.main), name: 'main' }];
  const rec = (level: string) => (...args: unknown[]) => opts.logs?.[0]!.push(`${level}:${args.join(' ')}`);
  const logger = { trace: rec('trace'), debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error'), log: rec('log') } as unknown as Console;
  const extism = await createPlugin({ wasm }, {
    useWasi: false, runInWorker: false, functions: { 'extism:host/user': extismFunctions[name] ?? {} },
    ...(opts.config ? { config: opts.config } : {}), ...(opts.logLevel ? { logLevel: opts.logLevel, logger } : {}),
  });
  extismPlugins.push(extism);
  const warden = await host.load(
    typeof source === 'string' ? fixture(source) : { modules: [{ name: 'lib', bytes: fixture(source.lib) }, { name: 'main', bytes: fixture(source.main) }] },
    {
      functions: name === 'as_kitchen' || name === 'c_kitchen' ? wardenFunctions : {}, limits: { maxInstances: 1 },
      ...(opts.config ? { config: opts.config } : {}),
      ...(opts.logLevel ? { logLevel: opts.logLevel, logger: (r: LogRecord) => opts.logs?.[1]!.push(`${r.level}:${r.message}`) } : {}),
    },
  );
  return { extism, warden };
}

type Outcome = { ok: true; bytes: Uint8Array } | { ok: false; error: unknown };

async function settle(p: Promise<{ bytes: Uint8Array } | { bytes(): Uint8Array } | null>): Promise<Outcome> {
  try {
    const out = await p;
    if (out === null) return { ok: true, bytes: new Uint8Array(0) };
    return { ok: true, bytes: new Uint8Array(typeof out.bytes === 'function' ? out.bytes() : out.bytes) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Calls `fn(input)` on Extism, then on Warden, and asserts the same output or the same plugin error. */
async function same({ extism, warden }: Pair, fn: string, input?: string | Uint8Array): Promise<void> {
  const e = await settle(extism.call(fn, input));
  const w = await settle(warden.call(fn, input));
  if (e.ok) {
    assert.ok(w.ok, `Extism returned output but Warden failed: ${w.ok ? '' : String(w.error)}`);
    assert.deepEqual(w.bytes, e.bytes);
    return;
  }
  assert.ok(!w.ok, `Extism failed (${String(e.error)}) but Warden returned output`);
  assert.ok(w.error instanceof WardenError, String(w.error));
  assert.equal(w.error.code, 'PLUGIN_ERROR', w.error.message);
  assert.equal((e.error as Error).message, `Plugin-originated error: ${w.error.message}`, 'the same plugin error text');
}

describe('outputs agree with Extism', () => {
  it('echo: empty, 1, 7, 8, 13 bytes, UTF-8, 64 KiB + 3 random bytes, random lengths', async () => {
    const p = await pair('echo');
    for (const input of ['', 'a', 'abcdefg', 'abcdefgh', 'hello, world!', 'héllo wörld ✓ 𝄞', random(65536 + 3)]) await same(p, 'echo', input);
    for (let i = 0; i < 20; i++) await same(p, 'echo', random(Math.floor(Math.random() * 300)));
    await same(p, 'noop', 'ignored');
  });

  it('official AssemblyScript PDK (npm @extism/as-pdk, unmodified): its count_vowels example and a plugin written against it', async () => {
    const example = await pair('as_pdk_example', { config: { thing: 'from config' } });
    for (const input of ['Hello, World!', '', 'AEIOU aeiou xyz', 'héllo wörld']) await same(example, 'count_vowels', input);
    const official = await pair('official_pdk', { config: { greeting: 'Hi' } });
    for (const name of ['Ada', 'Grace', '']) await same(official, 'visit', name);
    await same(official, 'log_levels');
  });

  it('fail: fail_msg and fail_rc_zero_with_error fail with the same plugin error', async () => {
    const p = await pair('fail');
    await same(p, 'fail_msg');
    await same(p, 'fail_rc_zero_with_error');
  });

  it('multi-module lib + main: run, greeting', async () => {
    const p = await pair({ lib: 'multi_lib', main: 'multi_main' });
    await same(p, 'run');
    await same(p, 'greeting');
  });

  it('as_kitchen: greet, config, count, var_big, fail, call_host, lengths', async () => {
    const p = await pair('as_kitchen', { config: { greeting: 'hi there' } });
    for (const input of ['Warden', 'wörld ✓', '']) await same(p, 'greet', input);
    await same(p, 'config', 'greeting');
    await same(p, 'config', 'nope');
    for (let i = 0; i < 3; i++) await same(p, 'count');
    await same(p, 'var_big', '100');
    await same(p, 'var_big', '12x');
    await same(p, 'fail');
    for (const input of ['stressed', 'héllo ✓', 'a']) await same(p, 'call_host', input);
    await same(p, 'lengths', 'abc');
    await same(p, 'lengths');
  });

  for (const level of ['trace', 'warn'] as const) {
    it(`as_kitchen log_all at logLevel ${level}: same output, same lines`, async () => {
      const logs: string[][] = [[], []];
      const p = await pair('as_kitchen', { logLevel: level, logs });
      await same(p, 'log_all');
      assert.deepEqual(logs[1], logs[0]);
      assert.equal(logs[0]!.length, level === 'trace' ? 5 : 2);
    });
  }

  it('c_kitchen: reverse, upper, config_or_default, var_roundtrip, big_output, host_add', async () => {
    const p = await pair('c_kitchen');
    for (const input of ['hello', '', random(1001), random(8), 'é ß ✓']) await same(p, 'reverse', input);
    for (const input of ['Hello, world! é ß 123', random(257)]) await same(p, 'upper', input);
    await same(p, 'config_or_default');
    for (const input of ['value-123 with more than 8 bytes', '', random(300)]) await same(p, 'var_roundtrip', input);
    for (const input of ['100003', '0', '7', '-5', 'abc']) await same(p, 'big_output', input);
    await same(p, 'host_add');
    const configured = await pair('c_kitchen', { config: { greeting: 'good morning' } });
    await same(configured, 'config_or_default');
  });

  it('catch_host with an explode() that returns: both succeed with no output', async () => {
    const extism = await createPlugin({ wasm: [{ data: fixture('catch_host') }] }, {
      useWasi: false, runInWorker: false, functions: { 'extism:host/user': { explode: () => undefined } },
    });
    extismPlugins.push(extism);
    const warden = await host.load(fixture('catch_host'), { functions: { 'extism:host/user': { explode: () => undefined } } });
    await same({ extism, warden }, 'run');
  });

  it('unknown_import: both refuse to load it', async () => {
    await assert.rejects(createPlugin({ wasm: [{ data: fixture('unknown_import') }] }, { useWasi: false, runInWorker: false }));
    await rejectsWithCode(host.load(fixture('unknown_import')), 'LINK_ERROR');
  });
});

describe('where Extism is wrong or laxer, Warden is stricter', () => {
  it('error_set(0): Extism\'s JS SDK maps handle 0 to its reserved block and fails with "\\u0000"; Warden clears the error, as Extism\'s own kernel does', async () => {
    const p = await pair('c_kitchen');
    await assert.rejects(p.extism.call('error_roundtrip'), /Plugin-originated error: \u0000/);
    assert.equal((await p.warden.call('error_roundtrip')).text(), 'cleared');
  });

  it('fail_rc: Extism ignores the return code (succeeds, no output); Warden fails with PLUGIN_ERROR code 7', async () => {
    const p = await pair('fail');
    assert.equal(await p.extism.call('fail_rc'), null);
    const e = await rejectsWithCode(p.warden.call('fail_rc'), 'PLUGIN_ERROR', /\b7\b/);
    assert.equal(e.data['returnCode'], 7);
  });

  it('var caps: Extism caps vars only when maxVarBytes is set (2 MiB accepted by default); Warden caps by default (1 MiB)', async () => {
    const p = await pair('as_kitchen');
    const twoMiB = String(2 * 1024 * 1024);
    assert.equal((await p.extism.call('var_big', twoMiB))?.text(), twoMiB);
    await rejectsWithCode(p.warden.call('var_big', twoMiB), 'LIMIT_EXCEEDED');
    assert.equal((await p.warden.call('var_big', '1000')).text(), '1000');
  });

  it('load_oob: Extism leaks a raw RangeError from DataView; Warden fails with INVALID_MEMORY_ACCESS', async () => {
    const p = await pair('bad_output');
    await assert.rejects(p.extism.call('load_oob'), RangeError);
    const e = await rejectsWithCode(p.warden.call('load_oob'), 'INVALID_MEMORY_ACCESS');
    assert.doesNotMatch(e.message, /DataView/);
  });

  it('oob_output / huge_len: Extism throws untyped host exceptions; Warden fails with INVALID_MEMORY_ACCESS', async () => {
    const p = await pair('bad_output');
    for (const fn of ['oob_output', 'huge_len']) {
      await assert.rejects(p.extism.call(fn), (e) => e instanceof Error && !(e instanceof WardenError));
      await rejectsWithCode(p.warden.call(fn), 'INVALID_MEMORY_ACCESS');
    }
  });

  it('bad_error: Extism maps the bogus handle to its reserved block and fails with the text "\\u0000"; Warden fails with INVALID_MEMORY_ACCESS', async () => {
    const p = await pair('bad_output');
    await assert.rejects(p.extism.call('bad_error'), { message: 'Plugin-originated error: \u0000' });
    await rejectsWithCode(p.warden.call('bad_error'), 'INVALID_MEMORY_ACCESS');
  });

  it('http_get with no allowedHosts: Extism returns status 0 and carries on; Warden refuses with PERMISSION_DENIED', async () => {
    const warden = await host.load(fixture('as_kitchen'), { functions: wardenFunctions });
    const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as unknown as Console;
    const extism = await createPlugin({ wasm: [{ data: fixture('as_kitchen') }] }, {
      useWasi: false, runInWorker: false, logger: quiet, functions: { 'extism:host/user': extismFunctions['as_kitchen']! },
    });
    extismPlugins.push(extism);
    assert.equal((await extism.call('http_get', 'http://127.0.0.1:9/'))?.text(), '0 ');
    await rejectsWithCode(warden.call('http_get', 'http://127.0.0.1:9/'), 'PERMISSION_DENIED');
  });

  it('grow (no declared maximum): Extism does not cap it (not run here: it reaches 4 GiB even with maxPages 4); Warden stops it at limits.memoryMaxBytes', async () => {
    const p = await host.load(fixture('grow'), { limits: { memoryMaxBytes: 4 * 65536 } });
    assert.equal((await p.call('grow_forever')).text(), '4');
    const max = await host.load(fixture('grow_max'), { limits: { memoryMaxBytes: 8 * 65536 } });
    assert.equal((await max.call('grow_forever')).text(), '8', 'a declared 4 GiB maximum is clamped too');
  });
});
