/**
 * Conformance: the vault, the audit log and the memory store.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsWithCode } from '../helpers/errors.js';
import type { AuditEntry } from '../../src/storage/index.js';
import { text, type WithStore } from './conformance.js';

/** Queries that are FTS syntax errors when passed to FTS5 unescaped. */
export const HOSTILE_QUERIES = ['"', '""', '*', 'NEAR(', 'NEAR(fox', '-', '-fox', 'fox -', 'AND', 'fox OR', '(', ')', '^fox', 'text:fox',
  'fox*', '{text source}: fox', '"fox', 'fox"brown', '\u0000', ':', '+', 'NOT fox', "'; DROP TABLE memory; --"];

/** Registers the vault, audit and memory parts of the suite. */
export function recordSuite(withStore: WithStore): void {
  describe('vault', () => {
    it('sets, gets, lists names and deletes', () => withStore(async (store) => {
      assert.equal(await store.vault.get('api_key'), undefined);
      await store.vault.set('api_key', 's3cret');
      await store.vault.set('__proto__', new Uint8Array([0, 255, 1]));
      await store.vault.set('api_key', 's3cret-2');
      assert.equal(text(await store.vault.get('api_key')), 's3cret-2');
      assert.deepEqual(await store.vault.get('__proto__'), new Uint8Array([0, 255, 1]));
      assert.equal(await store.vault.get('constructor'), undefined);
      assert.deepEqual(await store.vault.list(), ['__proto__', 'api_key']);
      assert.equal(await store.vault.delete('api_key'), true);
      assert.equal(await store.vault.delete('api_key'), false);
      assert.deepEqual(await store.vault.list(), ['__proto__']);
    }));

    it('never puts a secret value in an error', () => withStore(async (store) => {
      const secret = `TOPSECRET-${'x'.repeat(70 * 1024)}`;
      const e = await rejectsWithCode(store.vault.set('big', secret), 'LIMIT_EXCEEDED');
      assert.ok(!JSON.stringify({ m: e.message, d: e.data, s: e.stack }).includes('TOPSECRET'));
      await rejectsWithCode(store.vault.set('bad\nname', 'TOPSECRET'), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.vault.set('', 'TOPSECRET'), 'INVALID_ARGUMENT');
      assert.deepEqual(await store.vault.list(), []);
    }));
  });

  describe('audit', () => {
    const seed = async (append: (e: AuditEntry) => Promise<number>) => {
      for (let i = 0; i < 30; i++) {
        await append({
          time: 1_000 + i * 10,
          plugin: i % 2 ? 'odd' : 'even',
          capability: i % 3 ? 'network' : 'kv',
          detail: `call ${i}`,
          decision: i % 5 ? 'allow' : 'deny',
          ...(i % 5 ? {} : { reason: 'not granted' }),
        });
      }
    };

    it('filters by plugin, capability, decision and time, newest first with a total', () => withStore(async (store) => {
      await seed((e) => store.audit.append(e));
      const all = await store.audit.query();
      assert.equal(all.total, 30);
      assert.deepEqual(all.records.map((r) => r.detail).slice(0, 2), ['call 29', 'call 28']);
      const denied = await store.audit.query({ decision: 'deny' });
      assert.deepEqual(denied.records.map((r) => r.detail), ['call 25', 'call 20', 'call 15', 'call 10', 'call 5', 'call 0']);
      assert.ok(denied.records.every((r) => r.reason === 'not granted'));
      assert.ok(!('reason' in all.records[0]!), 'an allow without reason has no reason field');
      const q = await store.audit.query({ plugin: 'even', capability: 'kv', since: 1_060, until: 1_240 });
      assert.deepEqual(q.records.map((r) => r.detail), ['call 18', 'call 12', 'call 6']);
      assert.equal(q.total, 3);
      assert.equal((await store.audit.query({ plugin: '%' })).total, 0);
    }));

    it('pages with limit and offset, and prunes old records', () => withStore(async (store) => {
      await seed((e) => store.audit.append(e));
      const pages = [];
      for (let offset = 0; offset < 30; offset += 7) pages.push(...(await store.audit.query({ limit: 7, offset })).records);
      assert.deepEqual(pages.map((r) => r.detail), Array.from({ length: 30 }, (_, i) => `call ${29 - i}`));
      assert.equal((await store.audit.query({ limit: 7, offset: 28 })).records.length, 2);
      assert.equal(await store.audit.prune(1_100), 10);
      assert.equal((await store.audit.query()).total, 20);
      await rejectsWithCode(store.audit.query({ offset: -1 }), 'INVALID_ARGUMENT');
      await rejectsWithCode(store.audit.append({ plugin: 'p', capability: 'kv', detail: '', decision: 'maybe' as 'allow' }), 'INVALID_ARGUMENT');
    }));

    it('cuts oversized detail and reason', () => withStore(async (store) => {
      await store.audit.append({ plugin: 'p', capability: 'kv', detail: 'd'.repeat(10_000), decision: 'deny', reason: 'r'.repeat(10_000) });
      const [r] = (await store.audit.query()).records;
      assert.equal(r!.detail.length, 2048);
      assert.equal(r!.reason!.length, 1024);
      assert.ok(Math.abs(r!.time - Date.now()) < 60_000, 'time defaults to now');
    }));
  });

  describe('memory', () => {
    it('finds texts by any word, best first, with source and score', () => withStore(async (store) => {
      const fox = await store.memory.add({ text: 'The quick brown fox jumps over the lazy dog', source: 'fables', metadata: { n: 1 } });
      await store.memory.add({ text: 'A fox, a fox, a fox everywhere: fox' });
      await store.memory.add({ text: 'Nothing relevant here' });
      const hits = await store.memory.search('fox');
      assert.equal(hits.length, 2);
      assert.ok(hits[0]!.score >= hits[1]!.score);
      const brown = await store.memory.search('brown dog');
      assert.deepEqual(brown.map((h) => [h.id, h.source]), [[fox, 'fables']]);
      assert.equal(await store.memory.delete(fox), true);
      assert.deepEqual((await store.memory.search('brown')).length, 0);
    }));

    it('treats FTS syntax in queries as plain text, never an error', () => withStore(async (store) => {
      await store.memory.add({ text: 'brown fox near the NEAR operator and text' });
      for (const q of HOSTILE_QUERIES) {
        const hits = await store.memory.search(q);
        assert.ok(Array.isArray(hits), q);
      }
      assert.equal((await store.memory.search('"fox')).length, 1);
      assert.equal((await store.memory.search('NEAR(')).length, 1, 'NEAR is a word here');
      assert.deepEqual(await store.memory.search('   '), []);
    }));

    it('caps results at the hard limit whatever the caller asks', () => withStore(async (store) => {
      await store.transaction(async (tx) => {
        for (let i = 0; i < 130; i++) await tx.memory.add({ text: `common word ${i}` });
      });
      assert.equal((await store.memory.search('common', { limit: 100_000 })).length, 100);
      assert.equal((await store.memory.search('common')).length, 10);
      assert.equal((await store.memory.search('common', { limit: 3 })).length, 3);
      await rejectsWithCode(store.memory.add({ text: 'x'.repeat(65 * 1024) }), 'LIMIT_EXCEEDED');
      await rejectsWithCode(store.memory.add({ text: '' }), 'INVALID_ARGUMENT');
    }));
  });
}
