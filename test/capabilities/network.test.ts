// The network capability end to end: requested ∩ granted ∩ level becomes the runtime's
// allow-list, and every request the runtime refuses lands in the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { capabilityOptions, effectiveCapabilities, type SecurityLevel } from '../../src/capabilities/index.js';
import { createHost, type Plugin } from '../../src/index.js';
import { parseCapabilities } from '../../src/manifest/capabilities.js';
import { createSqliteStore, type StateStore } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';
import { reply, startServer, type TestServer } from '../helpers/http-server.js';
import { tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
const host = createHost();
let store: StateStore;
let server: TestServer;

before(async () => {
  store = createSqliteStore({ dataDir: dirs.make(), durability: 'normal' });
  server = await startServer((_req, res) => reply(res, 200, 'hello'));
});
after(async () => {
  await host.close();
  await server.close();
  await store.close();
  dirs.removeAll();
});

async function load(id: string, granted: string[], level: SecurityLevel = 'strict'): Promise<Plugin> {
  const requested = parseCapabilities([{ network: [server.hostPort] }]).capabilities;
  const effective = effectiveCapabilities(requested, granted, level);
  return host.load(fixture('as_kitchen'), {
    name: id,
    ...capabilityOptions({ plugin: id, effective, store }),
    functions: { 'extism:host/user': { reverse: () => 0n } },
  });
}

describe('network capability', () => {
  it('reaches a requested and granted host', async () => {
    const plugin = await load('net-granted', [`network:${server.hostPort}`]);
    assert.equal((await plugin.call('http_get', `${server.origin}/`)).text(), '200 hello');
  });

  it('refuses and audits when the operator did not grant it', async () => {
    const plugin = await load('net-ungranted', []);
    await rejectsWithCode(plugin.call('http_get', `${server.origin}/`), 'PERMISSION_DENIED');
    const { records } = await store.audit.query({ plugin: 'net-ungranted', limit: 10 });
    assert.equal(records.length, 1);
    assert.equal(records[0]!.capability, 'network');
    assert.equal(records[0]!.decision, 'deny');
    assert.equal(records[0]!.detail, `${server.origin}/`);
  });

  it('refuses at the paranoid level even when granted', async () => {
    const plugin = await load('net-paranoid', [`network:${server.hostPort}`], 'paranoid');
    await rejectsWithCode(plugin.call('http_get', `${server.origin}/`), 'PERMISSION_DENIED');
    assert.deepEqual(server.requests, ['GET /'], 'only the granted plugin reached the server');
  });
});
