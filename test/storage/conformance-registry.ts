/**
 * Conformance: the plugin registry, grants and config, and what removing a plugin takes along.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PluginRecordInput } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { bytes, text, type WithStore } from './conformance.js';

const SHA = 'ab'.repeat(32);

/** A registry record for `id`. */
export function pluginRecord(id: string, change: Partial<PluginRecordInput> = {}): PluginRecordInput {
  return {
    id,
    version: '0.1.0',
    status: 'installed',
    manifest: { name: id, capabilities: [{ storage: 'kv' }] },
    modules: [{ name: 'main', sha256: SHA }],
    enabled: true,
    ...change,
  };
}

/** Registers the registry, grants and config parts of the suite. */
export function registrySuite(withStore: WithStore): void {
  describe('registry, grants and config', () => {
    it('puts, gets, lists and updates plugin records', () => withStore(async (store) => {
      const put = await store.plugins.put(pluginRecord('beta'));
      await store.plugins.put(pluginRecord('alpha', { enabled: false }));
      assert.deepEqual(await store.plugins.get('beta'), put);
      assert.deepEqual(put.manifest, { name: 'beta', capabilities: [{ storage: 'kv' }] });
      assert.deepEqual((await store.plugins.list()).map((p) => [p.id, p.enabled]), [['alpha', false], ['beta', true]]);
      const again = await store.plugins.put(pluginRecord('beta', { version: '0.2.0' }));
      assert.equal(again.version, '0.2.0');
      assert.equal(again.installedAt, put.installedAt);
      const updated = await store.plugins.update('beta', { status: 'failed', enabled: false });
      assert.deepEqual([updated.status, updated.enabled, updated.version], ['failed', false, '0.2.0']);
      await rejectsWithCode(store.plugins.update('nobody', { enabled: true }), 'NOT_FOUND');
      assert.equal(await store.plugins.get('__proto__'), undefined);
      await rejectsWithCode(store.plugins.put(pluginRecord('x', { modules: [{ name: 'main', sha256: 'nothex' }] })), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.plugins.put(pluginRecord('x', { manifest: undefined })), 'INVALID_ARGUMENT');
    }));

    it('moves the revision on every change to records, grants and config', () => withStore(async (store) => {
      const seen = [await store.plugins.revision()];
      const moved = async (what: string) => {
        const r = await store.plugins.revision();
        assert.notEqual(r, seen.at(-1), `${what} did not move the revision`);
        seen.push(r);
      };
      await store.plugins.put(pluginRecord('rev'));
      await moved('put');
      await store.plugins.update('rev', { enabled: false });
      await moved('update');
      await store.grants.add('rev', ['storage:kv']);
      await moved('grant');
      await store.grants.revoke('rev', ['storage:kv']);
      await moved('revoke');
      await store.config.set('rev', 'k', 1);
      await moved('config');
      const still = await store.plugins.revision();
      await store.kv.set('rev', 'x', new Uint8Array([1]));
      assert.equal(await store.plugins.revision(), still, 'KV data is not registry state');
      await store.plugins.remove('rev');
      await moved('remove');
    }));

    it('keeps where a plugin lives inside the plugins directory (the id by default)', () => withStore(async (store) => {
      assert.equal((await store.plugins.put(pluginRecord('home'))).location, 'home');
      assert.equal((await store.plugins.put(pluginRecord('found', { location: 'vendor/found-1.2' }))).location, 'vendor/found-1.2');
      assert.equal((await store.plugins.get('found'))?.location, 'vendor/found-1.2');
      for (const location of ['../escape', '/abs', 'a/../b', '.cache/x', 'a//b', '']) {
        await rejectsWithCode(store.plugins.put(pluginRecord('bad', { location })), 'INVALID_ARGUMENT');
      }
    }));

    it('grants, adds and revokes capability strings per plugin', () => withStore(async (store) => {
      await store.plugins.put(pluginRecord('p'));
      await store.plugins.put(pluginRecord('q'));
      await store.grants.set('p', ['storage:kv', 'network:api.example.com']);
      await store.grants.add('p', ['vault:api_key', 'storage:kv']);
      await store.grants.add('q', ['tool:x']);
      assert.deepEqual(await store.grants.get('p'), ['network:api.example.com', 'storage:kv', 'vault:api_key']);
      assert.equal(await store.grants.revoke('p', ['storage:kv', 'never-granted']), 1);
      await store.grants.set('p', []);
      assert.deepEqual(await store.grants.get('p'), []);
      assert.deepEqual(await store.grants.get('q'), ['tool:x']);
      assert.deepEqual(await store.grants.get('nobody'), []);
      await rejectsWithCode(store.grants.set('nobody', ['storage:kv']), 'NOT_FOUND');
      await rejectsWithCode(store.grants.add('p', ['bad\ncap']), 'INVALID_ARGUMENT');
    }));

    it('keeps config as JSON in a prototype-less object', () => withStore(async (store) => {
      await store.plugins.put(pluginRecord('p'));
      await store.config.set('p', 'endpoint', 'https://api.example.com');
      await store.config.set('p', '__proto__', { polluted: true });
      await store.config.set('p', 'limits', { n: 3, list: [1, 'two'] });
      assert.deepEqual(await store.config.get('p', 'limits'), { n: 3, list: [1, 'two'] });
      assert.equal(await store.config.get('p', 'constructor'), undefined);
      const all = await store.config.all('p');
      assert.equal(Object.getPrototypeOf(all), null);
      assert.deepEqual(Object.keys(all).sort(), ['__proto__', 'endpoint', 'limits']);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.equal(await store.config.delete('p', 'endpoint'), true);
      await rejectsWithCode(store.config.set('nobody', 'k', 1), 'NOT_FOUND');
      await rejectsWithCode(store.config.set('p', 'k', undefined), 'INVALID_ARGUMENT');
    }));

    it('removes a plugin with its grants, config and KV data, unless the data is kept', () => withStore(async (store) => {
      for (const id of ['gone', 'kept']) {
        await store.plugins.put(pluginRecord(id));
        await store.grants.set(id, ['storage:kv']);
        await store.config.set(id, 'k', 1);
        await store.kv.set(id, 'data', bytes(id));
      }
      assert.equal(await store.plugins.remove('gone'), true);
      assert.equal(await store.plugins.remove('kept', { keepData: true }), true);
      assert.equal(await store.plugins.remove('gone'), false);
      for (const id of ['gone', 'kept']) {
        assert.equal(await store.plugins.get(id), undefined);
        assert.deepEqual(await store.grants.get(id), []);
        assert.deepEqual(Object.keys(await store.config.all(id)), []);
      }
      assert.equal(await store.kv.get('gone', 'data'), undefined);
      assert.deepEqual(await store.kv.usage('gone'), { keys: 0, bytes: 0 });
      assert.equal(text(await store.kv.get('kept', 'data')), 'kept');
    }));
  });
}
