// downloadPlugin against local HTTPS servers with a self-signed certificate trusted through `ca`,
// so the https path is the one tested: the address policy (at connect time and for IP literals),
// redirects re-checked at every hop, the size cap with and without Content-Length, the deadline,
// statuses, the file name chosen and what is left on disk after a failure.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadFileName, downloadPlugin, isRemoteSource, type DownloadOptions } from '../../src/install/download.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';
import { endlessBody, reply, startServer, type TestServer, type TlsIdentity } from '../helpers/http-server.js';
import { selfSignedIdentity } from '../helpers/tls.js';

const WASM = fixture('echo');
const ZIP_HEAD = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(600, 1)]);

let identity: TlsIdentity;
let server: TestServer;
/** A plain-http server: a redirect to it must never reach it. */
let plain: TestServer;
const dirs: string[] = [];

function freshDir(): string {
  const dir = mkdtempSync(join(os.tmpdir(), 'warden-download-'));
  dirs.push(dir);
  return dir;
}

/** Downloads `path` from the test server, trusting its certificate and allowing 127.0.0.1. */
function download(path: string, options: DownloadOptions = {}, dir = freshDir()): Promise<string> {
  return downloadPlugin(path.startsWith('/') ? `${server.origin}${path}` : path, dir, { ca: identity.cert, allowedAddresses: ['127.0.0.1'], ...options });
}

/** Runs `fn` with a fresh folder and asserts that the folder is empty afterwards. */
async function leavesNothing(fn: (dir: string) => Promise<unknown>): Promise<void> {
  const dir = freshDir();
  await fn(dir);
  assert.deepEqual(readdirSync(dir), []);
}

before(async () => {
  identity = selfSignedIdentity();
  plain = await startServer((_req, res) => reply(res, 200, 'must not be reached'));
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'https://x');
    const n = Number(url.searchParams.get('n') ?? 0);
    const path = url.pathname;
    if (path.startsWith('/files/') || path.startsWith('/weird/')) return reply(res, 200, WASM, { 'content-type': 'application/wasm', 'content-length': String(WASM.length) });
    if (path.startsWith('/redirect/')) {
      const left = Number(path.slice('/redirect/'.length));
      return reply(res, 302, '', { location: left > 1 ? `/redirect/${left - 1}` : '/files/hello.wasm' });
    }
    switch (path) {
      case '/chunked/hello.wasm':
        res.writeHead(200, { 'content-type': 'application/wasm' });
        res.write(WASM.subarray(0, 100));
        setTimeout(() => res.end(WASM.subarray(100)), 10);
        return undefined;
      case '/download': return reply(res, 200, WASM);
      case '/download-zip': return reply(res, 200, ZIP_HEAD);
      case '/download-other': return reply(res, 200, 'just some text');
      case '/big': return reply(res, 200, Buffer.alloc(n, 'b'), { 'content-length': String(n) });
      case '/stream': return endlessBody(res);
      case '/stall': return undefined;
      case '/stall-body':
        res.writeHead(200, { 'content-type': 'application/wasm' });
        return void res.write(WASM.subarray(0, 600));
      case '/gzip': return reply(res, 200, WASM, { 'content-encoding': 'gzip' });
      case '/empty': return reply(res, 200, '');
      case '/no-location': return reply(res, 302, '');
      case '/redirect-metadata': return reply(res, 302, '', { location: 'https://169.254.169.254/latest/meta-data/' });
      case '/redirect-loopback': return reply(res, 302, '', { location: `https://127.0.0.2:${server.port}/files/hello.wasm` });
      case '/redirect-localhost': return reply(res, 307, '', { location: `https://localhost:${server.port}/files/hello.wasm` });
      case '/redirect-http': return reply(res, 302, '', { location: `${plain.origin}/files/hello.wasm` });
      case '/redirect-credentials': return reply(res, 302, '', { location: `https://user:pw@127.0.0.1:${server.port}/files/hello.wasm` });
      default: return reply(res, 404, 'nope');
    }
  }, identity);
});

after(async () => {
  await server.close();
  await plain.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('downloading over https', () => {
  it('saves the body under the URL\'s file name, mode 0600', async () => {
    const dir = freshDir();
    const file = await download('/files/hello.wasm', {}, dir);
    assert.equal(file, join(dir, 'hello.wasm'));
    assert.deepEqual(new Uint8Array(readFileSync(file)), WASM);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('follows up to 5 redirects, each re-checked', async () => {
    const file = await download('/redirect/5');
    assert.deepEqual(new Uint8Array(readFileSync(file)), WASM);
  });

  it('names a file by its first bytes when the URL names no kind', async () => {
    assert.match(await download('/download?id=1'), /\/plugin\.wasm$/);
    assert.match(await download('/download-zip'), /\/plugin\.zip$/);
    assert.match(await download('/download-other'), /\/plugin\.bin$/);
  });

  it('reduces the URL\'s name to a safe alphabet', async () => {
    assert.match(await download('/weird/we%20ird$name.WASM'), /\/we_ird_name\.wasm$/);
  });

  it('reports progress: growing counts ending at the size, the Content-Length as total', async () => {
    const calls: [number, number | undefined][] = [];
    await download('/files/hello.wasm', { onProgress: (r, t) => calls.push([r, t]) });
    assert.ok(calls.length >= 1);
    assert.deepEqual(calls.at(-1), [WASM.length, WASM.length]);
    const chunked: [number, number | undefined][] = [];
    await download('/chunked/hello.wasm', { onProgress: (r, t) => chunked.push([r, t]) });
    assert.ok(chunked.length >= 2, 'one call per chunk');
    for (let i = 1; i < chunked.length; i++) assert.ok(chunked[i]![0] > chunked[i - 1]![0]);
    assert.deepEqual(chunked.at(-1), [WASM.length, undefined]);
  });
});

describe('refused URLs', () => {
  for (const url of ['http://example.com/p.wasm', 'file:///etc/passwd', 'data:application/wasm;base64,AGFzbQ==', 'ftp://example.com/p.wasm', 'https://user:pw@example.com/p.wasm', 'not a url']) {
    it(`${url} -> INVALID_ARGUMENT before any request`, async () => {
      await rejectsWithCode(downloadPlugin(url, freshDir()), 'INVALID_ARGUMENT', /https/);
    });
  }

  it('bad options -> INVALID_ARGUMENT', async () => {
    await rejectsWithCode(download('/files/hello.wasm', { maxBytes: 0 }), 'INVALID_ARGUMENT', 'maxBytes');
    await rejectsWithCode(download('/files/hello.wasm', { allowedAddresses: ['not-an-ip'] }), 'INVALID_ARGUMENT', 'not-an-ip');
  });

  it('a file of the same name already there -> INVALID_ARGUMENT, the file untouched', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'hello.wasm'), 'mine');
    await rejectsWithCode(download('/files/hello.wasm', {}, dir), 'INVALID_ARGUMENT', 'already exists');
    assert.equal(readFileSync(join(dir, 'hello.wasm'), 'utf8'), 'mine');
  });
});

describe('the address policy', () => {
  it('a loopback server is refused without allowedAddresses, as an IP literal and by name', async () => {
    const before = server.requests.length;
    await leavesNothing(async (dir) => {
      const e = await rejectsWithCode(downloadPlugin(`${server.origin}/files/hello.wasm`, dir, { ca: identity.cert }), 'PERMISSION_DENIED', 'allowed_addresses');
      assert.equal(e.data['hop'], 0);
      await rejectsWithCode(downloadPlugin(`https://localhost:${server.port}/files/hello.wasm`, dir, { ca: identity.cert }), 'PERMISSION_DENIED', 'refused addresses');
    });
    assert.equal(server.requests.length, before, 'no request reached the server');
  });

  it('IP literals in any spelling are checked before connecting: IPv6, IPv4-mapped, shortened, hex', async () => {
    for (const host of ['[::1]', '[::ffff:127.0.0.1]', '127.1', '0x7f.0.0.1', '2130706433', '169.254.169.254', '[fe80::1]']) {
      await rejectsWithCode(download(`https://${host}:${server.port}/files/hello.wasm`, { allowedAddresses: [] }), 'PERMISSION_DENIED', 'allowed_addresses');
    }
  });

  it('a redirect to a metadata or another loopback address is refused', async () => {
    await leavesNothing(async (dir) => {
      const e = await rejectsWithCode(download('/redirect-metadata', {}, dir), 'PERMISSION_DENIED', '169.254.169.254');
      assert.equal(e.data['hop'], 1);
      await rejectsWithCode(download('/redirect-loopback', {}, dir), 'PERMISSION_DENIED', '127.0.0.2');
    });
  });

  it('a redirect to a name is checked where the connection is made (allowed 127.0.0.1 passes)', async () => {
    await download('/redirect-localhost');
    await rejectsWithCode(download('/redirect-localhost', { allowedAddresses: [] }), 'PERMISSION_DENIED');
  });

  it('a redirect to http: or to a URL with credentials is refused; the http server is never reached', async () => {
    await rejectsWithCode(download('/redirect-http'), 'PERMISSION_DENIED', /redirected to http:\/\/127\.0\.0\.1:\d+\/files\/hello\.wasm.*https/);
    await rejectsWithCode(download('/redirect-credentials'), 'PERMISSION_DENIED', 'credentials');
    assert.deepEqual(plain.requests, []);
  });

  it('more than 5 redirects -> HTTP_ERROR', async () => {
    const e = await rejectsWithCode(download('/redirect/6'), 'HTTP_ERROR', 'more than 5');
    assert.equal(e.data['redirects'], 5);
  });

  it('a certificate that is not trusted -> HTTP_ERROR (no ca given)', async () => {
    await rejectsWithCode(downloadPlugin(`${server.origin}/files/hello.wasm`, freshDir(), { allowedAddresses: ['127.0.0.1'] }), 'HTTP_ERROR', 'TLS certificate');
  });
});

describe('caps, deadline and statuses', () => {
  it('a Content-Length over maxBytes is refused before the body is read', async () => {
    await leavesNothing(async (dir) => {
      const e = await rejectsWithCode(download('/big?n=5000', { maxBytes: 4096 }, dir), 'INSTALL_REFUSED', 'declares 5000 bytes');
      assert.equal(e.data['limit'], 'maxBytes');
    });
  });

  it('a body without Content-Length is stopped once it passes maxBytes; the partial file is removed', async () => {
    await leavesNothing(async (dir) => {
      await rejectsWithCode(download('/stream', { maxBytes: 300_000, onProgress: (r) => assert.ok(r <= 300_000) }, dir), 'INSTALL_REFUSED', 'sent more than');
    });
  });

  it('exactly maxBytes passes', async () => {
    await download('/big?n=4096', { maxBytes: 4096 });
  });

  it('a server that never answers, or stalls mid-body -> TIMEOUT at the deadline, nothing left', async () => {
    for (const path of ['/stall', '/stall-body']) {
      await leavesNothing(async (dir) => {
        const t0 = performance.now();
        await rejectsWithCode(download(path, { timeoutMs: 300 }, dir), 'TIMEOUT', 'deadline');
        const elapsed = performance.now() - t0;
        assert.ok(elapsed >= 250 && elapsed < 2000, `stopped after ${elapsed.toFixed(0)} ms`);
      });
    }
  });

  it('the caller\'s signal aborts with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('operator pressed ctrl-c');
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(download('/stall', { signal: controller.signal }), (e) => e === reason);
  });

  it('404 -> HTTP_ERROR with the status; a redirect without Location too', async () => {
    const e = await rejectsWithCode(download('/missing.wasm'), 'HTTP_ERROR', '404');
    assert.equal(e.data['status'], 404);
    assert.equal((await rejectsWithCode(download('/no-location'), 'HTTP_ERROR')).data['status'], 302);
  });

  it('a compressed or empty body -> HTTP_ERROR', async () => {
    await rejectsWithCode(download('/gzip'), 'HTTP_ERROR', 'Content-Encoding');
    await leavesNothing((dir) => rejectsWithCode(download('/empty', {}, dir), 'HTTP_ERROR', 'empty'));
  });

  it('messages leave out the query string, which may hold a signed token', async () => {
    const e = await rejectsWithCode(download('/missing.wasm?X-Amz-Signature=secret'), 'HTTP_ERROR');
    assert.ok(!e.message.includes('secret') && !JSON.stringify(e.data).includes('secret'), e.message);
  });
});

describe('downloadFileName', () => {
  const cases: [string, string | undefined][] = [
    ['/a/hello.wasm', 'hello.wasm'],
    ['/a/Plugin.TAR.GZ', 'Plugin.tar.gz'],
    ['/a/p.tgz', 'p.tgz'],
    ['/a/p.tar', 'p.tar'],
    ['/a/p.zip', 'p.zip'],
    ['/a/we%20ird$name.WASM', 'we_ird_name.wasm'],
    ['/x/..%2F..%2Fetc%2Fpasswd.wasm', '_.._etc_passwd.wasm'],
    ['/x/-rf.zip', 'rf.zip'],
    ['/x/%E0%A4%A.wasm', '_E0_A4_A.wasm'],
    ['/x/.wasm', undefined],
    ['/x/file.gz', undefined],
    ['/x/download', undefined],
    ['/', undefined],
  ];
  for (const [path, name] of cases) it(`${path} -> ${String(name)}`, () => assert.equal(downloadFileName(path), name));

  it('a long name is cut from the front, keeping its extension', () => {
    const name = downloadFileName(`/${'a'.repeat(500)}.wasm`)!;
    assert.equal(name.length, 100);
    assert.ok(name.endsWith('.wasm'));
  });
});

describe('isRemoteSource', () => {
  for (const source of ['https://example.com/p.wasm', 'HTTP://x', 'file:///p.wasm', 'data:,x', 'ftp://x/y']) {
    it(`${source} is a URL`, () => assert.equal(isRemoteSource(source), true));
  }
  for (const source of ['./plugin', '/abs/p.wasm', 'p.wasm', 'C:\\plugins\\p.wasm', 'c:/p', './a:b.wasm', '']) {
    it(`${JSON.stringify(source)} is a path`, () => assert.equal(isRemoteSource(source), false));
  }
});
