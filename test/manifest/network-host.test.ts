// Network host patterns: accepted and refused forms, and the wildcard matching table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostAllows, parseHostPattern, type HostPattern } from '../../src/manifest/index.js';

function pattern(text: string): HostPattern {
  const p = parseHostPattern(text);
  assert.ok(typeof p !== 'string', `${text}: ${String(p)}`);
  return p;
}

describe('network host patterns', () => {
  it('normalises valid forms through the WHATWG URL parser', () => {
    const table: [string, string][] = [
      ['api.example.com', 'api.example.com'],
      ['API.Example.COM', 'api.example.com'],
      ['api.example.com.', 'api.example.com'],
      ['api.example.com:8080', 'api.example.com:8080'],
      ['api.example.com:80', 'api.example.com:80'],
      ['bücher.example', 'xn--bcher-kva.example'],
      ['127.1', '127.0.0.1'],
      ['0x7f.1', '127.0.0.1'],
      ['[::1]:3000', '[::1]:3000'],
      ['*.example.com', '*.example.com'],
      ['*.Example.com:443', '*.example.com:443'],
    ];
    for (const [input, text] of table) assert.equal(pattern(input).text, text, input);
    assert.equal(pattern('api.example.com:80').port, 80);
    assert.equal(pattern('api.example.com').port, undefined);
  });

  it('refuses schemes, paths, userinfo, bad ports and other wildcard forms', () => {
    for (const bad of [
      'http://api.example.com', 'https://api.example.com', 'ftp://x.example', 'api.example.com/path', 'api.example.com?q',
      'api.example.com#x', 'allowed.com@evil.com', 'user:pw@x.example', 'x.example:', 'x.example:0', 'x.example:65536',
      'x.example:http', 'a b.example', '', '*', '*.com', '*.', 'api.*.example.com', '**.example.com', 'a*.example.com',
      '*.127.0.0.1', '*.[::1]', 'exa mple.com', 'x\\y.example',
    ]) {
      assert.equal(typeof parseHostPattern(bad), 'string', `should refuse ${JSON.stringify(bad)}`);
    }
  });

  it('matches exact hosts with the scheme default port unless a port is named', () => {
    const exact = pattern('api.example.com');
    const table: [string, boolean][] = [
      ['https://api.example.com/v1', true], ['http://api.example.com/', true], ['https://API.EXAMPLE.com./x', true],
      ['https://api.example.com:8443/', false], ['http://api.example.com:443/', false], ['https://example.com/', false],
      ['https://x.api.example.com/', false], ['https://api.example.com@evil.com/', false], ['https://u:p@api.example.com/', false],
      ['ftp://api.example.com/', false], ['file://api.example.com/x', false],
    ];
    for (const [url, ok] of table) assert.equal(hostAllows(exact, new URL(url)), ok, url);
    const withPort = pattern('localhost:8080');
    assert.equal(hostAllows(withPort, new URL('http://localhost:8080/')), true);
    assert.equal(hostAllows(withPort, new URL('http://localhost/')), false);
  });

  it('matches one or more labels below a wildcard, never the apex or look-alikes', () => {
    const wild = pattern('*.example.com');
    const table: [string, boolean][] = [
      ['https://api.example.com/', true],
      ['https://a.b.example.com/', true],
      ['https://API.Example.com/', true],
      ['https://example.com/', false],
      ['https://evilexample.com/', false],
      ['https://example.com.evil.com/', false],
      ['https://api.example.com.evil.com/', false],
      ['https://xexample.com/', false],
      ['https://example.co/', false],
      ['https://api.example.com:8443/', false],
      ['https://api.example.com@evil.com/', false],
    ];
    for (const [url, ok] of table) assert.equal(hostAllows(wild, new URL(url)), ok, url);
  });

  it('compares numeric IPv4 forms in the parsed form', () => {
    const loop = pattern('127.0.0.1');
    for (const url of ['http://127.1/', 'http://2130706433/', 'http://0x7f.1/']) assert.equal(hostAllows(loop, new URL(url)), true, url);
    assert.equal(hostAllows(pattern('*.example.com'), new URL('http://127.0.0.1/')), false);
  });
});
