/**
 * A Warden for the SDK tests: an SDK test plugin (dist/fixtures/sdk-as or sdk-c) installed with
 * every grant, a local HTTP server it may reach, a host tool, a channel that records what it
 * receives, a secret, memory texts, and the plugin's log lines.
 */
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { logChannel, type ChannelMessage } from '../../src/capabilities/index.js';
import { Warden, type LogRecord, type PluginOutput } from '../../src/index.js';
import { reply, startServer, type TestServer } from '../helpers/http-server.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';

/** The source folder of an SDK test plugin, for its manifest (dist/test/sdk → repo root). */
const sourceDir = (fixture: string): string => fileURLToPath(new URL(`../../../test/fixtures/${fixture}/`, import.meta.url));
/** Where the build put it. */
const builtDir = (fixture: string): string => fileURLToPath(new URL(`../../fixtures/${fixture}/`, import.meta.url));

/** Texts in the memory store, in the order they were added. */
export const MEMORIES = [
  { text: 'the blue whale is the largest animal', source: 'zoo' },
  { text: 'espresso is brewed under pressure', source: 'cafe' },
];

/** The installed SDK test plugin and what surrounds it. */
export interface SdkRig {
  id: string;
  warden: Warden;
  server: TestServer;
  logs: LogRecord[];
  messages: ChannelMessage[];
  call(tool: string, input?: string, context?: unknown): Promise<PluginOutput>;
  /** A call whose output is parsed as JSON. */
  json(tool: string, input?: unknown, context?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** Answers GET /text, GET /redirect, and POST /echo (the request back as JSON). */
function answer(server: () => TestServer): Parameters<typeof startServer>[0] {
  return (req, res) => {
    if (req.url === '/text') return reply(res, 200, 'plain hello', { 'x-test': 'yes' });
    if (req.url === '/missing') return reply(res, 404, 'nope');
    let body = '';
    req.on('data', (d: Buffer) => (body += d));
    req.on('end', () => reply(res, 201, JSON.stringify({ method: req.method, sdk: req.headers['x-sdk'] ?? null, type: req.headers['content-type'] ?? null, body: JSON.parse(body || 'null'), port: server().port }), { 'content-type': 'application/json' }));
  };
}

/** Opens a Warden on a temporary directory and installs SDK test plugin `fixture`. */
export async function sdkRig(fixture: 'sdk-as' | 'sdk-c'): Promise<SdkRig> {
  const dirs = tempDirs();
  let server: TestServer | undefined;
  server = await startServer(answer(() => server!));
  const logs: LogRecord[] = [];
  const messages: ChannelMessage[] = [];
  const warden = await Warden.open({
    dataDir: dirs.make(), vaultKey: Buffer.from(TEST_VAULT_KEY, 'hex'), durability: 'normal', allowedAddresses: ['127.0.0.1'],
    logger: (r) => logs.push(r),
    tools: {
      shout: { description: 'upper-cases its input', handler: (input) => new TextDecoder().decode(input).toUpperCase() },
      wrap: { description: 'wraps JSON input', handler: (input) => JSON.stringify({ wrapped: JSON.parse(new TextDecoder().decode(input)) }) },
    },
    channels: { ops: logChannel((m) => void messages.push(m)), broken: { send: () => Promise.reject(new Error('down')) } },
  });
  // The manifest with the server's port in `network` (a file beside the module wins over the
  // embedded one, as an operator's narrowing would).
  const pluginDir = dirs.make();
  const built = builtDir(fixture);
  const wasm = readdirSync(built).find((f) => f.endsWith('.wasm'))!;
  copyFileSync(join(built, wasm), join(pluginDir, wasm));
  const manifest = parse(readFileSync(join(sourceDir(fixture), 'warden.yaml'), 'utf8')) as { capabilities: Record<string, unknown>[]; wasm?: string };
  manifest.wasm = wasm;
  manifest.capabilities = manifest.capabilities.map((c) => (typeof c === 'object' && 'network' in c ? { network: [server!.hostPort] } : c));
  writeFileSync(join(pluginDir, 'warden.yaml'), stringify(manifest));
  const { id } = await warden.install(pluginDir, { grant: 'all' });
  await warden.store.vault.set('token', 's3cret');
  for (const m of MEMORIES) await warden.store.memory.add(m);
  const call = (tool: string, input?: string, context?: unknown) => warden.call(id, tool, input, context === undefined ? {} : { context });
  return {
    id, warden, server, logs, messages, call,
    json: async (tool, input, context) => (await call(tool, typeof input === 'string' || input === undefined ? input : JSON.stringify(input), context)).json(),
    async close() {
      await warden.close();
      await server!.close();
      dirs.removeAll();
    },
  };
}
