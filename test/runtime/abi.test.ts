// Every `extism:host/env` import, exercised through Warden with the fixture plugins of
// test/fixtures/README.md: byte-exact I/O, errors and return codes, multi-module linking, config,
// vars and their cap, logs and their levels, output caps and hostile kernel arguments.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createHost, type LogRecord, type Plugin } from '../../src/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture, fixturePath } from '../helpers/fixture.js';

const host = createHost();
after(() => host.close());

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const reverse = { 'extism:host/user': { reverse: () => 0n } };
const addI64 = { 'extism:host/user': { add_i64: (_ctx: unknown, a: unknown, b: unknown) => (a as bigint) + (b as bigint) } };
type Logged = LogRecord & { plugin: string };

describe('echo: input_* / alloc / store_* / output_set', () => {
  let echo: Plugin;
  before(async () => { echo = await host.load(fixture('echo')); });

  for (const n of [1, 7, 8, 13, 65536 + 3]) {
    it(`echoes ${n} random bytes byte for byte`, async () => {
      const input = random(n);
      const out = await echo.call('echo', input);
      assert.equal(out.length, n);
      assert.deepEqual(out.bytes, input);
    });
  }

  it('empty input gives empty output; UTF-8 text round-trips', async () => {
    assert.equal((await echo.call('echo', new Uint8Array(0))).length, 0);
    assert.equal((await echo.call('echo')).length, 0);
    assert.equal((await echo.call('echo', '')).text(), '');
    const text = 'héllo wörld ✓ 𝄞 — ünïcödé';
    assert.equal((await echo.call('echo', text)).text(), text);
  });

  it('JSON values go in as JSON and come back with .json()', async () => {
    assert.deepEqual((await echo.call('echo', { a: 1 })).json(), { a: 1 });
    assert.deepEqual((await echo.call('echo', [1, 'two', { three: [3] }])).json(), [1, 'two', { three: [3] }]);
    assert.equal((await echo.call('echo', 42)).json(), 42);
    assert.equal((await echo.call('echo', null)).json(), null);
  });

  it('invalid UTF-8 output: .text() and .json() fail with PLUGIN_ERROR, .bytes works', async () => {
    const input = new Uint8Array([0xff, 0xfe, 0x41, 0xc3]);
    const out = await echo.call('echo', input);
    assert.deepEqual(out.bytes, input);
    await rejectsWithCode((async () => out.text())(), 'PLUGIN_ERROR');
    await rejectsWithCode((async () => out.json())(), 'PLUGIN_ERROR');
  });

  it('has() and functions list the callable exports only (not memory); noop returns no output', async () => {
    assert.deepEqual([...echo.functions].sort(), ['echo', 'noop']);
    assert.deepEqual(['echo', 'noop', 'memory', 'nope'].map((f) => echo.has(f)), [true, true, false, false]);
    assert.equal((await echo.call('noop', 'ignored')).length, 0);
  });

  it('calling a missing export or a non-function export fails with NOT_FOUND', async () => {
    const e = await rejectsWithCode(echo.call('nope'), 'NOT_FOUND', 'nope');
    assert.equal(e.data['function'], 'nope');
    await rejectsWithCode(echo.call('memory'), 'NOT_FOUND');
    assert.equal((await echo.call('echo', 'still works')).text(), 'still works');
  });

  it('loads from a file path too, named after the file', async () => {
    const p = await host.load(fixturePath('echo'));
    assert.equal(p.name, 'echo');
    assert.equal((await p.call('echo', 'from a path')).text(), 'from a path');
  });

  it('an ArrayBuffer or another typed array is passed as its bytes, not as JSON', async () => {
    assert.deepEqual((await echo.call('echo', new Uint8Array([1, 2, 3]).buffer)).bytes, new Uint8Array([1, 2, 3]));
    assert.deepEqual((await echo.call('echo', new Uint16Array([0x4241]))).bytes, new Uint8Array([0x41, 0x42]));
  });

  it('an input JSON cannot encode (BigInt, cycle, function) fails with INVALID_ARGUMENT', async () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    for (const input of [{ a: 1n }, cycle, () => 1, Symbol('s')]) await rejectsWithCode(echo.call('echo', input as object), 'INVALID_ARGUMENT');
  });

  it('an input over limits.inputMaxBytes fails with INPUT_TOO_LARGE before the plugin runs', async () => {
    const small = await host.load(fixture('echo'), { limits: { inputMaxBytes: 8 } });
    assert.equal((await small.call('echo', '12345678')).text(), '12345678');
    await rejectsWithCode(small.call('echo', '123456789'), 'INPUT_TOO_LARGE');
    assert.equal((await small.call('echo', 'ok')).text(), 'ok');
  });
});

describe('fail: error_set and return codes', () => {
  let fail: Plugin;
  before(async () => { fail = await host.load(fixture('fail')); });

  it('fail_msg fails with PLUGIN_ERROR carrying the plugin\'s message', async () => {
    await rejectsWithCode(fail.call('fail_msg'), 'PLUGIN_ERROR', 'boom from plugin');
  });

  it('fail_rc (returns 7, no error_set) fails with PLUGIN_ERROR mentioning code 7', async () => {
    const e = await rejectsWithCode(fail.call('fail_rc'), 'PLUGIN_ERROR', /\b7\b/);
    assert.equal(e.data['returnCode'], 7);
  });

  it('fail_rc_zero_with_error (error_set, returns 0) still fails with PLUGIN_ERROR', async () => {
    await rejectsWithCode(fail.call('fail_rc_zero_with_error'), 'PLUGIN_ERROR', 'error but rc 0');
  });
});

describe('multi-module: lib + main', () => {
  it('main imports lib: run -> "42", greeting -> "14"', async () => {
    const p = await host.load({ modules: [{ name: 'lib', bytes: fixture('multi_lib') }, { name: 'main', bytes: fixture('multi_main') }] });
    assert.equal((await p.call('run')).text(), '42');
    assert.equal((await p.call('greeting')).text(), '14');
    assert.deepEqual([...p.functions].sort(), ['greeting', 'run']);
    await rejectsWithCode(p.call('add'), 'NOT_FOUND');
  });

  it('module order in the list does not matter when names are given', async () => {
    const p = await host.load({ modules: [{ name: 'main', bytes: fixture('multi_main') }, { name: 'lib', bytes: fixture('multi_lib') }] });
    assert.equal((await p.call('run')).text(), '42');
  });
});

describe('as_kitchen (AssemblyScript PDK)', () => {
  let kitchen: Plugin;
  before(async () => {
    const config = JSON.parse('{"greeting":"hi there","__proto__":"own proto key"}') as Record<string, string>;
    kitchen = await host.load(fixture('as_kitchen'), { config, functions: reverse, limits: { maxInstances: 1 } });
  });

  it('greet', async () => {
    assert.equal((await kitchen.call('greet', 'Warden')).text(), 'Hello, Warden!');
    assert.equal((await kitchen.call('greet', 'wörld ✓')).text(), 'Hello, wörld ✓!');
  });

  it('config_get: present key -> value, missing key -> PLUGIN_ERROR "no such key"', async () => {
    assert.equal((await kitchen.call('config', 'greeting')).text(), 'hi there');
    await rejectsWithCode(kitchen.call('config', 'nope'), 'PLUGIN_ERROR', 'no such key');
    for (const key of ['constructor', 'toString']) await rejectsWithCode(kitchen.call('config', key), 'PLUGIN_ERROR', 'no such key');
    assert.equal((await kitchen.call('config', '__proto__')).text(), 'own proto key');
  });

  it('has() / functions list every export of the fixture', () => {
    for (const f of ['greet', 'config', 'count', 'var_big', 'log_all', 'http_get', 'http_headers', 'call_host', 'fail', 'lengths']) {
      assert.ok(kitchen.has(f), `missing ${f}`);
      assert.ok(kitchen.functions.includes(f));
    }
  });

  it('count: vars persist per instance (1, 2, 3), survive a plugin error, start at 1 on a new plugin', async () => {
    const p = await host.load(fixture('as_kitchen'), { functions: reverse, limits: { maxInstances: 1 } });
    assert.equal((await p.call('count')).text(), '1');
    assert.equal((await p.call('count')).text(), '2');
    await rejectsWithCode(p.call('fail'), 'PLUGIN_ERROR', 'as failure');
    assert.equal((await p.call('count')).text(), '3');
    const fresh = await host.load(fixture('as_kitchen'), { functions: reverse });
    assert.equal((await fresh.call('count')).text(), '1');
  });

  it('var_set under / at / over limits.varMaxBytes (key bytes count); a breach poisons the instance', async () => {
    const p = await host.load(fixture('as_kitchen'), { functions: reverse, limits: { varMaxBytes: 1024, maxInstances: 1 } });
    assert.equal((await p.call('count')).text(), '1'); // "count" + "1": 6 bytes
    assert.equal((await p.call('var_big', '1000')).text(), '1000');
    assert.equal((await p.call('var_big', '1015')).text(), '1015', '6 + "big" (3) + 1015 = 1024 fits');
    await rejectsWithCode(p.call('var_big', '1016'), 'LIMIT_EXCEEDED', /1024/);
    assert.equal((await p.call('count')).text(), '1', 'a fresh instance replaced the poisoned one: vars are gone');
    const q = await host.load(fixture('as_kitchen'), { functions: reverse, limits: { varMaxBytes: 1024 } });
    await rejectsWithCode(q.call('var_big', '1022'), 'LIMIT_EXCEEDED');
    await rejectsWithCode(q.call('var_big', '12x'), 'PLUGIN_ERROR', 'decimal byte count');
  });

  async function logAll(logLevel: 'trace' | 'info' | 'warn' | 'off' | undefined, logMaxBytesPerCall?: number): Promise<{ out: string; records: Logged[] }> {
    const records: Logged[] = [];
    const p = await host.load(fixture('as_kitchen'), {
      name: 'logs', functions: reverse, logger: (r) => records.push(r),
      ...(logLevel ? { logLevel } : {}), ...(logMaxBytesPerCall ? { limits: { logMaxBytesPerCall } } : {}),
    });
    const out = (await p.call('log_all')).text();
    return { out, records };
  }
  const line = (level: string): Logged => ({ level, message: `as_kitchen ${level}`, plugin: 'logs' } as Logged);

  it('log_* at logLevel trace: every line reaches the logger in order; get_log_level -> 0', async () => {
    const { out, records } = await logAll('trace');
    assert.equal(out, '0');
    assert.deepEqual(records, ['trace', 'debug', 'info', 'warn', 'error'].map(line));
  });

  it('log_* at logLevel warn: warn and error only; get_log_level -> 3', async () => {
    const { out, records } = await logAll('warn');
    assert.equal(out, '3');
    assert.deepEqual(records, ['warn', 'error'].map(line));
  });

  it('log_* at the default level (info): info, warn, error; get_log_level -> 2', async () => {
    const { out, records } = await logAll(undefined);
    assert.equal(out, '2');
    assert.deepEqual(records, ['info', 'warn', 'error'].map(line));
  });

  it('log_* at logLevel off: nothing logged; get_log_level -> -1 (0xffffffff)', async () => {
    const { out, records } = await logAll('off');
    assert.equal(out, '-1');
    assert.deepEqual(records, []);
  });

  it('limits.logMaxBytesPerCall drops the rest of the call\'s lines and says so', async () => {
    const { out, records } = await logAll('trace', 40);
    assert.equal(out, '0');
    assert.deepEqual(records.slice(0, 2), ['trace', 'debug'].map(line));
    assert.equal(records.length, 3);
    assert.equal(records[2]!.level, 'warn');
    assert.match(records[2]!.message, /46 bytes dropped/);
  });

  it('length / length_unsafe / input_offset', async () => {
    assert.equal((await kitchen.call('lengths', 'abc')).text(), 'length=3 unsafe=3 input_offset_nonzero=true');
  });
});

describe('c_kitchen (C PDK)', () => {
  let c: Plugin;
  before(async () => { c = await host.load(fixture('c_kitchen'), { functions: addI64, limits: { outputMaxBytes: 4096 } }); });

  it('error_get returns what error_set stored, and error_set(0) clears it', async () => {
    assert.equal((await c.call('error_roundtrip')).text(), 'cleared');
  });

  it('reverse: text and 1001 random bytes', async () => {
    assert.equal((await c.call('reverse', 'hello')).text(), 'olleh');
    const input = random(1001);
    assert.deepEqual((await c.call('reverse', input)).bytes, input.slice().reverse());
  });

  it('reverse of "é" is invalid UTF-8: .text() -> PLUGIN_ERROR, .bytes is exact', async () => {
    const out = await c.call('reverse', 'é');
    assert.deepEqual(out.bytes, new Uint8Array([0xa9, 0xc3]));
    await rejectsWithCode((async () => out.text())(), 'PLUGIN_ERROR');
  });

  it('upper: ASCII only', async () => {
    assert.equal((await c.call('upper', 'Hello, world! é ß 123')).text(), 'HELLO, WORLD! é ß 123');
  });

  it('config_or_default without and with config', async () => {
    assert.equal((await c.call('config_or_default')).text(), 'hello');
    const configured = await host.load(fixture('c_kitchen'), { functions: addI64, config: { greeting: 'good morning' } });
    assert.equal((await configured.call('config_or_default')).text(), 'good morning');
  });

  it('var_roundtrip: var_set, var_get, delete', async () => {
    assert.equal((await c.call('var_roundtrip', 'value-123 with more than 8 bytes')).text(), 'value-123 with more than 8 bytes');
    assert.equal((await c.call('var_roundtrip')).text(), 'roundtrip');
    const input = random(300);
    assert.deepEqual((await c.call('var_roundtrip', input)).bytes, input);
  });

  it('big_output at and over limits.outputMaxBytes', async () => {
    const out = await c.call('big_output', '4096');
    assert.equal(out.length, 4096);
    assert.ok(out.bytes.every((b) => b === 0x78));
    const e = await rejectsWithCode(c.call('big_output', '4097'), 'OUTPUT_TOO_LARGE');
    assert.equal(e.data['cap'], 4096);
    assert.equal((await c.call('big_output', '0')).length, 0);
    await rejectsWithCode(c.call('big_output', '-5'), 'PLUGIN_ERROR', 'decimal byte count');
    assert.equal((await c.call('big_output', '100')).length, 100);
  });

  it('big_output of 100003 bytes under the default cap', async () => {
    const big = await host.load(fixture('c_kitchen'), { functions: addI64 });
    assert.equal((await big.call('big_output', '100003')).text(), 'x'.repeat(100003));
  });

  it('alloc past limits.kernelMemoryMaxBytes fails the call cleanly; the plugin recovers', async () => {
    const small = await host.load(fixture('c_kitchen'), { functions: addI64, limits: { kernelMemoryMaxBytes: 128 * 1024, inputMaxBytes: 1024 } });
    // alloc returns 0 at the cap (as in Extism); the fixture then stores through handle 0.
    await rejectsWithCode(small.call('big_output', String(200 * 1024)), 'MEMORY_LIMIT', 'kernelMemoryMaxBytes');
    assert.equal((await small.call('big_output', '10')).text(), 'x'.repeat(10));
  });
});

describe('bad_output: hostile kernel arguments', () => {
  // A fresh plugin per case: repeated failures make the pool back off (by design), which would
  // only slow these tests down.
  for (const fn of ['oob_output', 'huge_len', 'bad_error', 'load_oob']) {
    it(`${fn} fails with INVALID_MEMORY_ACCESS, and the replaced instance serves the next call`, async () => {
      const bad = await host.load(fixture('bad_output'), { limits: { maxInstances: 1 } });
      const e = await rejectsWithCode(bad.call(fn), 'INVALID_MEMORY_ACCESS');
      assert.doesNotMatch(e.message, /RangeError|DataView|    at /, 'no raw host exception or stack trace');
      // The next call runs on a fresh instance: the same clean error, not a crash or a hang.
      await rejectsWithCode(bad.call(fn), 'INVALID_MEMORY_ACCESS');
    });
  }

  it('a well-behaved plugin on the same host is unaffected', async () => {
    const bad = await host.load(fixture('bad_output'), { limits: { maxInstances: 4 } });
    const echo = await host.load(fixture('echo'));
    const calls = ['oob_output', 'huge_len', 'bad_error', 'load_oob'].map((fn) => rejectsWithCode(bad.call(fn), 'INVALID_MEMORY_ACCESS'));
    assert.equal((await echo.call('echo', 'canary')).text(), 'canary');
    await Promise.all(calls);
  });
});
