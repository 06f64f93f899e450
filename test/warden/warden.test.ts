// The Warden end to end through its library API: install from a plugin directory, grants
// enforced through real plugins, persistence across a restart, delegation by risk, host tools,
// channel plugins, config, and files changed on disk.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Warden, type WardenOptions } from '../../src/warden/index.js';
import { parseManifest } from '../../src/manifest/index.js';
import { formatSignatureFile, generateSigningKey, signPlugin } from '../../src/trust/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { wardenHarness } from '../helpers/warden.js';

const harness = wardenHarness();
const { dirs } = harness;
const open = (dataDir = dirs.make(), options: Partial<WardenOptions> = {}): Promise<Warden> => harness.open({ dataDir, ...options });

const kvPlugin = (root: string, name: string, extra: Partial<Parameters<typeof writePluginDir>[1]> = {}) =>
  writePluginDir(root, { name, fixture: 'cap_kv', tools: ['kv_put', 'kv_get', 'kv_list', 'vault_get'], capabilities: [{ storage: 'kv' }, { vault: ['k'] }], ...extra });
// cap_tool imports warden_cli_run, so it must declare cli (high risk); granting only its tools keeps it medium.
const toolPlugin = (root: string, name: string, tools: string[]) =>
  writePluginDir(root, { name, fixture: 'cap_tool', tools: ['delegate', 'echo'], capabilities: [{ tool: tools }, { cli: [{ command: '/bin/true', args: [] }] }] });
const toolGrants = (tools: string[]) => ({ grant: tools.map((t) => `tool:${t}`) });

describe('Warden: install, grants and persistence', () => {
  it('installs a plugin directory; a granted capability works and survives a restart', async () => {
    const dataDir = dirs.make();
    const src = kvPlugin(dirs.make(), 'notes');
    let w = await open(dataDir);
    const result = await w.install(src, { grant: ['storage:kv'] });
    assert.deepEqual([result.id, result.version, result.granted, result.upgraded, result.enabled], ['notes', '0.1.0', ['storage:kv'], false, true]);
    await w.call('notes', 'kv_put', 'greeting=hello');
    await w.close();

    w = await open(dataDir);
    assert.equal((await w.call('notes', 'kv_get', 'greeting')).text(), 'hello');
    const [summary] = await w.list();
    assert.deepEqual(summary, { id: 'notes', version: '0.1.0', status: 'installed', enabled: true, loaded: true, risk: 'medium', tools: ['kv_put', 'kv_get', 'kv_list', 'vault_get'] });
  });

  it('grants nothing by default: the use is denied and audited; grant and revoke take effect at once', async () => {
    const w = await open();
    await w.install(kvPlugin(dirs.make(), 'jar'));
    await rejectsWithCode(w.call('jar', 'kv_put', 'a=1'), 'PERMISSION_DENIED');
    const denied = await w.audit({ plugin: 'jar', decision: 'deny' });
    assert.equal(denied.total, 1);
    assert.equal(denied.records[0]!.capability, 'storage');

    assert.deepEqual(await w.grant('jar', ['storage:kv']), ['storage:kv']);
    await w.call('jar', 'kv_put', 'a=1');
    assert.equal((await w.call('jar', 'kv_get', 'a')).text(), '1');
    assert.equal(await w.revoke('jar', ['storage:kv']), 1);
    await rejectsWithCode(w.call('jar', 'kv_get', 'a'), 'PERMISSION_DENIED');
  });

  it('keeps two plugins\' data apart whatever the keys hold', async () => {
    const w = await open();
    const root = dirs.make();
    await w.install(kvPlugin(root, 'alpha'), { grant: 'all' });
    await w.install(kvPlugin(root, 'beta'), { grant: 'all' });
    await w.call('alpha', 'kv_put', '__proto__=alpha secret');
    await w.call('alpha', 'kv_put', '../beta/x=alpha');
    assert.equal((await w.call('beta', 'kv_get', '__proto__')).text(), '<none>');
    assert.equal((await w.call('beta', 'kv_list', '')).text(), '[]');
    assert.equal((await w.call('alpha', 'kv_get', '__proto__')).text(), 'alpha secret');
  });

  it('a missing secret and a forbidden one look the same to the plugin; both are audited', async () => {
    const w = await open();
    await w.install(kvPlugin(dirs.make(), 'vaulted', { capabilities: [{ storage: 'kv' }, { vault: ['present', 'absent'] }] }), { grant: ['vault:present', 'vault:absent'] });
    await w.store.vault.set('present', 's3cret');
    await w.store.vault.set('other', 'not yours');
    assert.equal((await w.call('vaulted', 'vault_get', 'present')).text(), 's3cret');
    assert.equal((await w.call('vaulted', 'vault_get', 'absent')).text(), '<none>');
    assert.equal((await w.call('vaulted', 'vault_get', 'other')).text(), '<none>');
    const reasons = (await w.audit({ plugin: 'vaulted', capability: 'vault', decision: 'deny' })).records.map((r) => [r.detail, r.reason]).sort();
    assert.deepEqual(reasons, [['vault get "absent"', 'no such secret'], ['vault get "other"', 'not covered by the grant']]);
  });

  it('a grant for something not requested is reported and has no effect', async () => {
    const w = await open();
    const r = await w.install(kvPlugin(dirs.make(), 'modest'), { grant: ['storage:kv', 'vault:root'] });
    assert.deepEqual(r.granted, ['storage:kv', 'vault:root']);
    assert.match(r.warnings.join('\n'), /vault:root.*no effect/);
    const info = await w.info('modest');
    assert.deepEqual(info.effective?.map((c) => c.kind).sort(), ['config', 'context', 'storage']);
  });

  it('refuses a call to a disabled plugin, a missing plugin or an undeclared export, with advice', async () => {
    const w = await open();
    await w.install(kvPlugin(dirs.make(), 'sleepy'), { grant: 'all' });
    await w.disable('sleepy');
    await rejectsWithCode(w.call('sleepy', 'kv_get', 'a'), 'NOT_FOUND', 'warden plugin enable sleepy');
    await w.enable('sleepy');
    assert.equal((await w.call('sleepy', 'kv_get', 'a')).text(), '<none>');
    await rejectsWithCode(w.call('ghost', 'x'), 'NOT_FOUND', 'warden plugin list');
    await rejectsWithCode(w.call('sleepy', 'kv_delete', 'a'), 'NOT_FOUND', 'no tool "kv_delete"'); // exported but not declared
  });

  it('remove deletes files, grants and data unless kept', async () => {
    const dataDir = dirs.make();
    const w = await open(dataDir);
    const src = kvPlugin(dirs.make(), 'gone');
    await w.install(src, { grant: 'all' });
    await w.call('gone', 'kv_put', 'k=v');
    await w.remove('gone', { keepData: true });
    assert.equal(existsSync(join(dataDir, 'plugins', 'gone')), false);
    assert.deepEqual(await w.list(), []);
    await w.install(src, { grant: 'all' });
    assert.equal((await w.call('gone', 'kv_get', 'k')).text(), 'v');
    await w.remove('gone');
    await w.install(src, { grant: 'all' });
    assert.equal((await w.call('gone', 'kv_get', 'k')).text(), '<none>');
  });
});

describe('Warden: security levels', () => {
  it('relaxed grants what was requested; paranoid requires a trusted signature and removes vault whatever was granted', async () => {
    const src = kvPlugin(dirs.make(), 'lv', { capabilities: [{ storage: 'kv' }, { vault: ['k'] }] });
    const relaxed = await open(dirs.make(), { securityLevel: 'relaxed' });
    await relaxed.install(src);
    await relaxed.call('lv', 'kv_put', 'a=1');
    const key = generateSigningKey();
    const paranoid = await open(dirs.make(), { securityLevel: 'paranoid', trustedKeys: [key.publicKey] });
    await rejectsWithCode(paranoid.install(src, { grant: 'all' }), 'SIGNATURE_INVALID', 'not signed');
    const { manifest } = parseManifest(readFileSync(join(src, 'warden.yaml'), 'utf8'));
    const modules = [{ name: 'main', sha256: createHash('sha256').update(readFileSync(join(src, 'plugin.wasm'))).digest('hex') }];
    writeFileSync(join(src, 'warden.sig'), formatSignatureFile(signPlugin(manifest, modules, key.privateKeyPem)));
    await paranoid.install(src, { grant: 'all' });
    await paranoid.store.vault.set('k', 'v');
    assert.equal((await paranoid.call('lv', 'vault_get', 'k')).text(), '<none>');
    await paranoid.call('lv', 'kv_put', 'a=1');
  });
});

describe('Warden: delegation', () => {
  it('routes plugin.tool to another plugin, which runs with its own grants', async () => {
    const w = await open();
    const root = dirs.make();
    await w.install(kvPlugin(root, 'store'), { grant: ['storage:kv'] }); // medium, as the caller
    await w.install(toolPlugin(root, 'caller', ['store.kv_put', 'store.kv_get']), toolGrants(['store.kv_put', 'store.kv_get']));
    await w.call('caller', 'delegate', 'store.kv_put x=42');
    assert.equal((await w.call('caller', 'delegate', 'store.kv_get x')).text(), '42');
    assert.equal((await w.store.kv.get('caller', 'x')), undefined); // written in the callee's scope
  });

  it('refuses a callee whose risk is above the caller\'s, and audits it', async () => {
    const w = await open();
    const root = dirs.make();
    await w.install(kvPlugin(root, 'secrets'), { grant: 'all' }); // high
    await w.install(toolPlugin(root, 'lowly', ['secrets.vault_get']), toolGrants(['secrets.vault_get'])); // medium
    await w.store.vault.set('k', 'v');
    await rejectsWithCode(w.call('lowly', 'delegate', 'secrets.vault_get k'), 'PERMISSION_DENIED');
    const denial = (await w.audit({ plugin: 'lowly', capability: 'tool', decision: 'deny' })).records[0];
    assert.match(denial?.reason ?? '', /high risk/);
    // A caller that holds a high-risk grant itself may reach it.
    await w.install(toolPlugin(root, 'trusted', ['secrets.vault_get']), { grant: 'all' }); // cli granted: high
    assert.equal((await w.call('trusted', 'delegate', 'secrets.vault_get k')).text(), 'v');
  });

  it('calls the host\'s own tools by bare name, with their risk checked', async () => {
    const seen: string[] = [];
    const w = await open(dirs.make(), {
      tools: {
        shout: { description: 'upper-cases', handler: (input, req) => { seen.push(req.caller); return new TextDecoder().decode(input).toUpperCase(); } },
        reboot: { description: 'dangerous', risk: 'high', handler: () => 'rebooted' },
      },
    });
    await w.install(toolPlugin(dirs.make(), 'asker', ['shout', 'reboot']), toolGrants(['shout', 'reboot']));
    assert.equal((await w.call('asker', 'delegate', 'shout hey')).text(), 'HEY');
    assert.deepEqual(seen, ['asker']);
    await rejectsWithCode(w.call('asker', 'delegate', 'reboot now'), 'PERMISSION_DENIED');
  });
});

describe('Warden: channels, config and integrity', () => {
  it('delivers channel messages to a channel plugin through its tool', async () => {
    const w = await open(dirs.make(), { channels: { alerts: { plugin: 'sink', tool: 'kv_put' } } });
    const root = dirs.make();
    await w.install(kvPlugin(root, 'sink'), { grant: ['storage:kv'] }); // medium: reachable from a medium sender
    await w.install(writePluginDir(root, { name: 'sender', fixture: 'cap_misc', tools: ['send'], capabilities: [{ channel: 'send' }, { memory: 'read' }] }), { grant: 'all' });
    assert.equal((await w.call('sender', 'send', 'alerts:k=v')).text(), '0');
    assert.deepEqual((await w.store.kv.list('sink', '')).keys, ['{"plugin":"sender","channel":"alerts","text":"k']);
  });

  it('passes declared config (operator value, else default) and refuses to load without a required key', async () => {
    const w = await open();
    const src = writePluginDir(dirs.make(), {
      name: 'conf', fixture: 'config_get', tools: ['get'],
      extra: { config: { greeting: { type: 'string', default: 'hi' }, token: { type: 'string', required: true }, retries: { type: 'number', default: 3 } } },
    });
    await rejectsWithCode(w.install(src), 'INVALID_ARGUMENT', 'warden plugin config conf token');
    assert.equal((await w.list())[0]?.status, 'failed');
    await w.setConfig('conf', 'token', 'abc');
    await w.enable('conf');
    assert.equal((await w.call('conf', 'get', 'greeting')).text(), 'hi');
    assert.equal((await w.call('conf', 'get', 'token')).text(), 'abc');
    await w.setConfig('conf', 'retries', '5');
    assert.equal((await w.call('conf', 'get', 'retries')).text(), '5');
    await rejectsWithCode(w.setConfig('conf', 'retries', 'many'), 'INVALID_ARGUMENT');
    await rejectsWithCode(w.setConfig('conf', 'undeclared', 'x'), 'NOT_FOUND');
  });

  it('marks a plugin whose module changed on disk as failed and keeps serving the others', async () => {
    const dataDir = dirs.make();
    let w = await open(dataDir);
    const root = dirs.make();
    await w.install(kvPlugin(root, 'tampered'), { grant: 'all' });
    await w.install(kvPlugin(root, 'intact'), { grant: 'all' });
    await w.close();
    appendFileSync(join(dataDir, 'plugins', 'tampered', 'plugin.wasm'), Buffer.from([0, 1, 2]));
    w = await open(dataDir);
    const tampered = (await w.list()).find((p) => p.id === 'tampered');
    assert.equal(tampered?.status, 'failed');
    assert.match(tampered?.lastError ?? '', /changed on disk/);
    await rejectsWithCode(w.call('tampered', 'kv_get', 'a'), 'NOT_FOUND', 'failed to load');
    assert.equal((await w.call('intact', 'kv_get', 'a')).text(), '<none>');
  });

  it('an upgrade keeps the grants the new version still requests, and leaves no staging behind', async () => {
    const dataDir = dirs.make();
    const w = await open(dataDir);
    const root = dirs.make();
    await w.install(kvPlugin(root, 'evolving'), { grant: 'all' });
    const r = await w.install(kvPlugin(root, 'evolving', { version: '0.2.0', capabilities: [{ storage: 'kv' }, { vault: ['k'] }] }));
    assert.deepEqual([r.upgraded, r.version, r.granted, r.pendingConsent], [true, '0.2.0', ['storage:kv', 'vault:k'], undefined]);
    await w.call('evolving', 'kv_put', 'a=1');
    assert.deepEqual(readdirSync(join(dataDir, 'staging')), []);
  });

  it('an upgrade that asks for more waits for consent while the old version keeps serving', async () => {
    const w = await open();
    const root = dirs.make();
    await w.install(kvPlugin(root, 'greedy'), { grant: ['storage:kv'] });
    await w.call('greedy', 'kv_put', 'a=1');
    const r = await w.install(kvPlugin(root, 'greedy', { version: '0.2.0', capabilities: [{ storage: 'kv' }, { vault: ['k', 'master'] }] }));
    assert.deepEqual([r.pendingConsent, r.enabled], [['vault:master'], false]);
    const info = await w.info('greedy');
    assert.deepEqual([info.version, info.status, info.loaded, info.pending?.version], ['0.1.0', 'pending-consent', true, '0.2.0']);
    assert.equal((await w.call('greedy', 'kv_get', 'a')).text(), '1'); // the old version still serves
    await w.enable('greedy'); // consent
    const after = await w.info('greedy');
    assert.deepEqual([after.version, after.status, after.granted], ['0.2.0', 'installed', ['storage:kv']]);
    assert.equal((await w.call('greedy', 'kv_get', 'a')).text(), '1');
    // Granting the new capability at install time is consent too.
    const r3 = await w.install(kvPlugin(root, 'greedy', { version: '0.3.0', capabilities: [{ storage: 'kv' }, { vault: ['k', 'master', 'extra'] }] }), { grant: ['vault:extra'] });
    assert.deepEqual([r3.pendingConsent, r3.version, (await w.info('greedy')).version], [undefined, '0.3.0', '0.3.0']);
  });
});
