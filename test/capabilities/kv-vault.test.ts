// The KV and vault host functions end to end: the cap_kv fixture imports warden_kv_* and
// warden_vault_get from extism:host/user and runs in a worker against a real SQLite store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { capabilityFunctions, effectiveCapabilities, type SecurityLevel } from '../../src/capabilities/index.js';
import { createHost, type Plugin } from '../../src/index.js';
import { parseCapabilities } from '../../src/manifest/capabilities.js';
import { createSqliteStore, type StateStore } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';
import { tempDirs } from '../storage/sqlite-helpers.js';

const SECRET = 'sk-live-7f3a9c1e5b';
const dirs = tempDirs();
const host = createHost();
let store: StateStore;

before(async () => {
  store = createSqliteStore({ dataDir: dirs.make(), durability: 'normal', vaultKey: new Uint8Array(32).fill(7) });
  await store.vault.set('api_key', SECRET);
  await store.vault.set('other_key', 'not-for-you');
});
after(async () => {
  await host.close();
  await store.close();
  dirs.removeAll();
});

/** Loads cap_kv as `id`, requesting `requested` with `granted` grants at `level`. */
async function load(id: string, requested: unknown[], granted: string[], level: SecurityLevel = 'strict'): Promise<Plugin> {
  const effective = effectiveCapabilities(parseCapabilities(requested).capabilities, granted, level);
  return host.load(fixture('cap_kv'), { name: id, functions: capabilityFunctions({ plugin: id, effective, store }) });
}
const text = async (p: Plugin, fn: string, input: string): Promise<string> => (await p.call(fn, input)).text();
const denials = async (plugin: string, capability: string) => (await store.audit.query({ plugin, capability, decision: 'deny' })).records;

describe('kv', () => {
  it('set, get, list by prefix, delete', async () => {
    const p = await load('kv-a', [{ storage: 'kv' }], ['storage:kv']);
    await p.call('kv_put', 'greeting=hello');
    await p.call('kv_put', 'greet2=hi=there');
    await p.call('kv_put', 'other=x');
    assert.equal(await text(p, 'kv_get', 'greeting'), 'hello');
    assert.equal(await text(p, 'kv_get', 'greet2'), 'hi=there');
    assert.equal(await text(p, 'kv_get', 'missing'), '<none>');
    assert.deepEqual(JSON.parse(await text(p, 'kv_list', 'greet')), ['greet2', 'greeting']);
    assert.deepEqual(JSON.parse(await text(p, 'kv_list', '')), ['greet2', 'greeting', 'other']);
    await p.call('kv_delete', 'greeting');
    assert.equal(await text(p, 'kv_get', 'greeting'), '<none>');
    assert.equal((await store.kv.get('kv-a', 'other'))?.length, 1);
  });

  it('denied without the grant: PERMISSION_DENIED and an audit record per call', async () => {
    const p = await load('kv-denied', [{ storage: 'kv' }], []);
    const e = await rejectsWithCode(p.call('kv_put', 'k=v'), 'PERMISSION_DENIED');
    assert.equal(e.data.capability, 'storage');
    await rejectsWithCode(p.call('kv_get', 'k'), 'PERMISSION_DENIED');
    const records = await denials('kv-denied', 'storage');
    assert.deepEqual(records.map((r) => r.detail).sort(), ['kv get "k"', 'kv set "k"']);
    assert.equal((await store.kv.usage('kv-denied')).keys, 0);
    await rejectsWithCode(p.call('kv_get', 'k'), 'PERMISSION_DENIED'); // the instance survives a denial
  });

  it('two plugins never see each other\'s keys', async () => {
    const a = await load('iso-a', [{ storage: 'kv' }], ['storage:kv']);
    const b = await load('iso-b', [{ storage: 'kv' }], ['storage:kv']);
    await a.call('kv_put', 'shared=from-a');
    assert.equal(await text(b, 'kv_get', 'shared'), '<none>');
    assert.deepEqual(JSON.parse(await text(b, 'kv_list', '')), []);
    await b.call('kv_put', 'shared=from-b');
    assert.equal(await text(a, 'kv_get', 'shared'), 'from-a');
  });

  it('__proto__ and constructor are ordinary keys', async () => {
    const p = await load('proto', [{ storage: 'kv' }], ['storage:kv']);
    assert.equal(await text(p, 'kv_get', '__proto__'), '<none>');
    assert.equal(await text(p, 'kv_get', 'constructor'), '<none>');
    await p.call('kv_put', '__proto__=polluted');
    assert.equal(await text(p, 'kv_get', '__proto__'), 'polluted');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(JSON.parse(await text(p, 'kv_list', '__')), ['__proto__']);
  });

  it('over the quota → LIMIT_EXCEEDED with the limit named', async () => {
    const p = await load('quota', [{ storage: 'kv' }], ['storage:kv']);
    await store.kv.setQuota('quota', { maxKeys: 2, maxValueBytes: 8 });
    await p.call('kv_put', 'a=1');
    await p.call('kv_put', 'b=2');
    const keys = await rejectsWithCode(p.call('kv_put', 'c=3'), 'LIMIT_EXCEEDED');
    assert.equal(keys.data.limit, 'maxKeys');
    const value = await rejectsWithCode(p.call('kv_put', 'a=123456789'), 'LIMIT_EXCEEDED');
    assert.equal(value.data.limit, 'maxValueBytes');
    assert.equal(await text(p, 'kv_get', 'a'), '1');
  });

  it('the paranoid level still allows granted kv', async () => {
    const p = await load('paranoid-kv', [{ storage: 'kv' }], ['storage:kv'], 'paranoid');
    await p.call('kv_put', 'k=v');
    assert.equal(await text(p, 'kv_get', 'k'), 'v');
  });
});

describe('vault', () => {
  it('a granted key reads its secret; the read is audited without the value', async () => {
    const p = await load('v-ok', [{ vault: ['api_key'] }], ['vault:api_key']);
    assert.equal(await text(p, 'vault_get', 'api_key'), SECRET);
    const { records } = await store.audit.query({ plugin: 'v-ok' });
    assert.deepEqual(records.map((r) => [r.capability, r.decision, r.detail]), [['vault', 'allow', 'vault get "api_key"']]);
  });

  it('forbidden and not-found look the same to the plugin; both are audited', async () => {
    const p = await load('v-mixed', [{ vault: ['api_key', 'nope'] }], ['vault:nope']);
    const forbidden = await text(p, 'vault_get', 'api_key');
    const ungrantedOther = await text(p, 'vault_get', 'other_key');
    const notFound = await text(p, 'vault_get', 'nope');
    assert.deepEqual([forbidden, ungrantedOther, notFound], ['<none>', '<none>', '<none>']);
    const records = await denials('v-mixed', 'vault');
    assert.deepEqual(records.map((r) => [r.detail, r.reason]).sort(), [
      ['vault get "api_key"', 'not covered by the grant'], ['vault get "nope"', 'no such secret'], ['vault get "other_key"', 'not covered by the grant'],
    ]);
  });

  it('not requested or not granted at all: 0 and a denial', async () => {
    const p = await load('v-none', [], ['vault:api_key']);
    assert.equal(await text(p, 'vault_get', 'api_key'), '<none>');
    assert.equal((await denials('v-none', 'vault')).length, 1);
  });

  it('paranoid denies the vault even when granted', async () => {
    const p = await load('v-paranoid', [{ vault: ['api_key'] }], ['vault:api_key'], 'paranoid');
    assert.equal(await text(p, 'vault_get', 'api_key'), '<none>');
    assert.equal((await denials('v-paranoid', 'vault'))[0]?.reason, 'capability not granted');
  });

  it('a guest passing a secret as the name does not put it in the audit log', async () => {
    const p = await load('v-exfil', [{ vault: ['api_key'] }], []);
    assert.equal(await text(p, 'vault_get', SECRET.replaceAll('-', '_')), '<none>');
    assert.equal(await text(p, 'vault_get', `${SECRET} with spaces`), '<none>');
    const details = (await denials('v-exfil', 'vault')).map((r) => r.detail);
    assert.equal(details.length, 2);
    for (const d of details) assert.ok(!d.includes('sk'), d);
  });

  it('no record and no error anywhere holds the secret', async () => {
    const p = await load('v-leak', [{ vault: ['api_key'] }, { storage: 'kv' }], []);
    await p.call('vault_get', 'api_key');
    const e = await rejectsWithCode(p.call('kv_get', 'api_key'), 'PERMISSION_DENIED');
    assert.ok(!JSON.stringify(e.toJSON()).includes(SECRET));
    const all = await store.audit.query({ limit: 1000 });
    assert.ok(all.total > 0);
    assert.ok(!JSON.stringify(all.records).includes(SECRET));
  });
});
