// A lazy Warden (what each CLI command opens) loads a plugin at its first use, and a delegation
// is a use: the callee is loaded when a caller reaches it, not only when it is called directly.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Warden } from '../../src/warden/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

describe('Warden (lazy): delegation', () => {
  it('loads the callee of a delegation on demand; a disabled callee stays unreachable', async () => {
    const dataDir = dirs.make();
    const root = dirs.make();
    const open = () => Warden.open({ dataDir, vaultKey: Buffer.from(TEST_VAULT_KEY, 'hex'), durability: 'normal', lazy: true });
    let w = await open();
    await w.install(writePluginDir(root, { name: 'store', fixture: 'cap_kv', tools: ['kv_put', 'kv_get'], capabilities: [{ storage: 'kv' }, { vault: ['k'] }] }), { grant: ['storage:kv'] });
    await w.install(writePluginDir(root, { name: 'caller', fixture: 'cap_tool', tools: ['delegate'], capabilities: [{ tool: ['store.kv_put', 'store.kv_get'] }, { cli: [{ command: '/bin/true', args: [] }] }] }), {
      grant: ['tool:store.kv_put', 'tool:store.kv_get'],
    });
    await w.close();

    w = await open();
    try {
      await w.call('caller', 'delegate', 'store.kv_put k=v'); // only `caller` was loaded by the call
      assert.equal((await w.call('caller', 'delegate', 'store.kv_get k')).text(), 'v');
      await w.disable('store');
      await rejectsWithCode(w.call('caller', 'delegate', 'store.kv_get k'), 'NOT_FOUND');
    } finally {
      await w.close();
    }
  });
});
