// Server-sent events: `plugin` events after enable / disable, `denied` when a capability is
// refused, `tools-changed`, heartbeats, and auth by bearer token or session cookie.
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { before, describe, it } from 'node:test';
import { kvPluginDir, startGateway, tgzOf, UPLOAD, type TestGateway } from './client.js';

let g: TestGateway;
before(async () => {
  g = await startGateway({ heartbeatMs: 50 });
  const r = await g.req('POST', '/api/plugins', { body: tgzOf(kvPluginDir(g.dirs.make())), headers: UPLOAD() });
  assert.equal(r.status, 201, r.text);
});

/** An open event stream: the events seen so far, and a wait for one that matches. */
function openEvents(headers: Record<string, string>): Promise<{ res: IncomingMessage; raw: () => string; waitFor(event: string, match?: (data: any) => boolean): Promise<any>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: g.port, path: '/api/events', headers: { host: `127.0.0.1:${g.port}`, ...headers } }, (res) => {
      let text = '';
      const waiters: (() => void)[] = [];
      res.on('data', (d: Buffer) => {
        text += d;
        for (const w of waiters.splice(0)) w();
      });
      const find = (event: string, match: (data: any) => boolean): unknown => {
        for (const block of text.split('\n\n')) {
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name === event && data !== undefined && match(JSON.parse(data))) return JSON.parse(data);
        }
        return undefined;
      };
      resolve({
        res,
        raw: () => text,
        waitFor: (event, match = () => true) => new Promise((done, fail) => {
          const timer = setTimeout(() => fail(new Error(`no ${event} event in: ${text}`)), 5000);
          const check = (): void => {
            const hit = find(event, match);
            if (hit !== undefined) {
              clearTimeout(timer);
              done(hit);
            } else waiters.push(check);
          };
          check();
        }),
        close: () => req.destroy(),
      });
    });
    req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
    req.end();
  });
}

describe('gateway events', () => {
  it('needs a token', async () => {
    const r = await g.req('GET', '/api/events', { auth: false });
    assert.equal(r.status, 401);
  });

  it('streams plugin events after disable and enable, and tools-changed', async () => {
    const stream = await openEvents({ authorization: `Bearer ${g.token}` });
    try {
      assert.equal(stream.res.statusCode, 200);
      assert.match(String(stream.res.headers['content-type']), /text\/event-stream/);
      assert.equal((await g.req('POST', '/api/plugins/notes/disable')).status, 200);
      assert.deepEqual(await stream.waitFor('plugin', (d) => d.event === 'disabled'), { id: 'notes', event: 'disabled' });
      await stream.waitFor('tools-changed');
      assert.equal((await g.req('POST', '/api/plugins/notes/enable')).status, 200);
      assert.deepEqual(await stream.waitFor('plugin', (d) => d.event === 'enabled'), { id: 'notes', event: 'enabled' });
    } finally {
      stream.close();
    }
  });

  it('streams a denied event, over a session cookie, with heartbeats', async () => {
    const session = await g.req('POST', '/api/session', { auth: false, body: { token: g.token } });
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    const stream = await openEvents({ cookie });
    try {
      assert.equal(stream.res.statusCode, 200);
      const call = await g.req('POST', '/api/plugins/notes/tools/kv_put', { body: JSON.stringify('a=1'), headers: { 'content-type': 'application/json' } });
      assert.equal(call.status, 403);
      const denied = await stream.waitFor('denied', (d) => d.plugin === 'notes');
      assert.equal(denied.decision, 'deny');
      await new Promise((resolve) => setTimeout(resolve, 120));
      assert.match(stream.raw(), /: heartbeat/);
    } finally {
      stream.close();
    }
  });

  it('ends a cookie stream when its session ends, sending nothing after; asks browsers to wait before reconnecting', async () => {
    const session = await g.req('POST', '/api/session', { auth: false, body: { token: g.token } });
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    const stream = await openEvents({ cookie });
    try {
      assert.match(stream.raw(), /^retry: \d+\n/);
      const out = await g.req('DELETE', '/api/session', { auth: false, headers: { cookie, 'x-warden-request': '1' } });
      assert.ok(out.status < 300, out.text);
      const ended = new Promise<void>((resolve, reject) => {
        stream.res.once('end', resolve);
        setTimeout(() => reject(new Error(`the stream did not end: ${stream.raw()}`)), 10_000).unref();
      });
      const call = await g.req('POST', '/api/plugins/notes/tools/kv_put', { body: JSON.stringify('a=1'), headers: { 'content-type': 'application/json' } });
      assert.equal(call.status, 403);
      await ended;
      assert.doesNotMatch(stream.raw(), /event: denied/, 'no denial reached a signed-out stream');
    } finally {
      stream.close();
    }
  });
});
