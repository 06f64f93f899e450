// The kv-counter example (C SDK) through the CLI: counters persist across processes, in the
// plugin's own KV store, and only with the grant.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tempDirs } from '../storage/sqlite-helpers.js';
import { fails, ok, operator } from './operator.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

describe('example: kv-counter', () => {
  it('counts across calls and processes; get and reset', async () => {
    const op = operator(dirs);
    await op.install('kv-counter', '--grant', 'storage:kv');
    assert.deepEqual(await op.callJson('kv-counter', 'increment', { name: 'visits' }), { name: 'visits', value: 1 });
    assert.deepEqual(await op.callJson('kv-counter', 'increment', { name: 'visits', by: 41 }), { name: 'visits', value: 42 });
    assert.deepEqual(await op.callJson('kv-counter', 'increment'), { name: 'default', value: 1 });
    assert.deepEqual(await op.callJson('kv-counter', 'get', { name: 'visits' }), { name: 'visits', value: 42 });
    assert.deepEqual(await op.callJson('kv-counter', 'reset', { name: 'visits' }), { name: 'visits', value: 0 });
    assert.deepEqual(await op.callJson('kv-counter', 'get', { name: 'visits' }), { name: 'visits', value: 0 });
    fails(await op.run(['plugin', 'call', 'kv-counter', 'increment', '{"by":"many"}']), 'PLUGIN_ERROR', /"by" must be an integer/);
    fails(await op.run(['plugin', 'call', 'kv-counter', 'increment', 'visits']), 'PLUGIN_ERROR', /input must be a JSON object/);
  });

  it('is refused its store until storage:kv is granted', async () => {
    const op = operator(dirs);
    await op.install('kv-counter');
    fails(await op.run(['plugin', 'call', 'kv-counter', 'increment']), 'PERMISSION_DENIED');
    ok(await op.run(['plugin', 'grant', 'kv-counter', 'storage:kv']));
    assert.deepEqual(await op.callJson('kv-counter', 'increment'), { name: 'default', value: 1 });
  });
});
