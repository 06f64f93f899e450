// Network rules (THREATS.md "Network"): wildcard host entries, and addresses checked when the
// connection is made, so a name that resolves to loopback, private, link-local or metadata
// addresses is refused unless that address was allowed explicitly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHost, type Plugin, type PluginOptions } from '../../src/index.js';
import { AddressPolicy } from '../../src/runtime/http/address-policy.js';
import { checkUrl, parseAllowList } from '../../src/runtime/http/allow-list.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';
import { reply, startServer, type TestServer } from '../helpers/http-server.js';

describe('allow-list matching', () => {
  const allow = parseAllowList(['*.example.com', 'api.test:8443', 'plain.test']);
  const cases: [string, boolean][] = [
    ['https://a.example.com/x', true],
    ['https://a.b.example.com/', true],
    ['https://example.com/', false], // the apex is not matched by *.example.com
    ['https://evilexample.com/', false],
    ['https://example.com.evil.com/', false],
    ['https://a.example.com:8443/', false], // default port only
    ['https://api.test:8443/', true],
    ['https://api.test/', false],
    ['http://plain.test/', true],
    ['https://plain.test/', true],
    ['http://plain.test:8080/', false],
    ['ftp://plain.test/', false],
    ['http://user:pw@plain.test/', false],
    ['http://plain.test@evil.test/', false],
  ];
  for (const [url, ok] of cases) {
    it(`${ok ? 'allows' : 'refuses'} ${url}`, () => {
      assert.equal(checkUrl(new URL(url), allow) === undefined, ok);
    });
  }

  it('refuses too-broad or malformed entries', () => {
    for (const entry of ['*.com', '*', '*.*.example.com', 'a.*.example.com', '*.127.0.0.1', 'https://x.test', 'x.test/path']) {
      assert.throws(() => parseAllowList([entry]), TypeError, entry);
    }
  });
});

describe('address policy', () => {
  const policy = new AddressPolicy(['10.1.0.0/16', '::1']);
  const cases: [string, boolean][] = [
    ['93.184.216.34', true], ['2606:4700::1111', true],
    ['127.0.0.1', false], ['127.5.5.5', false], ['10.0.0.1', false], ['172.16.3.4', false], ['192.168.1.1', false],
    ['169.254.169.254', false], ['100.64.0.1', false], ['0.0.0.0', false], ['224.0.0.1', false],
    ['::ffff:127.0.0.1', false], ['fe80::1', false], ['fd00::1', false], ['::', false],
    ['10.1.2.3', true], ['::1', true], // explicitly allowed
  ];
  for (const [address, ok] of cases) {
    it(`${ok ? 'allows' : 'refuses'} ${address}`, () => {
      assert.equal(policy.check(address) === undefined, ok);
    });
  }

  it('refuses malformed allowed addresses', () => {
    assert.throws(() => new AddressPolicy(['localhost']), TypeError);
    assert.throws(() => new AddressPolicy(['10.0.0.0/33']), TypeError);
  });
});

describe('connect-time address checks', () => {
  const host = createHost();
  let server: TestServer;
  let target: TestServer;
  const load = (options: PluginOptions): Promise<Plugin> =>
    host.load(fixture('as_kitchen'), { functions: { 'extism:host/user': { reverse: () => 0n } }, ...options });

  before(async () => {
    target = await startServer((_req, res) => reply(res, 200, 'loopback content'));
    server = await startServer((_req, res) => {
      res.writeHead(302, { location: `http://localhost:${target.port}/` });
      res.end();
    });
  });
  after(async () => {
    await host.close();
    await server.close();
    await target.close();
  });

  it('refuses a name that resolves to loopback, even when the name is allowed', async () => {
    const plugin = await load({ allowedHosts: [`localhost:${target.port}`] });
    const e = await rejectsWithCode(plugin.call('http_get', `http://localhost:${target.port}/`), 'PERMISSION_DENIED', 'loopback');
    assert.equal(e.data['capability'], 'network');
    assert.equal(target.requests.length, 0, 'no request reached the server');
  });

  it('connects when the operator allowed the address explicitly', async () => {
    const plugin = await load({ allowedHosts: [`localhost:${target.port}`], allowedAddresses: ['127.0.0.0/8', '::1'] });
    assert.equal((await plugin.call('http_get', `http://localhost:${target.port}/`)).text(), '200 loopback content');
  });

  it('refuses a redirect to an allowed name that resolves to loopback', async () => {
    const plugin = await load({ allowedHosts: [server.hostPort, `localhost:${target.port}`] });
    await rejectsWithCode(plugin.call('http_get', `${server.origin}/`), 'PERMISSION_DENIED', 'redirect');
  });

  it('refuses a malformed allowedAddresses entry at load', async () => {
    await rejectsWithCode(load({ allowedAddresses: ['not-an-ip'] }), 'INVALID_ARGUMENT');
  });
});
