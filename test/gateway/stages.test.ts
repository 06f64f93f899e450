// Staged packages: inspect keeps the package it read, and POST /api/plugins {"stage"} installs
// exactly those bytes — the file is not sent again, a URL is downloaded once, and a server that
// answers a second request with other bytes cannot change what gets installed. Stage ids are
// checked strictly; stages expire, are capped, are removed once installed and at start and close.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, reply } from '../helpers/http-server.js';
import { serveWarden } from '../helpers/serve.js';
import { selfSignedIdentity } from '../helpers/tls.js';
import { tempDirs } from '../storage/sqlite-helpers.js';
import { createGateway } from '../../src/gateway/server.js';
import { kvPluginDir, send, startGateway, tgzOf, UPLOAD, type TestGateway } from './client.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const stagesDir = (g: TestGateway): string => join(g.warden.options.dataDir, 'uploads', 'stages');
const staged = (g: TestGateway): string[] => (existsSync(stagesDir(g)) ? readdirSync(stagesDir(g)) : []);

let g: TestGateway;
let tgz: Uint8Array;
before(async () => {
  g = await startGateway();
  tgz = tgzOf(kvPluginDir(g.dirs.make()));
});

const inspect = (gateway: TestGateway, body: Uint8Array = tgz) => gateway.req('POST', '/api/plugins/inspect', { body, headers: UPLOAD() });

describe('gateway: staged installs', () => {
  it('inspect stages the upload (private files) and the install with its stage needs no second upload', async () => {
    const r = await inspect(g);
    assert.equal(r.status, 200, r.text);
    assert.match(r.body.stage, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual([r.body.sha256, r.body.bytes], [sha256(tgz), tgz.length]);
    assert.ok(Date.parse(r.body.stageExpiresAt) > Date.now() + 14 * 60_000, r.body.stageExpiresAt);
    assert.deepEqual(staged(g), [r.body.stage]);
    const folder = join(stagesDir(g), r.body.stage);
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.equal(statSync(join(folder, 'notes.tgz')).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(g.warden.options.dataDir, 'uploads')), ['stages'], 'the upload folder is gone');

    const install = await g.req('POST', '/api/plugins', { body: { stage: r.body.stage, sha256: r.body.sha256, grant: ['storage:kv'] } });
    assert.equal(install.status, 201, install.text);
    assert.deepEqual([install.body.id, install.body.granted, install.body.enabled], ['notes', ['storage:kv'], true]);
    assert.deepEqual(staged(g), [], 'the stage is removed once installed');
    const again = await g.req('POST', '/api/plugins', { body: { stage: r.body.stage } });
    assert.deepEqual([again.status, again.body.error.code], [404, 'NOT_FOUND']);
    assert.match(again.body.error.message, /inspect the package again/);
  });

  it('refuses malformed, unknown and contradictory stages', async () => {
    for (const stage of ['../../etc/passwd', '', 'A'.repeat(21), 'A'.repeat(23), `${'A'.repeat(21)}/`, '__proto__', 'constructor', 'A'.repeat(21) + '.', 5, null, ['x']]) {
      const r = await g.req('POST', '/api/plugins', { body: { stage } });
      assert.deepEqual([r.status, r.body.error.code], [400, 'INVALID_ARGUMENT'], JSON.stringify(stage));
    }
    const unknown = await g.req('POST', '/api/plugins', { body: { stage: 'A'.repeat(22) } });
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'NOT_FOUND']);
    const r = await inspect(g);
    const both = await g.req('POST', '/api/plugins', { body: { stage: r.body.stage, url: 'https://example.com/p.wasm' } });
    assert.deepEqual([both.status, both.body.error.code], [400, 'INVALID_ARGUMENT']);
    const otherHash = await g.req('POST', '/api/plugins', { body: { stage: r.body.stage, sha256: sha256(new Uint8Array([1])) } });
    assert.deepEqual([otherHash.status, otherHash.body.error.code], [422, 'HASH_MISMATCH']);
    const ok = await g.req('POST', '/api/plugins', { body: { stage: r.body.stage } });
    assert.equal(ok.status, 200, `a refused try leaves the stage for another: ${ok.text}`);
  });

  it('the same stage installed twice at once: one install, the other refused', async () => {
    const r = await inspect(g);
    const both = await Promise.all([0, 1].map(() => g.req('POST', '/api/plugins', { body: { stage: r.body.stage } })));
    assert.deepEqual(both.map((x) => x.status).sort(), [200, 404], both.map((x) => x.text).join('\n'));
    assert.deepEqual(staged(g), []);
  });

  it('a staged file changed on disk is refused (HASH_MISMATCH) and dropped', async () => {
    const r = await inspect(g);
    writeFileSync(join(stagesDir(g), r.body.stage, 'notes.tgz'), tgzOf(kvPluginDir(g.dirs.make(), { version: '9.9.9' })));
    const install = await g.req('POST', '/api/plugins', { body: { stage: r.body.stage } });
    assert.deepEqual([install.status, install.body.error.code], [422, 'HASH_MISMATCH'], install.text);
    assert.deepEqual(staged(g), []);
    assert.equal((await g.req('GET', '/api/plugins/notes')).body.version, '0.1.0');
  });

  it('a refused package is not staged', async () => {
    const undeclared = tgzOf(kvPluginDir(g.dirs.make(), { name: 'undeclared', capabilities: [] })); // imports kv functions it does not request
    const r = await inspect(g, undeclared);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.refused, r.body.stage], [true, undefined]);
    assert.deepEqual(staged(g), []);
  });
});

describe('gateway: stage lifetime and caps', () => {
  it('a stage expires: refused with advice, and its files are removed', async () => {
    const short = await startGateway({ stages: { ttlMs: 300 } });
    const r = await inspect(short);
    await sleep(450);
    assert.deepEqual(staged(short), []);
    const late = await short.req('POST', '/api/plugins', { body: { stage: r.body.stage } });
    assert.deepEqual([late.status, late.body.error.code], [404, 'NOT_FOUND']);
    assert.match(late.body.error.message, /expired.*inspect the package again/);
  });

  it('the oldest stage makes room for a new one past the count or byte cap; a package over the byte cap is refused', async () => {
    const small = await startGateway({ stages: { maxCount: 2, maxBytes: tgz.length * 2 + 10 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await inspect(small)).body.stage);
    assert.deepEqual(staged(small).sort(), ids.slice(1).sort());
    assert.equal((await small.req('POST', '/api/plugins', { body: { stage: ids[0] } })).status, 404);
    assert.equal((await small.req('POST', '/api/plugins', { body: { stage: ids[2] } })).status, 201);
    const tiny = await startGateway({ stages: { maxBytes: 100 } });
    const big = await inspect(tiny);
    assert.deepEqual([big.status, big.body.error.code], [429, 'LIMIT_EXCEEDED']);
    assert.deepEqual(staged(tiny), []);
  });

  it('leftover stages and half-written uploads are removed at start; stages at close', async () => {
    const w = await startGateway();
    mkdirSync(join(stagesDir(w), 'A'.repeat(22)), { recursive: true });
    const halfUpload = join(w.warden.options.dataDir, 'uploads', 'upload-crashed');
    mkdirSync(halfUpload, { recursive: true });
    writeFileSync(join(halfUpload, 'upload'), 'half a package');
    const own = await createGateway(w.warden, { port: 0 });
    assert.deepEqual(staged(w), [], 'cleaned at start');
    assert.equal(existsSync(halfUpload), false, 'a crashed upload is gone');
    const port = Number(new URL(own.url).port);
    const r = await send(port, 'POST', '/api/plugins/inspect', { ...UPLOAD(), authorization: `Bearer ${w.token}` }, tgz);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(staged(w), [r.body.stage]);
    await own.close();
    assert.deepEqual(staged(w), [], 'cleaned at close');
  });
});

describe('gateway: staged installs from a URL (warden serve)', () => {
  const dirs = tempDirs();
  after(() => dirs.removeAll());

  it('downloads once; a server that answers the second request with other bytes cannot change what is installed', async () => {
    const identity = selfSignedIdentity();
    const first = tgzOf(kvPluginDir(dirs.make(), { version: '1.0.0' }));
    const second = tgzOf(kvPluginDir(dirs.make(), { version: '2.0.0' }));
    let served = 0;
    const server = await startServer((_req, res) => reply(res, 200, served++ === 0 ? first : second, { 'content-type': 'application/gzip' }), identity);
    const dataDir = dirs.make();
    writeFileSync(join(dataDir, 'config.yaml'), 'allow_remote_install: true\nallowed_addresses: [127.0.0.1]\n');
    const caFile = join(dirs.make(), 'ca.pem');
    writeFileSync(caFile, identity.cert);
    const warden = await serveWarden(dataDir, [], { NODE_EXTRA_CA_CERTS: caFile });
    const api = async (path: string, body: unknown) => {
      const res = await fetch(`${warden.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${warden.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    try {
      const url = `${server.origin}/notes.tgz`;
      const seen = await api('/api/plugins/inspect', { url });
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      assert.deepEqual([seen.body.version, seen.body.sha256], ['1.0.0', sha256(first)]);
      const installed = await api('/api/plugins', { stage: seen.body.stage, grant: ['storage:kv'], enable: true });
      assert.equal(installed.status, 201, JSON.stringify(installed.body));
      assert.deepEqual([installed.body.version, installed.body.enabled], ['1.0.0', false], 'the consented bytes, disabled as every plugin from the network');
      assert.equal(server.requests.length, 1, 'downloaded once');
      const direct = await api('/api/plugins', { url });
      assert.deepEqual([direct.status, direct.body.version], [200, '2.0.0'], 'the server does answer a second download with other bytes');
      assert.equal(server.requests.length, 2);
      assert.equal(await warden.stop(), 0);
      assert.equal(existsSync(join(dataDir, 'uploads', 'stages')), false, 'no stage left after stop');
    } finally {
      await warden.stop();
      await server.close();
    }
  });
});
