/**
 * Conformance: the gateway's browser sessions, stored and looked up by a 32-byte hash.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionRecord } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import type { WithStore } from './conformance.js';

/** A 32-byte hash filled with `n`. */
const hash = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const session = (n: number, expiresAt: number): SessionRecord => ({ hash: hash(n), createdAt: 1000, expiresAt });

/** Registers the sessions part of the suite. */
export function sessionSuite(withStore: WithStore): void {
  describe('sessions', () => {
    it('adds, gets, touches and deletes by hash', () => withStore(async (store) => {
      assert.equal(await store.sessions.get(hash(1)), undefined);
      await store.sessions.add(session(1, 5000), 10);
      assert.deepEqual(await store.sessions.get(hash(1)), { hash: hash(1), createdAt: 1000, expiresAt: 5000 });
      assert.equal(await store.sessions.get(hash(2)), undefined);
      assert.equal(await store.sessions.touch(hash(1), 9000), true);
      assert.equal((await store.sessions.get(hash(1)))?.expiresAt, 9000);
      assert.equal(await store.sessions.touch(hash(2), 9000), false);
      assert.equal(await store.sessions.delete(hash(1)), true);
      assert.equal(await store.sessions.delete(hash(1)), false);
      assert.equal(await store.sessions.get(hash(1)), undefined);
    }));

    it('drops the sessions that expire first past the cap, never the new one', () => withStore(async (store) => {
      await store.sessions.add(session(1, 3000), 2);
      await store.sessions.add(session(2, 2000), 2);
      await store.sessions.add(session(3, 1500), 2);
      assert.equal(await store.sessions.get(hash(2)), undefined, 'the one expiring first went');
      assert.ok(await store.sessions.get(hash(1)));
      assert.ok(await store.sessions.get(hash(3)), 'the new one stays, however soon it expires');
      await store.sessions.add(session(4, 3000), 1);
      assert.deepEqual(await Promise.all([1, 3, 4].map(async (n) => (await store.sessions.get(hash(n))) !== undefined)), [false, false, true]);
    }));

    it('purges the expired sessions and clears them all', () => withStore(async (store) => {
      for (const n of [1, 2, 3]) await store.sessions.add(session(n, n * 1000), 10);
      assert.equal(await store.sessions.purge(2000), 2, 'expiring at or before now');
      assert.ok(await store.sessions.get(hash(3)));
      await store.sessions.add(session(4, 9000), 10);
      assert.equal(await store.sessions.clear(), 2);
      assert.equal(await store.sessions.get(hash(4)), undefined);
    }));

    it('refuses a hash that is not 32 bytes, a bad time and a cap below 1', () => withStore(async (store) => {
      for (const bad of [new Uint8Array(31), new Uint8Array(33), 'a'.repeat(32)] as Uint8Array[]) {
        await rejectsWithCode(store.sessions.get(bad), 'INVALID_ARGUMENT');
        await rejectsWithCode(store.sessions.add({ hash: bad, createdAt: 1, expiresAt: 2 }, 10), 'INVALID_ARGUMENT');
      }
      await rejectsWithCode(store.sessions.add({ hash: hash(1), createdAt: 1, expiresAt: 2.5 }, 10), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.sessions.add(session(1, 2000), 0), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.sessions.touch(hash(1), Number.NaN), 'INVALID_ARGUMENT');
      assert.equal(await store.sessions.purge(Number.MAX_SAFE_INTEGER), 0, 'nothing refused was stored');
    }));
  });
}
