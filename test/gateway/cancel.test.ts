// A tool call whose caller goes away is stopped, not left running to its deadline: a REST client
// that hangs up, an MCP client that cancels. Each time the plugin's instance is terminated and
// the next call is served by a fresh one.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createMcpServer } from '../../src/mcp/index.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { CLIENT_INFO } from '../mcp/suite.js';
import { startGateway, type TestGateway } from './client.js';
import { until } from '../helpers/until.js';

let g: TestGateway;

/** Instances of `spinner` discarded so far. */
async function discarded(): Promise<number> {
  return (await g.warden.ensureLoaded('spinner'))!.plugin.stats().discarded;
}

/** Waits (at most 20 s) until `spinner` is running a call. */
async function untilBusy(): Promise<void> {
  const { plugin } = (await g.warden.ensureLoaded('spinner'))!;
  await until(() => plugin.stats().busy > 0);
  assert.equal(plugin.stats().busy, 1);
}

/** Waits (at most 20 s) until `spinner` has discarded `n` instances. */
async function untilDiscarded(n: number): Promise<void> {
  await until(async () => (await discarded()) >= n);
  assert.equal(await discarded(), n);
}

before(async () => {
  // A minute-long deadline (the operator's ceiling and the plugin's own): only the cancellation
  // can stop `spin` within the 20 s the test waits.
  g = await startGateway({}, { limits: { timeoutMs: 60_000 } });
  await g.warden.install(writePluginDir(g.dirs.make(), { name: 'spinner', fixture: 'spin', tools: ['spin', 'ok'], extra: { limits: { timeout: '60s' } } }));
});

describe('cancelled tool calls', () => {
  it('REST: a client that hangs up stops the call', async () => {
    const req = request({
      host: '127.0.0.1', port: g.port, method: 'POST', path: '/api/plugins/spinner/tools/spin',
      headers: { host: `127.0.0.1:${g.port}`, authorization: `Bearer ${g.token}`, 'content-type': 'application/json', 'content-length': '2' },
    });
    req.on('error', () => undefined);
    req.end('{}');
    // Hang up once the call is running, long before its deadline.
    await untilBusy();
    req.destroy();
    await untilDiscarded(1);
    const ok = await g.req('POST', '/api/plugins/spinner/tools/ok');
    assert.equal(ok.status, 200, ok.text);
  });

  it('MCP: notifications/cancelled stops the call', async () => {
    const before = await discarded();
    const server = createMcpServer(g.warden);
    const client = new Client(CLIENT_INFO);
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(a), client.connect(b)]);
    const abort = new AbortController();
    const pending = client.callTool({ name: 'spinner__spin', arguments: {} }, undefined, { signal: abort.signal, timeout: 120_000 });
    await untilBusy();
    abort.abort();
    await assert.rejects(pending);
    await untilDiscarded(before + 1);
    await client.close();
  });
});
