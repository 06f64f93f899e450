// The notes example through the CLI: it searches the host's memory store (filled here through
// the library, since the store is the host's to write) and only with memory:read.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createSqliteStore } from '../../src/index.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';
import { fails, ok, operator } from './operator.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

describe('example: notes', () => {
  it('finds notes by their words, best first, up to a limit', async () => {
    const op = operator(dirs);
    const store = createSqliteStore({ dataDir: op.dataDir, vaultKey: Buffer.from(TEST_VAULT_KEY, 'hex') });
    await store.memory.add({ text: 'buy oat milk and coffee', source: 'shopping' });
    await store.memory.add({ text: 'coffee with Grace on Friday', source: 'calendar' });
    await store.memory.add({ text: 'renew the passport', source: 'todo' });
    await store.close();

    await op.install('notes', '--grant', 'memory:read');
    const found = (await op.callJson('notes', 'search', { query: 'coffee' })) as { query: string; count: number; notes: { text: string; source: string; score: number }[] };
    assert.equal(found.count, 2);
    assert.deepEqual(found.notes.map((n) => n.source).sort(), ['calendar', 'shopping']);
    assert.ok(found.notes[0]!.score >= found.notes[1]!.score);
    assert.equal(((await op.callJson('notes', 'search', { query: 'coffee passport', limit: 1 })) as { count: number }).count, 1);
    assert.deepEqual(await op.callJson('notes', 'search', { query: 'unicorn' }), { query: 'unicorn', count: 0, notes: [] });
    fails(await op.run(['plugin', 'call', 'notes', 'search', '{}']), 'PLUGIN_ERROR', /input must be/);
  });

  it('is refused the store without memory:read', async () => {
    const op = operator(dirs);
    await op.install('notes');
    fails(await op.run(['plugin', 'call', 'notes', 'search', '{"query":"x"}']), 'PERMISSION_DENIED');
    assert.match(ok(await op.run(['audit-log', '--plugin', 'notes'])).stdout, /memory/);
  });
});
