// The web UI's static handler: exact files only, with their content types and the security
// headers; traversal attempts in any encoding are 404 (or 400) and never reach the filesystem.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadStaticFiles } from '../../src/gateway/ui/static-files.js';
import { send, startGateway, type TestGateway } from '../gateway/client.js';

let g: TestGateway;
before(async () => {
  g = await startGateway();
});

const get = (path: string) => send(g.port, 'GET', path, {});

describe('ui: static files', () => {
  it('lists the UI files under /ui/ and index.html at /', () => {
    const files = loadStaticFiles();
    for (const path of ['/', '/index.html', '/ui/app.js', '/ui/app.css', '/ui/i18n.js', '/ui/api.js', '/ui/views/plugin.js']) assert.ok(files.has(path), path);
    assert.ok([...files.keys()].every((k) => k === '/' || k === '/index.html' || k.startsWith('/ui/')));
  });

  it('serves each file with its content type, the CSP and nosniff, without a token', async () => {
    const cases: [string, RegExp][] = [['/', /^text\/html; charset=utf-8$/], ['/ui/app.js', /^text\/javascript; charset=utf-8$/], ['/ui/app.css', /^text\/css; charset=utf-8$/], ['/ui/views/audit.js', /^text\/javascript/]];
    for (const [path, type] of cases) {
      const r = await get(path);
      assert.equal(r.status, 200, path);
      assert.match(String(r.headers['content-type']), type, path);
      assert.match(String(r.headers['content-security-policy']), /script-src 'self'; style-src 'self'/, path);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text), path);
    }
    const head = await send(g.port, 'HEAD', '/ui/app.js', {});
    assert.deepEqual([head.status, head.text], [200, '']);
    assert.equal((await send(g.port, 'POST', '/ui/app.js', {})).status, 405);
  });

  it('the page has no inline script or style (the CSP would block them)', async () => {
    const html = (await get('/')).text;
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  });

  it('refuses traversal in every encoding', async () => {
    const attempts = [
      '/../package.json', '/ui/../package.json', '/ui/../../package.json', '/ui/..%2f..%2fpackage.json', '/ui/%2e%2e/%2e%2e/package.json',
      '/ui/%2E%2E%2F%2E%2E%2Fpackage.json', '/ui/..%5c..%5cpackage.json', '/ui/%252e%252e/package.json', '/ui/views/../../../../package.json',
      '/ui/app.js%00.css', '/ui//etc/passwd', '/ui/static-files.js', '/ui/', '/ui/views', '/..%2fsrc%2fgateway%2fserver.ts', '/ui/%c0%ae%c0%ae/package.json',
    ];
    for (const path of attempts) {
      const r = await get(path);
      assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
      assert.doesNotMatch(r.text, /"name": "warden"|devDependencies|createGateway/, path);
      assert.match(String(r.headers['content-type']), /application\/json/, path);
    }
  });
});
