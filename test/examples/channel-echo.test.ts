// The channel-echo example (C SDK): through the CLI its `send` tool takes a channel message and
// `last` returns it from KV in a later process; through the library it serves as the channel
// another plugin sends to.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Warden } from '../../src/index.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';
import { examplePath, fails, ok, operator } from './operator.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

describe('example: channel-echo', () => {
  it('receives a channel message on send, echoes it, and keeps the last one', async () => {
    const op = operator(dirs);
    await op.install('channel-echo', '--yes');
    assert.equal(await op.callJson('channel-echo', 'last'), null);
    const message = { plugin: 'alerts-bot', channel: 'ops', text: 'disk at 91% "/var"' };
    const echo = { echo: message.text, from: 'alerts-bot', channel: 'ops' };
    assert.deepEqual(await op.callJson('channel-echo', 'send', message), echo);
    assert.deepEqual(await op.callJson('channel-echo', 'last'), echo);
    fails(await op.run(['plugin', 'call', 'channel-echo', 'send', '{"text":"no sender"}']), 'PLUGIN_ERROR', /expected a channel message/);
    assert.match(ok(await op.run(['plugin', 'list'])).stdout, /channel-echo\s+1\.0\.0\s+enabled\s+medium\s+send, last/);
  });

  it('serves a Warden channel: a plugin\'s channel send arrives on its send tool', async () => {
    const warden = await Warden.open({ dataDir: dirs.make(), vaultKey: Buffer.from(TEST_VAULT_KEY, 'hex'), durability: 'normal', channels: { echo: { plugin: 'channel-echo' } } });
    try {
      await warden.install(examplePath('channel-echo'), { grant: 'all' });
      await warden.install(writePluginDir(dirs.make(), { name: 'sender', fixture: 'cap_misc', tools: ['send'], capabilities: [{ channel: 'send' }, { memory: 'read' }] }), { grant: 'all' });
      assert.equal((await warden.call('sender', 'send', 'echo:build finished')).text(), '0');
      assert.deepEqual((await warden.call('channel-echo', 'last')).json(), { echo: 'build finished', from: 'sender', channel: 'echo' });
    } finally {
      await warden.close();
    }
  });
});
