// Garbage in, 4xx out: every route with hostile parameters, malformed JSON, wrong media types,
// binary junk and oversized bodies answers with a JSON error body and never a 5xx.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { Authenticator } from '../../src/gateway/auth.js';
import { apiRoutes } from '../../src/gateway/routes/index.js';
import { PackageStages } from '../../src/gateway/stages.js';
import type { SessionStore } from '../../src/storage/index.js';
import { send, startGateway, type TestGateway } from './client.js';

// Only listed, never handled: the authenticator's session store is never reached.
const routes = apiRoutes({ auth: new Authenticator(Buffer.alloc(32), {} as SessionStore), streams: new Set(), heartbeatMs: 1000, stages: new PackageStages('/nonexistent') });
const PARAMS = ['%', '..', '%2e%2e%2f', '__proto__', 'A'.repeat(300), '%E0%A4%A', 'notes%00', 'constructor'];
const BODIES: [string, string | Uint8Array][] = [
  ['application/json', '{'],
  ['application/json', 'null'],
  ['application/json', '[1,2]'],
  ['application/json', '"x"'],
  ['application/json', '{"grants":[1],"url":5,"token":{},"__proto__":{"x":1}}'],
  ['application/json', Buffer.from([0xff, 0xfe, 0x00])],
  ['text/plain', 'token=1'],
  ['application/octet-stream', randomBytes(300)],
  ['', ''],
];

let g: TestGateway;
before(async () => {
  g = await startGateway();
});

describe('gateway fuzz', () => {
  it('answers hostile params and bodies on every route with a JSON 4xx', async () => {
    let n = 0;
    for (const route of routes.filter((r) => r.path !== '/api/events')) {
      const paths = route.path.includes(':') ? PARAMS.map((p) => route.path.replace(/:[a-z]+/g, p)) : [route.path];
      for (const path of paths) {
        for (const [type, body] of BODIES) {
          const r = await g.req(route.method, path, { body, headers: type ? { 'content-type': type } : {} });
          n++;
          assert.ok(r.status < 500, `${route.method} ${path} ${type}: ${r.status} ${r.text}`);
          if (r.status >= 400) assert.equal(typeof r.body?.error?.code, 'string', `${route.method} ${path}: ${r.text}`);
        }
      }
    }
    assert.ok(n > 100);
  });

  it('refuses bodies over the cap with 413, from Content-Length or while reading', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 0x20);
    const r = await g.req('POST', '/api/session', { auth: false, body: big, headers: { 'content-type': 'application/json' } });
    assert.deepEqual([r.status, r.body.error.code], [413, 'INPUT_TOO_LARGE']);
    const lying = await send(g.port, 'PATCH', '/api/plugins/x/config', { authorization: `Bearer ${g.token}`, 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) }, '{}');
    assert.equal(lying.status, 413);
    const upload = await send(g.port, 'POST', '/api/plugins', { authorization: `Bearer ${g.token}`, 'content-type': 'application/octet-stream', 'content-length': String(65 * 1024 * 1024) }, 'x');
    assert.equal(upload.status, 413);
  });

  it('answers odd methods, paths and query strings with 4xx', async () => {
    for (const [method, path] of [['PUT', '/api/plugins'], ['GET', '/api'], ['GET', '/api/'], ['GET', '/api/plugins/a/b/c/d/e'], ['GET', '/nowhere'], ['POST', '/']]) {
      const r = await g.req(method!, path!);
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path}: ${r.status} ${r.text}`);
    }
    assert.equal((await g.req('GET', '/healthz')).status, 200, 'still serving');
  });
});
