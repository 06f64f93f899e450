// The HTTP capability (as_kitchen http_get / http_headers) against local servers: the allow-list
// (exact host and port after WHATWG parsing), redirects re-checked at every hop, the body cap in
// decompressed bytes, the call deadline covering a stalled request, and statuses passed through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createHost, type Plugin, type PluginOptions } from '../../src/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';
import { endlessBody, reply, startServer, type TestServer } from '../helpers/http-server.js';

const host = createHost();
let server: TestServer;
/** A second server that is never on any allow-list: it must never see a request. */
let other: TestServer;
let allowed: Plugin;

const load = (options: PluginOptions = {}): Promise<Plugin> =>
  host.load(fixture('as_kitchen'), { functions: { 'extism:host/user': { reverse: () => 0n } }, ...options });
// A failed request poisons the instance, and failures in a row make the pool back off (by
// design), so every case that is expected to fail gets a fresh plugin.
const fresh = (): Promise<Plugin> => load({ allowedHosts: [server.hostPort], limits: { httpResponseMaxBytes: 1000 } });

before(async () => {
  other = await startServer((_req, res) => reply(res, 200, 'must not be reached'));
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const n = Number(url.searchParams.get('n') ?? 0);
    switch (url.pathname) {
      case '/hello': return reply(res, 200, 'hello body', { 'x-fixture': 'yes' });
      case '/error': return reply(res, 500, 'server error');
      case '/big': return reply(res, 200, 'b'.repeat(n));
      case '/gzip-bomb': return reply(res, 200, gzipSync(Buffer.alloc(n, 'z')), { 'content-encoding': 'gzip' });
      case '/stream': return endlessBody(res);
      case '/stall': return undefined; // never answers
      case '/stall-body': // headers and a first chunk, then nothing
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.write('partial');
      case '/redirect-ok': return reply(res, 302, '', { location: '/hello' });
      case '/redirect-chain': return reply(res, 301, '', { location: `${server.origin}/redirect-ok` });
      case '/redirect-other-port': return reply(res, 302, '', { location: `${other.origin}/hello` });
      case '/redirect-localhost': return reply(res, 307, '', { location: `http://localhost:${server.port}/hello` });
      case '/redirect-evil': return reply(res, 302, '', { location: 'http://evil.test/' });
      case '/redirect-loop': return reply(res, 302, '', { location: '/redirect-loop' });
      default: return reply(res, 404, 'nope');
    }
  });
  allowed = await fresh();
});

after(async () => {
  await host.close();
  await server.close();
  await other.close();
});

describe('allowed requests', () => {
  it('http_get to the allowed host:port -> "200 hello body"', async () => {
    assert.equal((await allowed.call('http_get', `${server.origin}/hello`)).text(), '200 hello body');
  });

  it('http_headers returns the response headers as a JSON object', async () => {
    const headers = (await allowed.call('http_headers', `${server.origin}/hello`)).json<Record<string, string>>();
    assert.equal(headers['x-fixture'], 'yes');
    assert.equal(headers['content-type'], 'text/plain');
  });

  it('404 and 500 are passed through as statuses, not errors', async () => {
    assert.equal((await allowed.call('http_get', `${server.origin}/missing`)).text(), '404 nope');
    assert.equal((await allowed.call('http_get', `${server.origin}/error`)).text(), '500 server error');
  });

  it('a redirect to an allowed path is followed', async () => {
    assert.equal((await allowed.call('http_get', `${server.origin}/redirect-ok`)).text(), '200 hello body');
    assert.equal((await allowed.call('http_get', `${server.origin}/redirect-chain`)).text(), '200 hello body');
  });

  it('an allowed host that refuses the connection -> HTTP_ERROR', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const p = await load({ allowedHosts: [closed.hostPort] });
    await rejectsWithCode(p.call('http_get', `${closed.origin}/`), 'HTTP_ERROR');
  });
});

describe('denied requests (PERMISSION_DENIED)', () => {
  async function denied(p: Plugin | Promise<Plugin>, url: string): Promise<void> {
    const before = server.requests.length + other.requests.length;
    const e = await rejectsWithCode((await p).call('http_get', url), 'PERMISSION_DENIED');
    assert.equal(e.data['capability'], 'network');
    assert.equal(server.requests.length + other.requests.length, before, `no request was sent for ${url}`);
  }

  it('no allowedHosts at all', async () => {
    await denied(load(), `${server.origin}/hello`);
  });

  it('a host that is not listed, and the same host on another port', async () => {
    await denied(fresh(), 'http://evil.test/');
    await denied(fresh(), `${other.origin}/hello`);
    await denied(load({ allowedHosts: ['127.0.0.1'] }), `${server.origin}/hello`);
    await denied(load({ allowedHosts: [other.hostPort] }), `${server.origin}/hello`);
  });

  it('localhost vs 127.0.0.1: names are compared, not what they resolve to', async () => {
    await denied(fresh(), `http://localhost:${server.port}/hello`);
    await denied(load({ allowedHosts: [`localhost:${server.port}`] }), `${server.origin}/hello`);
  });

  it('userinfo tricks: http://127.0.0.1:<port>@evil.test/', async () => {
    await denied(fresh(), `http://${server.hostPort}@evil.test/`);
    await denied(fresh(), `http://user:pass@${server.hostPort}/hello`);
  });

  it('other schemes and IPv4-mapped IPv6', async () => {
    for (const url of ['file:///etc/passwd', 'data:text/plain,hi', `ftp://${server.hostPort}/`, `ws://${server.hostPort}/`,
      `http://[::ffff:127.0.0.1]:${server.port}/hello`, 'not a url']) {
      await denied(fresh(), url);
    }
  });

  it('the plugin still works after a denial', async () => {
    const p = await fresh();
    await denied(p, 'http://evil.test/');
    assert.equal((await p.call('http_get', `${server.origin}/hello`)).text(), '200 hello body');
    assert.equal((await allowed.call('http_get', `${server.origin}/hello`)).text(), '200 hello body');
  });
});

describe('redirects are re-checked at every hop', () => {
  for (const [path, what] of [
    ['/redirect-other-port', 'the same IP on a port that is not allowed'],
    ['/redirect-localhost', 'localhost (a name that is not allowed)'],
    ['/redirect-evil', 'another domain'],
  ] as const) {
    it(`a redirect to ${what} -> PERMISSION_DENIED, nothing sent there`, async () => {
      const seen = server.requests.length;
      const e = await rejectsWithCode((await fresh()).call('http_get', `${server.origin}${path}`), 'PERMISSION_DENIED', /redirect/);
      assert.equal(e.data['capability'], 'network');
      assert.deepEqual(server.requests.slice(seen), [`GET ${path}`]);
      assert.deepEqual(other.requests, []);
    });
  }

  it('a redirect loop ends with HTTP_ERROR', async () => {
    await rejectsWithCode((await fresh()).call('http_get', `${server.origin}/redirect-loop`), 'HTTP_ERROR');
  });
});

describe('body cap and deadline', () => {
  it('a body at limits.httpResponseMaxBytes is delivered; one byte more -> LIMIT_EXCEEDED', async () => {
    const out = (await allowed.call('http_get', `${server.origin}/big?n=1000`)).text();
    assert.equal(out, `200 ${'b'.repeat(1000)}`);
    const e = await rejectsWithCode((await fresh()).call('http_get', `${server.origin}/big?n=1001`), 'LIMIT_EXCEEDED');
    assert.equal(e.data['limit'], 'httpResponseMaxBytes');
  });

  it('the cap counts decompressed bytes (a small gzip body that inflates past it)', async () => {
    await rejectsWithCode((await fresh()).call('http_get', `${server.origin}/gzip-bomb?n=1000000`), 'LIMIT_EXCEEDED');
    assert.equal((await allowed.call('http_get', `${server.origin}/gzip-bomb?n=10`)).text(), `200 ${'z'.repeat(10)}`);
  });

  it('an endless body stops at the cap', async () => {
    const p = await load({ allowedHosts: [server.hostPort], limits: { httpResponseMaxBytes: 1_000_000 } });
    await rejectsWithCode(p.call('http_get', `${server.origin}/stream`, { timeoutMs: 5000 }), 'LIMIT_EXCEEDED');
  });

  it('a server that stalls past the call deadline -> TIMEOUT within the deadline, then the plugin works', async () => {
    const p = await load({ allowedHosts: [server.hostPort], limits: { maxInstances: 1 } });
    const t0 = Date.now();
    await rejectsWithCode(p.call('http_get', `${server.origin}/stall`, { timeoutMs: 300 }), 'TIMEOUT');
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 800, `TIMEOUT after ${elapsed} ms for a 300 ms deadline`);
    assert.equal((await p.call('http_get', `${server.origin}/hello`)).text(), '200 hello body');
  });

  it('a body that stalls after the headers -> TIMEOUT within the deadline', async () => {
    const p = await fresh();
    const t0 = Date.now();
    await rejectsWithCode(p.call('http_get', `${server.origin}/stall-body`, { timeoutMs: 300 }), 'TIMEOUT');
    assert.ok(Date.now() - t0 < 800, `TIMEOUT after ${Date.now() - t0} ms for a 300 ms deadline`);
  });
});
