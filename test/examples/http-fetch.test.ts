// The http-fetch example through the CLI: a host the manifest lists is fetched (a local server,
// with the config file's allowed_addresses letting Warden connect to 127.0.0.1), and every other
// host is refused before a connection is made.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reply, startServer, type TestServer } from '../helpers/http-server.js';
import { tempDirs } from '../storage/sqlite-helpers.js';
import { examplePath, fails, ok, operator } from './operator.js';

const dirs = tempDirs();
let server: TestServer;
let other: TestServer;
before(async () => {
  server = await startServer((req, res) => (req.url === '/hop' ? reply(res, 302, '', { location: `${other.origin}/secret` }) : reply(res, 200, 'fetched!', { 'content-type': 'text/plain' })));
  other = await startServer((_req, res) => reply(res, 200, 'should never be read'));
});
after(async () => {
  await server.close();
  await other.close();
  dirs.removeAll();
});

/** The built example with a warden.yaml beside it that points `network` at the local server. */
function pointedAtServer(): string {
  const dir = dirs.make();
  copyFileSync(join(examplePath('http-fetch'), 'http-fetch.wasm'), join(dir, 'http-fetch.wasm'));
  const manifest = readFileSync(new URL('../../../examples/http-fetch/warden.yaml', import.meta.url), 'utf8')
    .replace('network: [example.com, www.example.com]', `network: ["${server.hostPort}"]`);
  writeFileSync(join(dir, 'warden.yaml'), `${manifest}wasm: http-fetch.wasm\n`);
  return dir;
}

describe('example: http-fetch', () => {
  it('fetches from the allowed host; refuses another host and a redirect to one', async () => {
    const op = operator(dirs);
    writeFileSync(join(op.dataDir, 'config.yaml'), 'allowed_addresses: ["127.0.0.1"]\n');
    const installed = await op.install(pointedAtServer(), '--yes');
    assert.match(installed.stdout, new RegExp(`granted {2}network:${server.hostPort.replace('.', '\\.')}`));
    assert.deepEqual(await op.callJson('http-fetch', 'fetch', { url: `${server.origin}/page` }), { status: 200, ok: true, body: 'fetched!', truncated: false, contentType: 'text/plain' });
    fails(await op.run(['plugin', 'call', 'http-fetch', 'fetch', JSON.stringify({ url: `${other.origin}/` })]), 'PERMISSION_DENIED');
    fails(await op.run(['plugin', 'call', 'http-fetch', 'fetch', JSON.stringify({ url: `${server.origin}/hop` })]), 'PERMISSION_DENIED');
    assert.deepEqual(other.requests, []);
    const denials = JSON.parse(ok(await op.run(['audit-log', '--plugin', 'http-fetch', '--json'])).stdout);
    assert.equal(denials.total, 2);
  });

  it('as built, reaches only example.com: the local server is refused', async () => {
    const op = operator(dirs);
    writeFileSync(join(op.dataDir, 'config.yaml'), 'allowed_addresses: ["127.0.0.1"]\n');
    assert.match((await op.install('http-fetch', '--yes')).stdout, /granted {2}network:example\.com/);
    const before = server.requests.length;
    fails(await op.run(['plugin', 'call', 'http-fetch', 'fetch', JSON.stringify({ url: `${server.origin}/page` })]), 'PERMISSION_DENIED');
    fails(await op.run(['plugin', 'call', 'http-fetch', 'fetch', '{}']), 'PLUGIN_ERROR', /input must be/);
    assert.equal(server.requests.length, before);
  });
});
