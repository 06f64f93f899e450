// Installs are all or nothing: a failure while committing, or a crash left in the staging
// folder, never leaves a half-installed plugin or loses the version that was serving.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cpSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Warden } from '../../src/warden/index.js';
import { createSqliteStore, type StateStore } from '../../src/storage/index.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());
const vaultKey = Buffer.from(TEST_VAULT_KEY, 'hex');

const plugin = (root: string, version: string) =>
  writePluginDir(root, { name: 'steady', version, fixture: 'cap_kv', tools: ['kv_get'], capabilities: [{ storage: 'kv' }, { vault: ['k'] }] });

/** A store whose transactions fail once `failing.on` is set: a disk that fills up mid-install. */
function flakyStore(dataDir: string, failing: { on: boolean }): StateStore {
  const store = createSqliteStore({ dataDir, vaultKey, durability: 'normal' });
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'transaction' && failing.on) return () => Promise.reject(new Error('disk full'));
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('install commit', () => {
  it('a failed commit restores the old version, which keeps serving', async () => {
    const dataDir = dirs.make();
    const failing = { on: false };
    const w = await Warden.open({ dataDir, store: flakyStore(dataDir, failing) });
    const root = dirs.make();
    await w.install(plugin(root, '1.0.0'), { grant: 'all' });
    failing.on = true;
    await assert.rejects(w.install(plugin(root, '2.0.0'), { grant: 'all' }), /disk full/);
    failing.on = false;
    assert.equal((await w.list())[0]?.version, '1.0.0');
    assert.equal((await w.call('steady', 'kv_get', 'x')).text(), '<none>');
    assert.deepEqual(readdirSync(join(dataDir, 'staging')), []);
    await w.close();
    const again = await Warden.open({ dataDir, vaultKey });
    assert.equal((await again.list())[0]?.status, 'installed'); // files on disk match the record
    await again.close();
  });

  it('on open, an install interrupted before its commit is rolled back', async () => {
    const dataDir = dirs.make();
    const root = dirs.make();
    let w = await Warden.open({ dataDir, vaultKey });
    await w.install(plugin(root, '1.0.0'), { grant: 'all' });
    await w.close();
    // The state a crash leaves between "new folder renamed in" and "registry committed".
    const staging = join(dataDir, 'staging', 'crashed');
    mkdirSync(staging, { recursive: true });
    const target = join(dataDir, 'plugins', 'steady');
    writeFileSync(join(staging, 'journal.json'), JSON.stringify({ id: 'steady', target, record: { id: 'steady', version: '2.0.0', modules: [] } }));
    renameSync(target, join(staging, 'old'));
    cpSync(plugin(root, '2.0.0'), target, { recursive: true });
    // And a half-written staging folder with no journal.
    mkdirSync(join(dataDir, 'staging', 'partial', 'new'), { recursive: true });
    // And one that a process still running is using (here: this test's parent): left alone.
    const busy = `${process.ppid}-in-progress`;
    mkdirSync(join(dataDir, 'staging', busy, 'new'), { recursive: true });

    w = await Warden.open({ dataDir, vaultKey });
    const [summary] = await w.list();
    assert.deepEqual([summary?.version, summary?.status, summary?.loaded], ['1.0.0', 'installed', true]);
    assert.deepEqual(readdirSync(join(dataDir, 'staging')), [busy]);
    await w.close();
  });
});
