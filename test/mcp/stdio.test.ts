// `warden mcp`: the real CLI as a child process serving MCP on stdin/stdout over a data
// directory where the plugins were installed first, driven by the SDK's own Client (the shared
// suite) and by hand (stdout holds MCP messages only; the process ends cleanly with stdin).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Warden } from '../../src/warden/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { WARDEN_BIN, runWarden, startWarden } from '../helpers/cli.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';
import { CLIENT_INFO, SUITE_TOOLS, installSuitePlugins, mcpToolSuite } from './suite.js';

const dirs = tempDirs();
const dataDir = dirs.make();
const env = { WARDEN_VAULT_KEY: TEST_VAULT_KEY, HOME: process.env['HOME'] ?? '/tmp' };
after(() => dirs.removeAll());

before(async () => {
  const warden = await Warden.open({ dataDir, vaultKey: Buffer.from(TEST_VAULT_KEY, 'hex'), durability: 'normal' });
  try {
    await installSuitePlugins(warden, dirs.make());
  } finally {
    await warden.close();
  }
});

let stderr = '';
mcpToolSuite('stdio (warden mcp)', async () => {
  const transport = new StdioClientTransport({ command: process.execPath, args: [WARDEN_BIN, 'mcp', '--data-dir', dataDir], env, stderr: 'pipe' });
  transport.stderr?.on('data', (d: Buffer) => (stderr += d));
  const client = new Client(CLIENT_INFO);
  await client.connect(transport);
  return { client };
});

describe('warden mcp: the process', () => {
  it('logged to stderr only, and said what it serves', () => {
    assert.match(stderr, /warden mcp: serving 6 tools of 5 plugin\(s\) over stdio/);
  });

  it('writes nothing but MCP messages to stdout, and exits 0 when stdin closes', async () => {
    const child = startWarden(['mcp', '--data-dir', dataDir], { WARDEN_VAULT_KEY: TEST_VAULT_KEY });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    const send = (message: object) => child.stdin!.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: CLIENT_INFO } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo__echo', arguments: { text: 'raw' } } });
    while (stdout.split('\n').length < 4) await once(child.stdout!, 'data');
    child.stdin!.end();
    const [code] = (await once(child, 'close')) as [number | null];
    assert.equal(code, 0);
    const messages = stdout.trim().split('\n').map((line) => JSON.parse(line) as { jsonrpc: string; id: number; result: Record<string, unknown> });
    assert.deepEqual(messages.map((m) => [m.jsonrpc, m.id]), [['2.0', 1], ['2.0', 2], ['2.0', 3]]);
    assert.deepEqual((messages[1]!.result['tools'] as { name: string }[]).map((t) => t.name), SUITE_TOOLS);
    assert.deepEqual(messages[2]!.result['structuredContent'], { text: 'raw' });
  });

  it('sends tools/list_changed when the CLI disables a plugin while it serves', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [WARDEN_BIN, 'mcp', '--data-dir', dataDir], env, stderr: 'pipe' });
    const client = new Client(CLIENT_INFO);
    const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
    await client.connect(transport);
    try {
      assert.ok((await client.listTools()).tools.some((t) => t.name === 'echo__echo'));
      const r = await runWarden(['plugin', 'disable', 'echo', '--data-dir', dataDir], { env });
      assert.equal(r.code, 0, r.stderr);
      await changed;
      assert.ok(!(await client.listTools()).tools.some((t) => t.name === 'echo__echo'));
    } finally {
      await runWarden(['plugin', 'enable', 'echo', '--data-dir', dataDir], { env });
      await client.close();
    }
  });
});
