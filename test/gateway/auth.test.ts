// The gateway's front door: the admin token, sessions, Host / Origin / Sec-Fetch-Site checks,
// the custom header cookie-authenticated writes need, and the headers every response carries.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureAdminToken, TOKEN_FILE } from '../../src/gateway/auth.js';
import { request } from 'node:http';
import { signIn, startGateway, type Res, type TestGateway } from './client.js';

let g: TestGateway;
before(async () => {
  g = await startGateway();
});

describe('gateway auth', () => {
  it('answers 401 without a token, with a wrong one, or one of the wrong length', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${g.token}x` }, { authorization: 'Bearer short' }, { authorization: 'Basic abc' }, { authorization: `Bearer ${'a'.repeat(5000)}` }]) {
      const r = await g.req('GET', '/api/plugins', { auth: false, headers });
      assert.equal(r.status, 401, JSON.stringify(headers).slice(0, 50));
      assert.equal(r.body.error.code, 'UNAUTHENTICATED');
      assert.match(String(r.headers['www-authenticate']), /Bearer/);
    }
  });

  it('accepts the bearer token', async () => {
    const r = await g.req('GET', '/api/plugins');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { plugins: [] });
  });

  it('stores only the hash, mode 0600, and keeps the token across restarts', async () => {
    const dir = g.warden.options.dataDir;
    const file = join(dir, TOKEN_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = (await import('node:fs')).readFileSync(file, 'utf8');
    assert.ok(!text.includes(g.token));
    const again = await ensureAdminToken(dir);
    assert.equal(again.created, undefined);
  });

  it('trades the token for a session cookie; a wrong token gets none', async () => {
    const wrong = await g.req('POST', '/api/session', { auth: false, body: { token: 'wdn_nope' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
    const cookie = await signIn(g);
    const r = await g.req('GET', '/api/plugins', { auth: false, headers: { cookie } });
    assert.equal(r.status, 200);
    const bogus = await g.req('GET', '/api/plugins', { auth: false, headers: { cookie: 'warden_session=AAAA' } });
    assert.equal(bogus.status, 401);
  });

  it('refuses a cookie-authenticated write without X-Warden-Request: 1, accepts it with', async () => {
    const cookie = await signIn(g);
    const refused = await g.req('POST', '/api/plugins/inspect', { auth: false, headers: { cookie }, body: { url: 'https://example.com/x.wasm' } });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'FORBIDDEN');
    assert.match(refused.body.error.message, /X-Warden-Request/);
    const passed = await g.req('DELETE', '/api/session', { auth: false, headers: { cookie, 'x-warden-request': '1' } });
    assert.equal(passed.status, 200);
    assert.match(String(passed.headers['set-cookie']), /Max-Age=0/);
    const after = await g.req('GET', '/api/plugins', { auth: false, headers: { cookie } });
    assert.equal(after.status, 401, 'the session ended with sign-out');
  });

  it('refuses cross-site requests by Origin and by Sec-Fetch-Site, even with a valid token', async () => {
    const origin = await g.req('GET', '/api/plugins', { headers: { origin: 'https://evil.example' } });
    assert.equal(origin.status, 403);
    assert.equal(origin.body.error.code, 'FORBIDDEN');
    const site = await g.req('POST', '/api/session', { auth: false, headers: { 'sec-fetch-site': 'cross-site' }, body: { token: g.token } });
    assert.equal(site.status, 403);
    const same = await g.req('GET', '/api/plugins', { headers: { origin: `http://127.0.0.1:${g.port}`, 'sec-fetch-site': 'same-origin' } });
    assert.equal(same.status, 200);
  });

  it('refuses a form or text/plain post to the session endpoint', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const r = await g.req('POST', '/api/session', { auth: false, headers: { 'content-type': type }, body: `{"token":"${g.token}"}` });
      assert.equal(r.status, 415, type);
      assert.equal(r.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('refuses a Host that is not allowed (DNS rebinding) on every path, /healthz and /mcp included', async () => {
    for (const path of ['/api/plugins', '/healthz', '/mcp', '/']) {
      const r = await g.req('GET', path, { headers: { host: `evil.example:${g.port}` } });
      assert.equal(r.status, 403, path);
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
    for (const host of ['localhost', '[::1]']) assert.equal((await g.req('GET', '/healthz', { headers: { host: `${host}:${g.port}` } })).status, 200, host);
  });

  it('accepts an extra host given with allowHosts', async () => {
    const other = await startGateway({ allowHosts: ['warden.internal'] });
    assert.equal((await other.req('GET', '/healthz', { headers: { host: 'warden.internal' } })).status, 200);
  });

  it('requires the token on /mcp', async () => {
    const r = await g.req('POST', '/mcp', { auth: false, body: { jsonrpc: '2.0', id: 1, method: 'ping' } });
    assert.equal(r.status, 401);
  });

  it('sets the security headers and a strict CSP on every response, no-store on /api', async () => {
    const mcpInit = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const responses: [string, Res][] = [
      ...await Promise.all(['/', '/ui/app.js', '/api/plugins', '/healthz', '/nowhere'].map(async (path) => [path, await g.req('GET', path)] as [string, Res])),
      ['401', await g.req('GET', '/api/plugins', { auth: false })],
      ['405', await g.req('POST', '/healthz')],
      // Written by the MCP SDK's transport, not by the gateway's own code.
      ['/mcp', await g.req('POST', '/mcp', { body: mcpInit, headers: { accept: 'application/json, text/event-stream' } })],
      ['/api/events', await eventStreamHead()],
    ];
    for (const [what, r] of responses) {
      const csp = String(r.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/, what);
      assert.match(csp, /frame-ancestors 'none'/, what);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
      assert.equal(r.headers['referrer-policy'], 'no-referrer', what);
      assert.equal(r.headers['x-frame-options'], 'DENY', what);
    }
    const byPath = new Map(responses);
    assert.equal(byPath.get('/api/plugins')!.headers['cache-control'], 'no-store');
    assert.equal(byPath.get('401')!.headers['cache-control'], 'no-store');
    // A response's own value wins, once: not joined with the default.
    assert.equal(byPath.get('/ui/app.js')!.headers['cache-control'], 'no-cache');
    assert.equal(byPath.get('/api/events')!.headers['cache-control'], 'no-store');
  });

  it('serves the UI login page and /healthz without a token', async () => {
    const ui = await g.req('GET', '/', { auth: false });
    assert.equal(ui.status, 200);
    assert.match(String(ui.headers['content-type']), /text\/html/);
    assert.match(ui.text, /<script type="module" src="\/ui\/app.js"><\/script>/);
    const health = await g.req('GET', '/healthz', { auth: false });
    assert.deepEqual(health.body, { ok: true, plugins: 0 });
    assert.equal((await g.req('POST', '/healthz', { auth: false })).status, 405);
  });

  it('resetToken makes a new token and the old one stops working', async () => {
    const other = await startGateway();
    const dir = other.warden.options.dataDir;
    const reset = await ensureAdminToken(dir, { reset: true });
    assert.ok(reset.created && reset.created !== other.token);
  });
});

/** The head of an event stream (the stream itself is closed at once). */
function eventStreamHead(): Promise<Res> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: g.port, path: '/api/events', headers: { host: `127.0.0.1:${g.port}`, authorization: `Bearer ${g.token}` } }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers, text: '', body: undefined });
      res.destroy();
    });
    r.on('error', reject);
    r.end();
  });
}
