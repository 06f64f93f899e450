// Browser sessions kept in the state store: they survive a restart, sign-out and expiry are
// persisted, the cap drops the idlest, a new admin token signs everyone out, and the database never
// holds a session id.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ensureAdminToken } from '../../src/gateway/auth.js';
import type { GatewayOptions } from '../../src/gateway/server.js';
import { DATABASE_FILE } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { filesContaining } from '../storage/sqlite-helpers.js';
import { signIn, startGateway, type TestGateway } from './client.js';

/** Closes `g` (gateway and Warden) and starts a new one on the same data directory. */
async function restart(g: TestGateway, options: GatewayOptions = {}): Promise<TestGateway> {
  await g.gateway.close();
  await g.warden.close();
  return startGateway(options, { dataDir: g.warden.options.dataDir });
}

/** The status of a cookie-authenticated GET /api/plugins. */
async function statusWith(g: TestGateway, cookie: string): Promise<number> {
  return (await g.req('GET', '/api/plugins', { auth: false, headers: { cookie } })).status;
}

/** The stored expiry of every session, read straight from the database file. */
function storedExpiries(g: TestGateway): number[] {
  const db = new Database(join(g.warden.options.dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT expires_at FROM sessions ORDER BY rowid').pluck().all() as number[];
  } finally {
    db.close();
  }
}

describe('gateway sessions', () => {
  it('survive a restart of the gateway and the Warden; sign-out is persisted', async () => {
    const first = await startGateway();
    const cookie = await signIn(first);
    const second = await restart(first);
    assert.equal(second.gateway.newToken, undefined, 'the token was kept');
    assert.equal(await statusWith(second, cookie), 200);
    const out = await second.req('DELETE', '/api/session', { auth: false, headers: { cookie, 'x-warden-request': '1' } });
    assert.equal(out.status, 200);
    const third = await restart(second);
    assert.equal(await statusWith(third, cookie), 401);
    assert.deepEqual(storedExpiries(third), []);
  });

  it('stores neither the session id nor its bytes', async () => {
    const g = await startGateway();
    const cookie = await signIn(g);
    const id = cookie.slice(cookie.indexOf('=') + 1);
    assert.equal(storedExpiries(g).length, 1, 'the session is in this database');
    const dir = g.warden.options.dataDir;
    assert.deepEqual(filesContaining(dir, id), []);
    assert.deepEqual(filesContaining(dir, Buffer.from(id, 'base64url')), []);
  });

  it('expire after the TTL, and expired rows are purged at start', async () => {
    const g = await startGateway({ sessionTtlMs: 300 });
    const cookie = await signIn(g);
    assert.equal(await statusWith(g, cookie), 200);
    await sleep(400);
    assert.equal(await statusWith(g, cookie), 401);
    assert.deepEqual(storedExpiries(g), [], 'the expired session was deleted on use');
    await signIn(g);
    await sleep(400);
    const again = await restart(g, { sessionTtlMs: 300 });
    assert.deepEqual(storedExpiries(again), [], 'purged at start, before any request');
  });

  it('slide with use, writing the expiry only once it lags', async () => {
    const busy = await startGateway();
    const cookie = await signIn(busy);
    const stored = storedExpiries(busy);
    for (let i = 0; i < 5; i++) {
      const r = await busy.req('GET', '/api/plugins', { auth: false, headers: { cookie } });
      assert.equal(r.status, 200);
      assert.equal(r.headers['set-cookie'], undefined, 'no new cookie while the expiry is not extended');
    }
    assert.deepEqual(storedExpiries(busy), stored, 'a minute of lag is allowed: no write per request');

    const g = await startGateway({ sessionTtlMs: 1500 });
    const used = await signIn(g);
    const opened = Date.now();
    for (let i = 0; i < 4; i++) {
      await sleep(500);
      const r = await g.req('GET', '/api/plugins', { auth: false, headers: { cookie: used } });
      assert.equal(r.status, 200, `use ${i + 1}`);
      // The browser's copy is extended with the server's, so it is not dropped before the session.
      assert.match(String(r.headers['set-cookie']), new RegExp(`^${used}; HttpOnly; SameSite=Strict; Path=/; Max-Age=1$`));
    }
    assert.ok(Date.now() - opened > 1500, 'alive past the TTL counted from sign-in');
  });

  it('past maxSessions, drop the idlest', async () => {
    const g = await startGateway({ maxSessions: 2, sessionTtlMs: 2000 });
    const used = await signIn(g);
    const idle = await signIn(g);
    await sleep(300);
    assert.equal(await statusWith(g, used), 200, 'moves its expiry (more than a tenth of the TTL behind)');
    const newest = await signIn(g);
    assert.deepEqual(await Promise.all([used, idle, newest].map((c) => statusWith(g, c))), [200, 401, 200]);
    assert.equal(storedExpiries(g).length, 2);
  });

  it('a new admin token signs everyone out', async () => {
    const g = await startGateway();
    const cookie = await signIn(g);
    const reset = await restart(g, { resetToken: true });
    assert.ok(reset.gateway.newToken);
    assert.equal(await statusWith(reset, cookie), 401);
    assert.deepEqual(storedExpiries(reset), []);
    await signIn(reset);
  });

  it('a token changed while the gateway was down matches none of the old sessions', async () => {
    const g = await startGateway();
    const cookie = await signIn(g);
    await g.gateway.close();
    await ensureAdminToken(g.warden.options.dataDir, { reset: true });
    const again = await restart(g);
    assert.equal(storedExpiries(again).length, 1, 'the row is still there');
    assert.equal(await statusWith(again, cookie), 401, 'but it is bound to the old token');
  });

  it('refuses a TTL or a cap that is not a positive integer', async () => {
    for (const options of [{ sessionTtlMs: 0 }, { sessionTtlMs: 1.5 }, { maxSessions: 0 }, { maxSessions: Number.NaN }]) {
      await rejectsWithCode(startGateway(options), 'INVALID_ARGUMENT');
    }
  });

  it('bearer requests never read the state store; cookie requests do', async () => {
    const g = await startGateway();
    const cookie = await signIn(g);
    await g.warden.store.close();
    assert.equal((await g.req('GET', '/api/tools')).status, 200);
    const r = await g.req('GET', '/api/tools', { auth: false, headers: { cookie } });
    assert.equal(r.body.error.code, 'CLOSED');
  });
});
