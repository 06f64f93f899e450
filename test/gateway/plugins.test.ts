// Every REST route's happy path and a failing one, with the status and code the caller sees:
// install by upload with consent, inspect, detail, enable / disable, config, grants, tool calls
// (a denied capability is a 403 PERMISSION_DENIED), audit paging, doctor, remove.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { kvPluginDir, startGateway, tgzOf, UPLOAD, type TestGateway } from './client.js';

let g: TestGateway;

/** Calls a tool with a JSON string input (passed to the plugin as its text). */
const callTool = (id: string, tool: string, input: string) => g.req('POST', `/api/plugins/${id}/tools/${tool}`, { body: JSON.stringify(input), headers: { 'content-type': 'application/json' } });
let tgz: Uint8Array;
before(async () => {
  g = await startGateway();
  tgz = tgzOf(kvPluginDir(g.dirs.make()));
});

describe('gateway: inspect and install', () => {
  it('inspect reports the manifest, requested capabilities with risk, findings and signature without installing', async () => {
    const r = await g.req('POST', '/api/plugins/inspect', { body: tgz, headers: UPLOAD() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, 'notes');
    assert.equal(r.body.refused, false);
    assert.deepEqual(r.body.capabilities.map((c: { grant: string }) => c.grant), ['storage:kv', 'vault:token']);
    assert.ok(r.body.capabilities.every((c: { risk: string }) => typeof c.risk === 'string'));
    assert.ok(Array.isArray(r.body.scan.findings));
    assert.equal(r.body.signature.status, 'missing');
    assert.deepEqual((await g.req('GET', '/api/plugins')).body.plugins, []);
  });

  it('refuses garbage uploads and wrong media types with 4xx', async () => {
    const junk = await g.req('POST', '/api/plugins/inspect', { body: new Uint8Array([1, 2, 3]), headers: UPLOAD('x.tgz') });
    assert.ok(junk.status >= 400 && junk.status < 500, junk.text);
    const name = await g.req('POST', '/api/plugins', { body: tgz, headers: UPLOAD('../../etc/passwd') });
    assert.equal(name.status, 400);
    assert.equal(name.body.error.code, 'INVALID_ARGUMENT');
    const type = await g.req('POST', '/api/plugins', { body: 'hello', headers: { 'content-type': 'text/plain' } });
    assert.equal(type.status, 415);
    const local = await g.req('POST', '/api/plugins', { body: { url: '/etc/passwd' } });
    assert.equal(local.status, 400, 'a JSON install takes an https URL, never a server path');
    const remote = await g.req('POST', '/api/plugins', { body: { url: 'https://example.com/p.wasm' } });
    assert.equal(remote.status, 403, remote.text);
    assert.equal(remote.body.error.code, 'PERMISSION_DENIED');
  });

  it('installs an upload with nothing granted by default', async () => {
    const r = await g.req('POST', '/api/plugins', { body: tgz, headers: UPLOAD() });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual([r.body.id, r.body.granted, r.body.enabled], ['notes', [], true]);
    const call = await callTool('notes', 'kv_put', 'a=1');
    assert.equal(call.status, 403, call.text);
    assert.equal(call.body.error.code, 'PERMISSION_DENIED');
  });

  it('applies the grants named in the query on an upgrade install', async () => {
    const r = await g.req('POST', '/api/plugins?grant=storage:kv', { body: tgz, headers: UPLOAD() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.upgraded, true);
    assert.deepEqual(r.body.granted, ['storage:kv']);
  });
});

describe('gateway: plugins, tools, config, grants', () => {
  before(async () => {
    const r = await g.req('POST', '/api/plugins?grant=storage:kv', { body: tgz, headers: UPLOAD() });
    assert.ok(r.status === 200 || r.status === 201, r.text);
  });

  it('lists and shows a plugin with its tools, schemas, signature and config', async () => {
    const list = await g.req('GET', '/api/plugins');
    assert.deepEqual(list.body.plugins.map((p: { id: string }) => p.id), ['notes']);
    const r = await g.req('GET', '/api/plugins/notes');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.toolSchemas.map((t: { name: string }) => t.name), ['kv_put', 'kv_get', 'vault_get']);
    assert.ok(r.body.toolSchemas[0].parameters);
    assert.equal(r.body.signature.status, 'missing');
    assert.equal(r.body.config.declared.retries.type, 'number');
    const missing = await g.req('GET', '/api/plugins/ghost');
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'NOT_FOUND']);
    const bad = await g.req('GET', '/api/plugins/..%2F..%2Fetc');
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'INVALID_ARGUMENT']);
    const proto = await g.req('GET', '/api/plugins/__proto__');
    assert.equal(proto.status, 400);
  });

  it('calls a tool: JSON output parsed, text kept as text, the context is { via: "api" }', async () => {
    const put = await callTool('notes', 'kv_put', 'colour={"x":1}');
    assert.equal(put.status, 200, put.text);
    const get = await callTool('notes', 'kv_get', 'colour');
    assert.equal(get.status, 200, get.text);
    assert.deepEqual([get.body.format, get.body.output, get.body.context], ['json', { x: 1 }, { via: 'api' }]);
    await callTool('notes', 'kv_put', 'name=Ada');
    const text = await callTool('notes', 'kv_get', 'name');
    assert.deepEqual([text.body.format, text.body.output], ['text', 'Ada']);
    const noTool = await callTool('notes', 'nope', 'x');
    assert.deepEqual([noTool.status, noTool.body.error.code], [404, 'NOT_FOUND']);
    const badJson = await g.req('POST', '/api/plugins/notes/tools/kv_get', { body: '{oops', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([badJson.status, badJson.body.error.code], [400, 'INVALID_ARGUMENT']);
    const tools = await g.req('GET', '/api/tools');
    assert.ok(tools.body.tools.some((t: { plugin: string; name: string }) => t.plugin === 'notes' && t.name === 'kv_get'));
  });

  it('passes a tool the JSON body as sent (without a byte-order mark), a JSON string as its text, nothing when empty', async () => {
    await g.warden.install(writePluginDir(g.dirs.make(), { name: 'echoes', fixture: 'echo', tools: ['echo'] }));
    const call = (body: string | Uint8Array) => g.req('POST', '/api/plugins/echoes/tools/echo', { body, headers: { 'content-type': 'application/json' } });
    const object = await call('{ "b": [1, 2.5e3],\n "a": {"c": "\\u00e9"} }');
    assert.deepEqual([object.status, object.body.format, object.body.output], [200, 'json', { b: [1, 2500], a: { c: 'é' } }]);
    const bom = await call(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[1]')]));
    assert.deepEqual([bom.status, bom.body.format, bom.body.output], [200, 'json', [1]]);
    const text = await call('"héllo"');
    assert.deepEqual([text.body.format, text.body.output], ['text', 'héllo']);
    const number = await call('7');
    assert.deepEqual([number.body.format, number.body.output], ['json', 7]);
    const empty = await call('');
    assert.deepEqual([empty.status, empty.body.format, empty.body.output], [200, 'text', '']);
    await g.warden.remove('echoes');
  });

  it('decodes %-escaped path segments and refuses malformed ones with 400', async () => {
    const escaped = await g.req('GET', '/api/plugins/%6eotes');
    assert.deepEqual([escaped.status, escaped.body.id], [200, 'notes']);
    const malformed = await g.req('GET', '/api/plugins/%E0%A4%A');
    assert.deepEqual([malformed.status, malformed.body.error.code], [400, 'INVALID_ARGUMENT']);
  });

  it('patches config: typed values set, null unsets, a wrong type or unknown key is 400 and nothing is written', async () => {
    const ok = await g.req('PATCH', '/api/plugins/notes/config', { body: { retries: 5, greeting: 'hello' } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.config, { retries: 5, greeting: 'hello' });
    const wrong = await g.req('PATCH', '/api/plugins/notes/config', { body: { greeting: 'x', retries: 'five' } });
    assert.deepEqual([wrong.status, wrong.body.error.code], [400, 'INVALID_ARGUMENT']);
    const unknown = await g.req('PATCH', '/api/plugins/notes/config', { body: { colour: 'red' } });
    assert.equal(unknown.status, 400);
    const unset = await g.req('PATCH', '/api/plugins/notes/config', { body: { greeting: null } });
    assert.deepEqual(unset.body.config, { retries: 5 });
    const array = await g.req('PATCH', '/api/plugins/notes/config', { body: [1] });
    assert.equal(array.status, 400);
  });

  it('grants and revokes', async () => {
    const add = await g.req('POST', '/api/plugins/notes/grants', { body: { grants: ['vault:token'] } });
    assert.equal(add.status, 200, add.text);
    assert.deepEqual(add.body.granted, ['storage:kv', 'vault:token']);
    const del = await g.req('DELETE', '/api/plugins/notes/grants', { body: { grants: ['vault:token'] } });
    assert.deepEqual([del.body.revoked, del.body.granted], [1, ['storage:kv']]);
    const bad = await g.req('POST', '/api/plugins/notes/grants', { body: { grants: 'storage:kv' } });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'INVALID_ARGUMENT']);
    const ghost = await g.req('POST', '/api/plugins/ghost/grants', { body: { grants: ['storage:kv'] } });
    assert.equal(ghost.status, 404);
  });

  it('disables and enables; a call to a disabled plugin is 404', async () => {
    const off = await g.req('POST', '/api/plugins/notes/disable');
    assert.deepEqual([off.status, off.body.enabled, off.body.loaded], [200, false, false]);
    const call = await callTool('notes', 'kv_get', 'name');
    assert.deepEqual([call.status, call.body.error.code], [404, 'NOT_FOUND']);
    const on = await g.req('POST', '/api/plugins/notes/enable');
    assert.deepEqual([on.status, on.body.enabled, on.body.loaded], [200, true, true]);
    assert.equal((await g.req('POST', '/api/plugins/ghost/enable')).status, 404);
    const method = await g.req('GET', '/api/plugins/notes/enable');
    assert.deepEqual([method.status, method.body.error.code, method.headers['allow']], [405, 'METHOD_NOT_ALLOWED', 'POST']);
  });

  it('pages the audit log and validates its filters', async () => {
    for (let i = 0; i < 3; i++) await callTool('notes', 'vault_get', 'token');
    const all = await g.req('GET', '/api/audit?plugin=notes&decision=deny');
    assert.equal(all.status, 200, all.text);
    assert.ok(all.body.total >= 3);
    const page = await g.req('GET', '/api/audit?plugin=notes&decision=deny&limit=2&offset=1');
    assert.equal(page.body.records.length, 2);
    assert.deepEqual([page.body.limit, page.body.offset], [2, 1]);
    assert.equal(page.body.records[0].id, all.body.records[1].id);
    if (all.body.total > 3) assert.equal(page.body.nextOffset, 3);
    const last = await g.req('GET', `/api/audit?plugin=notes&decision=deny&limit=2&offset=${all.body.total - 1}`);
    assert.equal(last.body.nextOffset, undefined);
    const future = await g.req('GET', `/api/audit?since=${new Date(Date.now() + 3600_000).toISOString()}`);
    assert.equal(future.body.total, 0);
    for (const q of ['limit=0', 'limit=abc', 'offset=-1', 'decision=maybe', 'since=yesterday']) {
      const r = await g.req('GET', `/api/audit?${q}`);
      assert.deepEqual([r.status, r.body.error.code], [400, 'INVALID_ARGUMENT'], q);
    }
  });

  it('runs doctor as JSON', async () => {
    const r = await g.req('GET', '/api/doctor');
    assert.equal(r.status, 200);
    assert.equal(r.body.plugins[0].id, 'notes');
    assert.ok(r.body.plugins[0].checks.length > 0);
    assert.equal(typeof r.body.totals.loaded, 'number');
  });

  it('removes a plugin (keepData) and 404s after', async () => {
    const r = await g.req('DELETE', '/api/plugins/notes?keepData=true');
    assert.deepEqual([r.status, r.body.removed], [200, true]);
    assert.equal((await g.req('GET', '/api/plugins/notes')).status, 404);
    assert.equal((await g.req('DELETE', '/api/plugins/notes')).status, 404);
    assert.equal((await g.req('DELETE', '/api/plugins/notes?keepData=perhaps')).status, 400);
  });
});
