/**
 * A gateway for tests: `createGateway` on a fresh Warden, on 127.0.0.1 port 0, with a raw HTTP
 * client that can send the headers a browser or an attacker would (Host, Origin, cookies).
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway/server.js';
import type { Warden, WardenOptions } from '../../src/warden/index.js';
import { tgzBytes } from '../helpers/archives.js';
import { writePluginDir, type PluginDirSpec } from '../helpers/plugin-dir.js';
import { wardenHarness } from '../helpers/warden.js';

/** A response, its body parsed as JSON when it is JSON. */
export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Options of one request. */
export interface ReqOptions {
  /** A value is sent as JSON; a Uint8Array or string as is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the admin token as a bearer token. @default true */
  auth?: boolean;
}

export interface TestGateway {
  warden: Warden;
  gateway: Gateway;
  port: number;
  token: string;
  dirs: ReturnType<typeof wardenHarness>['dirs'];
  req(method: string, path: string, options?: ReqOptions): Promise<Res>;
}

const harness = wardenHarness();
const gateways: Gateway[] = [];
after(async () => {
  for (const g of gateways) await g.close();
});

/** Sends one request to `port` (Host 127.0.0.1:port unless given). */
export function send(port: number, method: string, path: string, headers: Record<string, string>, body?: Uint8Array | string): Promise<Res> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

/** A gateway over a fresh Warden. */
export async function startGateway(options: GatewayOptions = {}, wardenOptions: Partial<WardenOptions> = {}): Promise<TestGateway> {
  const warden = await harness.open(wardenOptions);
  const gateway = await createGateway(warden, { port: 0, onError: () => undefined, ...options });
  gateways.push(gateway);
  const port = Number(new URL(gateway.url).port);
  const token = gateway.newToken!;
  return {
    warden, gateway, port, token, dirs: harness.dirs,
    req(method, path, { body, headers = {}, auth = true } = {}) {
      const raw = body === undefined || typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      const all: Record<string, string> = { ...headers };
      if (body !== undefined && raw !== body) all['content-type'] ??= 'application/json';
      if (auth) all['authorization'] ??= `Bearer ${token}`;
      return send(port, method, path, all, raw as Uint8Array | string | undefined);
    },
  };
}

/** Signs in to `g` with its admin token (or `token`); returns the session cookie (`warden_session=…`). */
export async function signIn(g: TestGateway, token = g.token): Promise<string> {
  const r = await g.req('POST', '/api/session', { auth: false, body: { token } });
  assert.equal(r.status, 200, r.text);
  const cookie = String(r.headers['set-cookie']);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  return cookie.split(';')[0]!;
}

/** A kv plugin's directory (tools kv_put, kv_get; requests storage:kv and vault:token; a number and a string config key). */
export function kvPluginDir(root: string, spec: Partial<PluginDirSpec> = {}): string {
  return writePluginDir(root, {
    name: 'notes', fixture: 'cap_kv', tools: ['kv_put', 'kv_get', 'vault_get'], capabilities: [{ storage: 'kv' }, { vault: ['token'] }],
    extra: { config: { retries: { type: 'number', default: 3 }, greeting: { type: 'string', default: 'hi' } } },
    ...spec,
  });
}

/** The plugin directory as .tar.gz bytes. */
export function tgzOf(dir: string): Uint8Array {
  return tgzBytes(['warden.yaml', 'plugin.wasm'].map((name) => ({ name, data: readFileSync(join(dir, name)) })));
}

/** Headers of an upload. */
export const UPLOAD = (name = 'notes.tgz'): Record<string, string> => ({ 'content-type': 'application/octet-stream', 'x-warden-filename': name });
