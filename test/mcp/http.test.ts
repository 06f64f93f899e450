// MCP over Streamable HTTP: the handler of src/mcp/http.ts mounted on a node:http server on
// 127.0.0.1, driven by the SDK's own Client: the shared suite, list-changed notifications as the
// Warden's tools change, sessions (ids, DELETE, idle expiry, the cap) and the Host/Origin checks
// that stop DNS rebinding.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createServer, request, type ClientRequest, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Warden } from '../../src/warden/index.js';
import { createMcpHttpHandler, wardenToolSource, type McpHttpHandler, type McpHttpOptions } from '../../src/mcp/index.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';
import { CLIENT_INFO, SUITE_TOOLS, call, installSuitePlugins, mcpToolSuite, textOf } from './suite.js';
import { until } from '../helpers/until.js';

const dirs = tempDirs();
const closers: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const close of closers.reverse()) await close();
  dirs.removeAll();
});

let warden: Warden;
before(async () => {
  warden = await Warden.open({ dataDir: dirs.make(), vaultKey: Buffer.from(TEST_VAULT_KEY, 'hex'), durability: 'normal' });
  closers.push(() => warden.close());
  await installSuitePlugins(warden, dirs.make());
});

/** The handler on a fresh loopback server; returns the endpoint URL. */
async function serve(options: McpHttpOptions = {}, pollMs = 20): Promise<{ url: URL; handler: McpHttpHandler; port: number }> {
  const handler = createMcpHttpHandler(wardenToolSource(warden, { pollMs }), options);
  const server: HttpServer = createServer((req, res) => {
    if (req.url?.split('?')[0] === '/mcp') void handler.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    await handler.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/mcp`), handler, port };
}

async function connect(url: URL): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client(CLIENT_INFO);
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  closers.push(() => client.close());
  return { client, transport };
}

/** A raw request to the endpoint, with headers the SDK client would never send. */
function raw(port: number, method: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: string; session: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method, headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, session: String(res.headers['mcp-session-id']) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const sessionHeaders = (id: string): Record<string, string> => ({ 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' });

/** Opens the session's GET event stream and resolves once it is open (destroy the request to end it). */
function openStream(port: number, id: string): Promise<ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/mcp', method: 'GET', headers: { accept: 'text/event-stream', ...sessionHeaders(id) } }, (res) => {
      assert.equal(res.statusCode, 200);
      resolve(req);
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

const INITIALIZE = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: CLIENT_INFO } };

/** Resolves at the client's next tools/list_changed notification. */
function nextListChanged(client: Client): Promise<void> {
  return new Promise((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
}

mcpToolSuite('Streamable HTTP', async () => {
  const { client, transport } = await connect((await serve()).url);
  return { client, sessionId: () => transport.sessionId };
});

describe('MCP over Streamable HTTP: tool changes', () => {
  it('sends tools/list_changed on install, disable, enable and remove, and lists the new set', async () => {
    const { client } = await connect((await serve()).url);
    const names = async () => (await client.listTools()).tools.map((t) => t.name);
    assert.deepEqual(await names(), SUITE_TOOLS);

    let changed = nextListChanged(client);
    await warden.install(writePluginDir(dirs.make(), { name: 'late', fixture: 'echo', tools: ['echo'] }));
    await changed;
    assert.ok((await names()).includes('late__echo'));
    assert.equal(textOf(await call(client, 'late__echo', { a: 1 })), '{"a":1}');

    changed = nextListChanged(client);
    await warden.disable('late');
    await changed;
    assert.deepEqual(await names(), SUITE_TOOLS);

    changed = nextListChanged(client);
    await warden.enable('late');
    await changed;
    assert.ok((await names()).includes('late__echo'));

    changed = nextListChanged(client);
    await warden.remove('late');
    await changed;
    assert.deepEqual(await names(), SUITE_TOOLS);
  });

  it('a call to a tool disabled since the last list is refused as an unknown tool (the Warden told the server)', async () => {
    const { client } = await connect((await serve({}, 60_000)).url); // no poll in between
    await warden.install(writePluginDir(dirs.make(), { name: 'brief', fixture: 'echo', tools: ['echo'] }));
    assert.ok((await client.listTools()).tools.some((t) => t.name === 'brief__echo'));
    await warden.disable('brief');
    await assert.rejects(call(client, 'brief__echo'), (e: { code?: number }) => e.code === -32602);
    await warden.remove('brief');
  });
});

describe('MCP over Streamable HTTP: sessions', () => {
  it('gives each client its own session; DELETE ends it and the id is refused afterwards', async () => {
    const { url, handler, port } = await serve();
    const a = await connect(url);
    const b = await connect(url);
    assert.notEqual(a.transport.sessionId, b.transport.sessionId);
    assert.equal(handler.sessionCount, 2);
    const id = a.transport.sessionId!;
    await a.transport.terminateSession();
    assert.equal(handler.sessionCount, 1);
    const after = await raw(port, 'POST', sessionHeaders(id), { jsonrpc: '2.0', id: 2, method: 'tools/list' });
    assert.equal(after.status, 404);
    assert.equal(JSON.parse(after.body).error.code, -32001);
  });

  it('refuses requests without a session id other than initialize, and leaves no session behind', async () => {
    const { handler, port } = await serve();
    const list = await raw(port, 'POST', {}, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    assert.equal(list.status, 400);
    assert.equal((await raw(port, 'GET', { accept: 'text/event-stream' })).status, 400);
    assert.equal((await raw(port, 'DELETE', {})).status, 400);
    assert.equal(handler.sessionCount, 0);
    const init = await raw(port, 'POST', {}, INITIALIZE);
    assert.equal(init.status, 200);
    assert.equal(handler.sessionCount, 1);
  });

  it('closes a session left idle past idleTimeoutMs', async () => {
    const { url, handler } = await serve({ idleTimeoutMs: 100 });
    const { transport } = await connect(url);
    // The client's GET stream keeps the session busy; once it is gone the session is idle.
    await transport.close();
    await until(() => handler.sessionCount === 0, { timeoutMs: 1000, stepMs: 20 });
    assert.equal(handler.sessionCount, 0);
  });

  it('keeps at most maxSessions: the least recently used idle one makes way, a busy one does not', async () => {
    const { handler, port } = await serve({ maxSessions: 1 });
    const first = (await raw(port, 'POST', {}, INITIALIZE)).session;
    const second = (await raw(port, 'POST', {}, INITIALIZE)).session; // the first was idle: it made way
    assert.equal(handler.sessionCount, 1);
    assert.equal((await raw(port, 'POST', sessionHeaders(first), { jsonrpc: '2.0', id: 2, method: 'tools/list' })).status, 404);
    // A request that does not initialise cannot push an idle session out.
    assert.equal((await raw(port, 'POST', {}, { jsonrpc: '2.0', id: 3, method: 'tools/list' })).status, 400);
    assert.equal((await raw(port, 'POST', sessionHeaders(second), { jsonrpc: '2.0', id: 4, method: 'tools/list' })).status, 200);
    const stream = await openStream(port, second); // the second is busy while its GET stream is open
    assert.equal((await raw(port, 'POST', {}, INITIALIZE)).status, 503);
    stream.destroy();
    await sleep(50);
    assert.equal((await raw(port, 'POST', {}, INITIALIZE)).status, 200);
  });
});

describe('MCP over Streamable HTTP: DNS rebinding', () => {
  it('refuses a Host that is not allowed, before any session exists', async () => {
    const { handler, port } = await serve();
    for (const host of ['attacker.example', `attacker.example:${port}`, `127.0.0.1.attacker.example:${port}`, `evil@127.0.0.1:${port}`]) {
      const r = await raw(port, 'POST', { host }, INITIALIZE);
      assert.equal(r.status, 403, host);
      assert.equal(JSON.parse(r.body).error.code, -32000);
    }
    assert.equal(handler.sessionCount, 0);
    assert.equal((await raw(port, 'POST', { host: `localhost:${port}` }, INITIALIZE)).status, 200);
  });

  it('refuses a browser Origin unless it is allowed', async () => {
    const { port } = await serve({ allowedOrigins: ['http://localhost:3000'] });
    assert.equal((await raw(port, 'POST', { origin: 'http://attacker.example' }, INITIALIZE)).status, 403);
    assert.equal((await raw(port, 'POST', { origin: 'null' }, INITIALIZE)).status, 403);
    assert.equal((await raw(port, 'POST', { origin: 'http://localhost:3000' }, INITIALIZE)).status, 200);
  });

  it('serves other host names only when the operator allows them', async () => {
    const { port } = await serve({ allowedHosts: ['warden.internal'] });
    assert.equal((await raw(port, 'POST', { host: `127.0.0.1:${port}` }, INITIALIZE)).status, 403);
    assert.equal((await raw(port, 'POST', { host: 'warden.internal' }, INITIALIZE)).status, 200);
  });
});
