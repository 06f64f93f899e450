// The smart-greeter example through the CLI: the call context names the user, KV remembers
// visits across processes, and the wording comes from the hello example's tool.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tempDirs } from '../storage/sqlite-helpers.js';
import { fails, ok, operator } from './operator.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

describe('example: smart-greeter', () => {
  it('greets the context\'s user, remembers visits, and delegates to hello.hello', async () => {
    const op = operator(dirs);
    await op.install('hello');
    const installed = await op.install('smart-greeter', '--yes');
    assert.match(installed.stdout, /granted {2}storage:kv/);
    assert.match(installed.stdout, /granted {2}tool:hello\.hello/);
    const ada = ['--context', JSON.stringify({ session: 's1', user: { id: 'ada', name: 'Ada' } })];
    assert.deepEqual(await op.callJson('smart-greeter', 'greet', undefined, ...ada), { greeting: 'Hello, Ada! Nice to meet you.', visits: 1, user: 'ada' });
    assert.deepEqual(await op.callJson('smart-greeter', 'greet', undefined, ...ada), { greeting: 'Hello, Ada! Welcome back: this is visit 2.', visits: 2, user: 'ada' });
    assert.deepEqual(await op.callJson('smart-greeter', 'greet', undefined, '--context', '{"user":"bob"}'), { greeting: 'Hello, bob! Nice to meet you.', visits: 1, user: 'bob' });
    assert.deepEqual(await op.callJson('smart-greeter', 'greet'), { greeting: 'Hello, stranger!', visits: 0 });
  });

  it('without its grants the delegation and the memory are refused', async () => {
    const op = operator(dirs);
    await op.install('hello');
    await op.install('smart-greeter', '--grant', 'storage:kv');
    fails(await op.run(['plugin', 'call', 'smart-greeter', 'greet', '--context', '{"user":"ada"}']), 'PERMISSION_DENIED', /hello\.hello/);
    ok(await op.run(['plugin', 'grant', 'smart-greeter', 'tool:hello.hello']));
    ok(await op.run(['plugin', 'revoke', 'smart-greeter', 'storage:kv']));
    fails(await op.run(['plugin', 'call', 'smart-greeter', 'greet', '--context', '{"user":"ada"}']), 'PERMISSION_DENIED');
    assert.deepEqual(await op.callJson('smart-greeter', 'greet'), { greeting: 'Hello, stranger!', visits: 0 });
  });
});
