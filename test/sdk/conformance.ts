/**
 * One behaviour for every SDK: each SDK's test plugin exports the same tools (see
 * test/fixtures/sdk-as and sdk-c), and this suite runs them in a real Warden. A test file per
 * SDK calls {@link sdkConformance} and adds what only that SDK has.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rejectsWithCode } from '../helpers/errors.js';
import { MEMORIES, sdkRig, type SdkRig } from './harness.js';

/** Runs the shared suite against SDK test plugin `fixture`; `rig()` gives the suite's Warden to extra tests. */
export function sdkConformance(fixture: 'sdk-as' | 'sdk-c'): () => SdkRig {
  let rig: SdkRig;
  before(async () => {
    rig = await sdkRig(fixture);
  });
  after(() => rig.close());

  describe(`${fixture}: input, output and errors`, () => {
    it('passes bytes through unchanged, including invalid UTF-8 and NUL', async () => {
      const bytes = new Uint8Array([0, 1, 0xff, 0xfe, 10, 200, 0]);
      const out = await rig.warden.call(rig.id, 'bytes_echo', bytes);
      assert.deepEqual([...out.bytes], [...bytes]);
      assert.equal((await rig.call('bytes_echo', 'x'.repeat(100_003))).text().length, 100_003);
      assert.equal((await rig.call('bytes_echo')).bytes.length, 0);
    });

    it('reads JSON input: strings with escapes, integers, numbers, booleans, arrays, nested objects', async () => {
      const probe = { s: 'é "q" \n 😀', i: 9_007_199_254_740_993n.toString(), n: 2.5, b: true, a: ['first', 2], o: { k: 'deep' } };
      const text = JSON.stringify(probe).replace('"9007199254740993"', '9007199254740993');
      const out = (await rig.call('json_probe', text)).text();
      assert.equal(out, `{"s":${JSON.stringify(probe.s)},"i":9007199254740993,"n":2.5,"b":true,"alength":2,"a0":"first","nested":"deep","missing":false}`);
      assert.deepEqual(await rig.json('json_probe', {}), { s: '<none>', i: -1, n: -1, b: false, alength: -1, a0: null, nested: '<none>', missing: false });
    });

    it('round-trips JSON values', async () => {
      const value = { a: [1, -2, 3.25, true, false, null, 'x\u0001y'], o: { 'k\\"ey': { deeper: [] } }, e: {}, u: '\u2028 \ud83d\ude00' };
      assert.deepEqual(await rig.json('json_echo', value), value);
    });

    it('fail() and a panic both reach the caller as PLUGIN_ERROR with the plugin\'s message', async () => {
      await rejectsWithCode(rig.call('fail_with', 'no name given'), 'PLUGIN_ERROR', 'no name given');
      const e = await rejectsWithCode(rig.call('panic_with', 'gave up'), 'PLUGIN_ERROR');
      assert.equal(e.message, 'gave up');
      // The instance that trapped was replaced; the next call works.
      assert.equal((await rig.call('bytes_echo', 'still here')).text(), 'still here');
    });
  });

  describe(`${fixture}: config, vars and logging`, () => {
    it('reads config with the manifest default, and none for an undeclared key', async () => {
      assert.deepEqual(await rig.json('config_read'), { greeting: 'hi', unset: null, fallback: 'dflt' });
      await rig.warden.setConfig(rig.id, 'greeting', 'ahoy');
      assert.deepEqual(await rig.json('config_read'), { greeting: 'ahoy', unset: null, fallback: 'dflt' });
    });

    it('keeps vars between calls of one instance, and deletes them', async () => {
      assert.equal((await rig.call('vars_count', 'reset')).text(), '1');
      assert.equal((await rig.call('vars_count')).text(), '2');
      assert.equal((await rig.call('vars_count')).text(), '3');
      assert.equal((await rig.call('vars_count', 'reset')).text(), '1');
    });

    it('logs at each level; the host\'s level (info) drops trace and debug', async () => {
      rig.logs.length = 0;
      assert.equal((await rig.call('log_all')).text(), '2');
      assert.deepEqual(rig.logs.map((r) => `${r.level} ${r.message}`), ['info sdk info', 'warn sdk warn', 'error sdk error']);
    });
  });

  describe(`${fixture}: HTTP`, () => {
    it('GETs an allowed URL: status, body and headers', async () => {
      assert.deepEqual(await rig.json('http_get', { url: `${rig.server.origin}/text` }), { status: 200, body: 'plain hello', header: 'yes' });
      assert.deepEqual(await rig.json('http_get', { url: `${rig.server.origin}/missing` }), { status: 404, body: 'nope', header: null });
    });

    it('POSTs JSON with headers and reads a JSON answer', async () => {
      const out = await rig.json('http_post', { url: `${rig.server.origin}/echo`, body: { hello: ['world'] } });
      assert.deepEqual(out, { status: 201, response: { method: 'POST', sdk: 'yes', type: 'application/json', body: { hello: ['world'] }, port: rig.server.port } });
    });

    it('a host outside the manifest is refused before any connection', async () => {
      const before = rig.server.requests.length;
      await rejectsWithCode(rig.call('http_get', JSON.stringify({ url: 'http://127.0.0.1:1/elsewhere' })), 'PERMISSION_DENIED');
      assert.equal(rig.server.requests.length, before);
    });
  });

  describe(`${fixture}: capabilities`, () => {
    it('sets, gets, lists and deletes KV keys in the plugin\'s own store', async () => {
      assert.deepEqual(await rig.json('kv_ops'), { apple: 'red', kiwiBytes: 5, fruits: ['fruit/apple', 'fruit/kiwi'], all: 3, afterDelete: null });
      assert.deepEqual((await rig.warden.store.kv.list(rig.id, '')).keys, ['fruit/kiwi', 'veg/leek']);
    });

    it('reads a granted secret; a missing one and an ungranted one are both null', async () => {
      assert.deepEqual(await rig.json('vault_read', 'token'), { value: 's3cret' });
      assert.deepEqual(await rig.json('vault_read', 'absent'), { value: null });
      await rig.warden.store.vault.set('other', 'not yours');
      assert.deepEqual(await rig.json('vault_read', 'other'), { value: null });
    });

    it('delegates to a tool with text and with JSON', async () => {
      assert.deepEqual(await rig.json('tool_call', { tool: 'shout', text: 'hey' }), { text: 'HEY' });
      assert.deepEqual(await rig.json('tool_call', { tool: 'wrap', json: { n: 1 } }), { json: { wrapped: { n: 1 } } });
      await rejectsWithCode(rig.call('tool_call', JSON.stringify({ tool: 'other.tool', text: '' })), 'PERMISSION_DENIED');
    });

    it('searches the memory store', async () => {
      const hits = (await rig.json('memory_find', 'whale')) as { id: number; text: string; source: string; score: number }[];
      assert.equal(hits.length, 1);
      assert.deepEqual([hits[0]!.text, hits[0]!.source, typeof hits[0]!.id, typeof hits[0]!.score], [MEMORIES[0]!.text, 'zoo', 'number', 'number']);
      assert.deepEqual(await rig.json('memory_find', 'nothing-matches-this'), []);
    });

    it('sends to a channel: delivered, a failed delivery, an unknown channel', async () => {
      assert.deepEqual(await rig.json('channel_post', { channel: 'ops', text: 'deploy done' }), { delivered: true });
      assert.deepEqual(rig.messages.at(-1), { plugin: rig.id, channel: 'ops', text: 'deploy done' });
      assert.deepEqual(await rig.json('channel_post', { channel: 'broken', text: 'x' }), { delivered: false });
      await rejectsWithCode(rig.call('channel_post', JSON.stringify({ channel: 'nowhere', text: 'x' })), 'PERMISSION_DENIED');
    });

    it('reads the call context, and JSON null without one', async () => {
      const context = { session: 's-1', user: { id: 'ada', name: 'Ada' }, agent: { model: 'm' } };
      assert.deepEqual(await rig.json('context_read', undefined, context), { session: 's-1', user: 'ada', agent: { model: 'm' }, raw: context });
      assert.deepEqual(await rig.json('context_read', undefined, { user: 'bob' }), { session: null, user: 'bob', agent: null, raw: { user: 'bob' } });
      assert.deepEqual(await rig.json('context_read'), { session: null, user: null, agent: null, raw: null });
    });

    it('runs a granted host program', async () => {
      assert.deepEqual(await rig.json('cli_echo', 'hello from wasm'), { code: 0, stdout: 'hello from wasm\n' });
    });
  });

  return () => rig;
}
