/**
 * Conformance: the KV store. Hostile keys and plugin ids, isolation, literal prefixes, paging,
 * quotas and argument checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsWithCode } from '../helpers/errors.js';
import { bytes, text, type WithStore } from './conformance.js';

/** Keys that break naive stores: prototype names, path tricks, LIKE/GLOB wildcards, odd code points. */
export const HOSTILE_KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '../x', '../../etc/passwd',
  '%', '_', 'a%b', 'a_b', '*', '?', '[a]', '\\', "'; DROP TABLE kv; --", 'nul\u0000byte', '\u{1F600}', '\u{10FFFF}', ' ',
];

/** Registers the KV part of the suite. */
export function kvSuite(withStore: WithStore): void {
  describe('kv', () => {
    it('sets, gets, overwrites and deletes, storing a copy of the value', () => withStore(async (store) => {
      const value = bytes('hello');
      await store.kv.set('p', 'k', value);
      value[0] = 0;
      assert.equal(text(await store.kv.get('p', 'k')), 'hello');
      await store.kv.set('p', 'k', bytes('bye'));
      assert.equal(text(await store.kv.get('p', 'k')), 'bye');
      assert.equal(await store.kv.delete('p', 'k'), true);
      assert.equal(await store.kv.delete('p', 'k'), false);
      assert.equal(await store.kv.get('p', 'k'), undefined);
      await store.kv.set('p', 'empty', new Uint8Array(0));
      assert.deepEqual(await store.kv.get('p', 'empty'), new Uint8Array(0));
    }));

    it('stores hostile keys as plain data, without inherited values', () => withStore(async (store) => {
      for (const key of HOSTILE_KEYS) assert.equal(await store.kv.get('p', key), undefined, key);
      for (const key of HOSTILE_KEYS) await store.kv.set('p', key, bytes(`v:${key}`));
      for (const key of HOSTILE_KEYS) assert.equal(text(await store.kv.get('p', key)), `v:${key}`, key);
      const listed = (await store.kv.list('p', '', { limit: 1000 })).keys;
      assert.deepEqual([...listed].sort(), [...HOSTILE_KEYS].sort());
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
    }));

    it('never lets one plugin read or list another plugin\'s keys', () => withStore(async (store) => {
      const ids = ['a', 'A', 'a%', 'a_', '%', '_', '__proto__', 'constructor', 'b/../a'];
      for (const id of ids) await store.kv.set(id, `secret-of-${id}`, bytes(id));
      for (const id of ids) {
        assert.deepEqual((await store.kv.list(id, '')).keys, [`secret-of-${id}`], id);
        for (const other of ids) {
          if (other === id) continue;
          assert.equal(await store.kv.get(id, `secret-of-${other}`), undefined, `${id} reads ${other}`);
          const listed = (await store.kv.list(id, `secret-of-${other}`)).keys;
          assert.ok(listed.every((k) => k === `secret-of-${id}`), `${id} lists ${other}`);
        }
        for (const prefix of ['%', '_', '*', 's%', 'secret-of-%']) {
          assert.ok((await store.kv.list(id, prefix)).keys.every((k) => k === `secret-of-${id}`), `${id} prefix ${prefix}`);
        }
      }
      assert.deepEqual((await store.kv.list('nobody', '')).keys, []);
    }));

    it('takes a prefix literally, in byte order, including the prefix itself', () => withStore(async (store) => {
      for (const key of ['a', 'a%b', 'a_b', 'axb', 'ab', 'a\\b', 'b', 'a\u{10FFFF}z', 'a\u{10FFFF}']) await store.kv.set('p', key, bytes('.'));
      assert.deepEqual((await store.kv.list('p', 'a%')).keys, ['a%b']);
      assert.deepEqual((await store.kv.list('p', 'a_')).keys, ['a_b']);
      assert.deepEqual((await store.kv.list('p', 'a\\')).keys, ['a\\b']);
      assert.deepEqual((await store.kv.list('p', 'a\u{10FFFF}')).keys, ['a\u{10FFFF}', 'a\u{10FFFF}z']);
      assert.deepEqual((await store.kv.list('p', 'a')).keys, ['a', 'a%b', 'a\\b', 'a_b', 'ab', 'axb', 'a\u{10FFFF}', 'a\u{10FFFF}z']);
    }));

    it('pages with a cursor, without gaps or repeats', () => withStore(async (store) => {
      const keys = Array.from({ length: 25 }, (_, i) => `item/${String(i).padStart(2, '0')}`);
      for (const key of keys) await store.kv.set('p', key, bytes('.'));
      await store.kv.set('p', 'other', bytes('.'));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.kv.list('p', 'item/', { limit: 10, cursor });
        seen.push(...page.keys);
        cursor = page.cursor;
        pages++;
      } while (cursor);
      assert.deepEqual(seen, keys);
      assert.equal(pages, 3);
      assert.equal((await store.kv.list('p', '', { limit: 5000 })).keys.length, 26, 'limit is clamped, not refused');
    }));

    it('enforces each quota with LIMIT_EXCEEDED naming it, leaving nothing behind', () => withStore(async (store) => {
      await store.kv.setQuota('p', { maxKeys: 2, maxTotalBytes: 40, maxValueBytes: 16, maxKeyBytes: 8 });
      assert.deepEqual(await store.kv.quota('p'), { maxKeys: 2, maxTotalBytes: 40, maxValueBytes: 16, maxKeyBytes: 8 });
      const over = async (key: string, size: number, limit: string) => {
        const before = await store.kv.usage('p');
        const e = await rejectsWithCode(store.kv.set('p', key, new Uint8Array(size)), 'LIMIT_EXCEEDED');
        assert.equal(e.data['limit'], limit);
        assert.deepEqual(await store.kv.usage('p'), before);
      };
      await over('k', 17, 'maxValueBytes');
      await over('123456789', 1, 'maxKeyBytes');
      await over('\u00e9\u00e9\u00e9\u00e9\u00e9', 1, 'maxKeyBytes'); // 5 characters, 10 bytes
      await store.kv.set('p', 'a', new Uint8Array(16));
      await store.kv.set('p', 'b', new Uint8Array(16));
      assert.deepEqual(await store.kv.usage('p'), { keys: 2, bytes: 34 });
      await over('c', 1, 'maxKeys');
      await store.kv.set('p', 'a', new Uint8Array(4)); // overwriting an existing key adds no key
      await store.kv.setQuota('p', { maxKeys: 2, maxTotalBytes: 26, maxValueBytes: 16, maxKeyBytes: 8 });
      await over('a', 10, 'maxTotalBytes');
      await store.kv.setQuota('p', { maxTotalBytes: 10 }); // lowered below usage: shrinking still works
      await store.kv.set('p', 'b', new Uint8Array(2));
      assert.deepEqual(await store.kv.usage('p'), { keys: 2, bytes: 8 });
      await store.kv.setQuota('p', null);
      assert.equal((await store.kv.quota('p')).maxKeys, (await store.kv.quota('other')).maxKeys);
      assert.deepEqual(await store.kv.usage('other'), { keys: 0, bytes: 0 });
    }));

    it('clears one plugin only', () => withStore(async (store) => {
      for (const key of ['x', 'y', 'z']) await store.kv.set('p', key, bytes(key));
      await store.kv.set('q', 'x', bytes('x'));
      assert.equal(await store.kv.clear('p'), 3);
      assert.deepEqual(await store.kv.usage('p'), { keys: 0, bytes: 0 });
      assert.deepEqual((await store.kv.list('p', '')).keys, []);
      assert.equal(text(await store.kv.get('q', 'x')), 'x');
      await store.kv.set('p', 'again', bytes('1'));
      assert.deepEqual(await store.kv.usage('p'), { keys: 1, bytes: 6 });
    }));

    it('refuses malformed arguments with INVALID_ARGUMENT', () => withStore(async (store) => {
      await rejectsWithCode(store.kv.set('p', '', bytes('x')), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.kv.set('p', 'lone\uD800', bytes('x')), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.kv.set('', 'k', bytes('x')), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.kv.set('p', 'k', 'text' as unknown as Uint8Array), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.kv.get('p', 42 as unknown as string), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.kv.list('p', '', { limit: 0 }), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.kv.setQuota('p', { maxKeys: -1 }), 'INVALID_ARGUMENT');
    }));
  });
}
