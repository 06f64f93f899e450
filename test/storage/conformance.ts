/**
 * The conformance suite every state-store driver passes: `testStateStore(name, factory)`.
 * The factory returns a fresh, empty store with a usable vault key each time it is called;
 * the suite closes every store it opens.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StateStore } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { kvSuite } from './conformance-kv.js';
import { recordSuite } from './conformance-records.js';
import { registrySuite } from './conformance-registry.js';
import { sessionSuite } from './conformance-sessions.js';

/** Makes a fresh, empty store. */
export type StoreFactory = () => Promise<StateStore> | StateStore;

/** Runs `body` against a fresh store from `factory`, closing it afterwards. */
export type WithStore = (body: (store: StateStore) => Promise<void>) => Promise<void>;

/** Bytes of a UTF-8 string. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** UTF-8 text of bytes (or `undefined`). */
export const text = (value: Uint8Array | undefined): string | undefined => (value === undefined ? undefined : new TextDecoder().decode(value));

/** Registers the whole conformance suite for one driver. */
export function testStateStore(name: string, factory: StoreFactory): void {
  const withStore: WithStore = async (body) => {
    const store = await factory();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };
  describe(`state store conformance: ${name}`, () => {
    kvSuite(withStore);
    recordSuite(withStore);
    registrySuite(withStore);
    sessionSuite(withStore);
    transactionSuite(withStore);
  });
}

function transactionSuite(withStore: WithStore): void {
  describe('transactions', () => {
    it('commits every change together, or none when fn throws', () => withStore(async (store) => {
      const result = await store.transaction(async (tx) => {
        await tx.kv.set('p', 'a', bytes('1'));
        await tx.audit.append({ plugin: 'p', capability: 'kv', detail: 'a', decision: 'allow' });
        return 42;
      });
      assert.equal(result, 42);
      await assert.rejects(store.transaction(async (tx) => {
        await tx.kv.set('p', 'b', bytes('2'));
        await tx.kv.delete('p', 'a');
        throw new Error('boom');
      }), /boom/);
      assert.equal(text(await store.kv.get('p', 'a')), '1');
      assert.equal(await store.kv.get('p', 'b'), undefined);
      assert.deepEqual(await store.kv.usage('p'), { keys: 1, bytes: 2 });
      assert.equal((await store.audit.query()).total, 1);
    }));

    it('nests: an inner failure rolls back only the inner changes', () => withStore(async (store) => {
      await store.transaction(async (tx) => {
        await tx.kv.set('p', 'outer', bytes('o'));
        await assert.rejects(tx.transaction(async (inner) => {
          await inner.kv.set('p', 'inner', bytes('i'));
          throw new Error('inner');
        }), /inner/);
        await tx.transaction(async (inner) => inner.kv.set('p', 'kept', bytes('k')));
      });
      assert.deepEqual((await store.kv.list('p', '')).keys, ['kept', 'outer']);
    }));

    it('rolls back a write refused by a quota inside the transaction', () => withStore(async (store) => {
      await store.kv.setQuota('p', { maxKeys: 1 });
      await rejectsWithCode(store.transaction(async (tx) => {
        await tx.kv.set('p', 'a', bytes('1'));
        await tx.kv.set('p', 'b', bytes('2'));
      }), 'LIMIT_EXCEEDED');
      assert.deepEqual(await store.kv.usage('p'), { keys: 0, bytes: 0 });
    }));

    it('makes other callers wait, refuses the outer store inside fn, and retires tx at the end', () => withStore(async (store) => {
      // Twice: the second transaction must be as guarded as the first (the guard is switched
      // off between transactions).
      for (const round of ['one', 'two']) {
        let leaked: StateStore | undefined;
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const tx = store.transaction(async (t) => {
          leaked = t;
          await t.kv.set('p', 'k', bytes(round));
          await rejectsWithCode(store.kv.get('p', 'k'), 'INVALID_ARGUMENT');
          await gate;
        });
        const outside = store.kv.get('p', 'k');
        await new Promise((r) => setTimeout(r, 20));
        release();
        await tx;
        assert.equal(text(await outside), round);
        await rejectsWithCode(leaked!.kv.get('p', 'k'), 'INVALID_ARGUMENT');
      }
    }));

    it('rejects calls after close with CLOSED, and close is idempotent', async () => {
      let store: StateStore | undefined;
      await withStore(async (s) => {
        store = s;
      });
      await rejectsWithCode(store!.kv.get('p', 'k'), 'CLOSED');
      await store!.close();
    });
  });
}
