// createMcpServer over stand-in tool sources, through the SDK's in-memory transport and Client:
// host failures stay in the host, cancellation reaches the call, the call context, change
// notifications and their unsubscription; and wardenToolSource with and without a Warden event.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ErrorCode, McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpServer, wardenToolSource, type McpServerOptions, type SourceCallOptions, type SourceTool, type ToolSource } from '../../src/mcp/index.js';
import type { Warden } from '../../src/warden/index.js';
import { WardenError } from '../../src/errors.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { CLIENT_INFO, call, textOf } from './suite.js';
import { until } from '../helpers/until.js';

/** A tool source whose calls are whatever `onCall` does; `change` swaps the tool set. */
function fakeSource(onCall: (input: unknown, options: SourceCallOptions) => Promise<{ bytes: Uint8Array }>) {
  let tools: readonly SourceTool[] = [{ plugin: 'p', name: 't', description: 'a tool', parameters: undefined }];
  const listeners = new Set<() => void>();
  const source: ToolSource = {
    tools: () => tools,
    call: (_plugin, _tool, input, options) => onCall(input, options),
    onToolsChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { source, listeners, change: (next: SourceTool[]) => ((tools = next), listeners.forEach((l) => l())) };
}

async function connected(source: ToolSource, options: McpServerOptions = {}) {
  const server = createMcpServer(source, options);
  const client = new Client(CLIENT_INFO);
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  return { server, client };
}

const text = (s: string) => ({ bytes: new TextEncoder().encode(s) });

describe('createMcpServer', () => {
  it('answers a host failure with a bare internal error and hands the cause to onError', async () => {
    const seen: unknown[] = [];
    const { client } = await connected(fakeSource(() => Promise.reject(new Error('ENOENT /var/lib/warden/secret.db'))).source, { onError: (e) => seen.push(e) });
    await assert.rejects(call(client, 'p__t'), (e: unknown) => e instanceof McpError && e.code === ErrorCode.InternalError && !/ENOENT|secret/.test(e.message));
    assert.match((seen[0] as Error).message, /ENOENT/);
    await client.close();
  });

  it('passes the arguments, the cancellation signal and a context the options cannot forge', async () => {
    let received: { input: unknown; options: SourceCallOptions } | undefined;
    let release = (): void => undefined;
    const { client } = await connected(
      fakeSource((input, options) => {
        received = { input, options };
        return new Promise((resolve) => (release = () => resolve(text('late'))));
      }).source,
      { sessionId: 'stdio-1', context: { via: 'forged', session: 'forged', user: 'ada' } },
    );
    const abort = new AbortController();
    const pending = client.callTool({ name: 'p__t', arguments: { q: 'x' } }, undefined, { signal: abort.signal });
    while (!received) await new Promise((r) => setImmediate(r));
    assert.deepEqual(received.input, { q: 'x' });
    assert.deepEqual(received.options.context, { via: 'mcp', session: 'stdio-1', user: 'ada', client: CLIENT_INFO });
    assert.equal(received.options.signal?.aborted, false);
    abort.abort();
    await assert.rejects(pending);
    for (let i = 0; i < 100 && !received.options.signal?.aborted; i++) await new Promise((r) => setImmediate(r));
    assert.equal(received.options.signal?.aborted, true);
    release();
    await client.close();
  });

  it('calls with {} when the client sends no arguments', async () => {
    let input: unknown;
    const { client } = await connected(fakeSource(async (i) => ((input = i), text('ok'))).source);
    await client.callTool({ name: 'p__t' });
    assert.deepEqual(input, {});
    await client.close();
  });

  it('notifies list changes, serves the new set, and stops listening when closed', async () => {
    const fake = fakeSource(async () => text('ok'));
    const { client, server } = await connected(fake.source);
    const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
    fake.change([{ plugin: 'q', name: 'u', description: 'another', parameters: undefined }]);
    await changed;
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['q__u']);
    assert.equal(textOf(await call(client, 'q__u')), 'ok');
    assert.equal(fake.listeners.size, 1);
    await server.close();
    assert.equal(fake.listeners.size, 0);
  });
});

describe('wardenToolSource', () => {
  const tools = [{ plugin: 'p', name: 't', description: 'd', parameters: { type: 'object' } }];

  it('uses the Warden\'s tools-changed event when it has one, and fires only on a real change', () => {
    let current = tools;
    const warden = Object.assign(new EventEmitter(), { tools: () => current.map((t) => ({ ...t })) });
    const source = wardenToolSource(warden as unknown as Warden, { pollMs: 1 });
    const first = source.tools();
    assert.equal(source.tools(), first, 'an unchanged tool set is the same array');
    let fired = 0;
    const stop = source.onToolsChanged(() => fired++);
    assert.equal(warden.listenerCount('tools-changed'), 1);
    warden.emit('tools-changed'); // a reload that changed nothing
    assert.equal(fired, 0);
    current = [{ ...tools[0]!, description: 'new text' }];
    warden.emit('tools-changed');
    assert.equal(fired, 1);
    assert.notEqual(source.tools(), first);
    stop();
    assert.equal(warden.listenerCount('tools-changed'), 0);
  });

  it('polls a Warden without the event while someone listens, and notices on tools() too', async () => {
    let current = tools;
    const warden = { tools: () => current, call: () => Promise.reject(new Error('unused')) };
    const source = wardenToolSource(warden as unknown as Warden, { pollMs: 5 });
    let fired = 0;
    const stop = source.onToolsChanged(() => fired++);
    current = [];
    await until(() => fired > 0, { timeoutMs: 1000, stepMs: 5 });
    assert.equal(fired, 1);
    stop();
    current = tools;
    assert.equal(source.tools(), current);
    assert.equal(fired, 1, 'no listener after unsubscribing');
  });

  it('keeps the Warden\'s directories out of the error messages an agent reads', async () => {
    const failing = {
      options: { dataDir: '/srv/warden', pluginsDir: '/srv/warden/plugins' },
      tools: () => tools,
      call: () => Promise.reject(new WardenError('NOT_FOUND', 'plugin p failed to load (ENOENT: /srv/warden/plugins/p/plugin.wasm; db /srv/warden/state.db)')),
    };
    const source = wardenToolSource(failing as unknown as Warden);
    await rejectsWithCode(source.call('p', 't', {}, {}), 'NOT_FOUND', 'plugin p failed to load (ENOENT: <plugins-dir>/p/plugin.wasm; db <data-dir>/state.db)');
  });
});
