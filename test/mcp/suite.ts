/**
 * What every MCP transport must do the same way, run against each one with the SDK's own
 * Client: the plugins it serves, list, call, errors, denials, unknown tools, no admin surface
 * and the call context. The transports' test files add what is theirs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Warden } from '../../src/warden/index.js';
import { MCP_TOOL_NAME } from '../../src/mcp/index.js';
import { writePluginDir } from '../helpers/plugin-dir.js';

/** What the SDK Client is told it is; the call context must carry it. */
export const CLIENT_INFO = { name: 'warden-test', version: '1.2.3' };

/** The echo tool's parameters, in the short form of the manifest. */
const ECHO_PARAMETERS = { text: { type: 'string', required: true, description: 'what to echo' } };

/**
 * Installs the plugins {@link mcpToolSuite} expects: `echo` (with parameters), `fails`, `notes`
 * (granted storage:kv, key `{"key":"greeting"}` set to `hello`), `jar` (nothing granted) and `ctx`
 * (reads the call context).
 */
export async function installSuitePlugins(warden: Warden, root: string): Promise<void> {
  const kv = { fixture: 'cap_kv', capabilities: [{ storage: 'kv' }, { vault: ['k'] }] };
  await warden.install(writePluginDir(root, { name: 'echo', fixture: 'echo', tools: [], extra: { tools: [{ name: 'echo', description: 'Echoes its input back', parameters: ECHO_PARAMETERS }] } }));
  await warden.install(writePluginDir(root, { name: 'fails', fixture: 'fail', tools: ['fail_msg'] }));
  await warden.install(writePluginDir(root, { name: 'notes', tools: ['kv_put', 'kv_get'], ...kv }), { grant: ['storage:kv'] });
  await warden.install(writePluginDir(root, { name: 'jar', tools: ['kv_get'], ...kv }));
  await warden.install(writePluginDir(root, { name: 'ctx', fixture: 'cap_misc', tools: ['context'], capabilities: ['context', { channel: 'send' }, { memory: 'read' }] }));
  // MCP arguments reach the plugin as JSON, so this is the key kv_get({ key: 'greeting' }) reads.
  await warden.call('notes', 'kv_put', `${JSON.stringify({ key: 'greeting' })}=hello`);
}

/** The MCP names of the suite's tools, in the order tools/list gives them. */
export const SUITE_TOOLS = ['ctx__context', 'echo__echo', 'fails__fail_msg', 'jar__kv_get', 'notes__kv_get', 'notes__kv_put'];

/** The text of a result's only content block. */
export function textOf(result: CallToolResult): string {
  assert.equal(result.content.length, 1, JSON.stringify(result));
  const [block] = result.content;
  assert.equal(block!.type, 'text');
  return (block as { text: string }).text;
}

/** Calls `name` and returns the result (the SDK's result type, narrowed to the current form). */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Asserts `result` is a tool error carrying `code`, with no host stack trace. */
export function assertToolError(result: CallToolResult, code: string): string {
  assert.equal(result.isError, true, JSON.stringify(result));
  const text = textOf(result);
  assert.ok(text.startsWith(`${code}: `), text);
  assert.equal(result._meta?.['warden/code'], code);
  assert.doesNotMatch(text, /\n\s+at |\.js:\d+/);
  return text;
}

/**
 * The shared MCP suite. `connect` gives a connected client over the transport under test (and
 * the session id the server should see, when the transport has one); `close` ends it.
 */
export function mcpToolSuite(transport: string, connect: () => Promise<{ client: Client; sessionId?: () => string | undefined }>, close?: () => Promise<void>): void {
  describe(`MCP over ${transport}: the shared suite`, () => {
    let client: Client;
    let sessionId: (() => string | undefined) | undefined;
    before(async () => ({ client, sessionId } = await connect()));
    after(async () => {
      await client?.close();
      await close?.();
    });

    it('serves tools only, advertising list changes', () => {
      assert.deepEqual(client.getServerCapabilities(), { tools: { listChanged: true } });
      assert.equal(client.getServerVersion()?.name, 'warden');
    });

    it('lists every plugin tool with its name, description and parameter schema, and nothing else', async () => {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name), SUITE_TOOLS);
      for (const t of tools) assert.match(t.name, MCP_TOOL_NAME);
      const echo = tools.find((t) => t.name === 'echo__echo')!;
      assert.equal(echo.description, 'Echoes its input back');
      assert.deepEqual(echo.inputSchema, { type: 'object', properties: { text: { type: 'string', description: 'what to echo' } }, required: ['text'], additionalProperties: false });
      assert.deepEqual(echo._meta, { 'warden/plugin': 'echo', 'warden/tool': 'echo' });
      assert.deepEqual(tools.find((t) => t.name === 'fails__fail_msg')!.inputSchema, { type: 'object', properties: {}, required: [], additionalProperties: false });
    });

    it('has no admin surface: no admin tools, and no method beyond the tools ones', async () => {
      const { tools } = await client.listTools();
      assert.equal(tools.filter((t) => /install|grant|enable|disable|remove|config|vault/i.test(t.name)).length, 0);
      for (const method of ['resources/list', 'prompts/list', 'warden/install']) {
        await assert.rejects(client.request({ method } as never, {} as never), (e: unknown) => e instanceof McpError && e.code === ErrorCode.MethodNotFound, method);
      }
    });

    it('calls a tool: the output as text, and as structuredContent when it is a JSON object', async () => {
      const result = await call(client, 'echo__echo', { text: 'hi' });
      assert.equal(result.isError, undefined);
      assert.equal(textOf(result), '{"text":"hi"}');
      assert.deepEqual(result.structuredContent, { text: 'hi' });
    });

    it('runs a call with its plugin\'s grants', async () => {
      const result = await call(client, 'notes__kv_get', { key: 'greeting' });
      assert.equal(textOf(result), 'hello');
      assert.equal(result.structuredContent, undefined);
    });

    it('reports a failing call as a tool error with the Warden code', async () => {
      const text = assertToolError(await call(client, 'fails__fail_msg'), 'PLUGIN_ERROR');
      assert.match(text, /boom from plugin/);
    });

    it('reports a capability the plugin was not granted as PERMISSION_DENIED', async () => {
      assertToolError(await call(client, 'jar__kv_get', { key: 'greeting' }), 'PERMISSION_DENIED');
    });

    it('refuses an unknown tool as a protocol error', async () => {
      await assert.rejects(call(client, 'nope__nothing'), (e: unknown) => e instanceof McpError && e.code === ErrorCode.InvalidParams && /Unknown tool: nope__nothing/.test(e.message));
    });

    it('tells the plugin who called: MCP, the session and the client', async () => {
      const context = (await call(client, 'ctx__context')).structuredContent as { via: string; session: string; client: unknown };
      assert.equal(context.via, 'mcp');
      assert.equal(context.session, sessionId?.() ?? context.session);
      assert.match(context.session, /^[0-9a-f-]{36}$/);
      assert.deepEqual(context.client, CLIENT_INFO);
    });
  });
}
