// The `warden plugin …`, `warden vault …` and `warden audit-log` commands end to end: the real
// CLI as a child process on a temporary data directory, as an operator uses it.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { appendFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWarden, type CliResult } from '../helpers/cli.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { tgzBytes, zipBytes } from '../helpers/archives.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

/** A CLI bound to one fresh data directory. */
function operator(extraEnv: Record<string, string> = {}) {
  const dataDir = dirs.make();
  const env = { WARDEN_DATA_DIR: dataDir, WARDEN_VAULT_KEY: TEST_VAULT_KEY, ...extraEnv };
  const run = (args: string[], stdin?: string): Promise<CliResult> => runWarden(args, { env, ...(stdin !== undefined && { stdin }) });
  return { dataDir, run };
}

const ok = (r: CliResult): CliResult => {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
};

const kvSource = (name = 'notes', version = '0.1.0') =>
  writePluginDir(dirs.make(), { name, version, fixture: 'cap_kv', tools: ['kv_put', 'kv_get', 'vault_get'], capabilities: [{ storage: 'kv' }, { vault: ['token'] }] });

describe('warden plugin: install, list, info, call', () => {
  it('installs with --grant, lists, shows info and calls a tool with its grants', async () => {
    const { run } = operator();
    const installed = ok(await run(['plugin', 'install', kvSource(), '--grant', 'storage:kv']));
    assert.match(installed.stdout, /installed notes 0\.1\.0 \(enabled, risk high\)/);
    assert.match(installed.stdout, /granted  storage:kv/);
    assert.match(installed.stdout, /not granted  vault:token/);
    assert.match(installed.stdout, /warden plugin grant notes vault:token/);

    const list = ok(await run(['plugin', 'list']));
    assert.match(list.stdout, /^ID\s+VERSION\s+STATUS\s+RISK\s+TOOLS\nnotes\s+0\.1\.0\s+enabled\s+medium\s+kv_put, kv_get, vault_get\n$/);
    const json = JSON.parse(ok(await run(['plugin', 'list', '--json'])).stdout);
    assert.deepEqual(json.map((p: { id: string; status: string }) => [p.id, p.status]), [['notes', 'enabled']]);

    ok(await run(['plugin', 'call', 'notes', 'kv_put', 'colour=blue']));
    assert.equal(ok(await run(['plugin', 'call', 'notes', 'kv_get', 'colour'])).stdout, 'blue');
    assert.equal(ok(await run(['plugin', 'call', 'notes', 'kv_get'], 'colour')).stdout, 'blue'); // input on stdin

    const info = JSON.parse(ok(await run(['plugin', 'info', 'notes', '--json'])).stdout);
    assert.deepEqual([info.id, info.granted, info.signature.status, info.record.modules[0].name], ['notes', ['storage:kv'], 'missing', 'main']);
    assert.match(ok(await run(['plugin', 'info', 'notes'])).stdout, /module: {4}main sha256:[0-9a-f]{64}/);
  });

  it('installs from .zip and .tar.gz archives', async () => {
    const { run } = operator();
    const src = kvSource('zipped');
    const files = ['warden.yaml', 'plugin.wasm'].map((name) => ({ name: `zipped/${name}`, data: readFileSync(join(src, name)) }));
    const zip = join(dirs.make(), 'zipped.zip');
    writeFileSync(zip, zipBytes(files));
    ok(await run(['plugin', 'install', zip, '--yes']));
    const tgzSrc = kvSource('tarred');
    const tgz = join(dirs.make(), 'tarred.tgz');
    writeFileSync(tgz, tgzBytes(['warden.yaml', 'plugin.wasm'].map((name) => ({ name, data: readFileSync(join(tgzSrc, name)) }))));
    ok(await run(['plugin', 'install', tgz, '--yes']));
    assert.match(ok(await run(['plugin', 'list'])).stdout, /tarred[\s\S]*zipped/);
  });

  it('refuses a hostile archive with every reason and leaves no trace', async () => {
    const { run, dataDir } = operator();
    const zip = join(dirs.make(), 'evil.zip');
    writeFileSync(zip, zipBytes([{ name: '../evil.txt', data: Buffer.from('x') }, { name: '/etc/owned', data: Buffer.from('y') }]));
    const r = await run(['plugin', 'install', zip, '--yes']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /INSTALL_REFUSED/);
    assert.match(r.stderr, /evil\.txt/);
    assert.match(r.stderr, /etc\/owned/);
    assert.deepEqual(readdirSync(join(dataDir, 'staging')), []);
    assert.match(ok(await run(['plugin', 'list'])).stdout, /no plugins installed/);
  });

  it('refuses archives with symlinks, hardlinks or a decompression bomb', async () => {
    const { run, dataDir } = operator();
    const src = kvSource('boom');
    const plugin = ['warden.yaml', 'plugin.wasm'].map((name) => ({ name, data: readFileSync(join(src, name)) }));
    const cases: [string, Uint8Array, RegExp][] = [
      ['link.tgz', tgzBytes([...plugin, { name: 'passwd', type: 'symlink', linkname: '/etc/passwd' }]), /passwd/],
      ['hard.tgz', tgzBytes([...plugin, { name: 'shadow', type: 'hardlink', linkname: '/etc/shadow' }]), /shadow/],
      ['bomb.tgz', tgzBytes([...plugin, { name: 'zeros.bin', data: { zeros: 300 * 1024 * 1024 } }]), /ratio|bomb|compress/i],
    ];
    for (const [name, bytes, reason] of cases) {
      const file = join(dirs.make(), name);
      writeFileSync(file, bytes);
      const r = await run(['plugin', 'install', file, '--yes']);
      assert.equal(r.code, 1, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /INSTALL_REFUSED/);
      assert.match(r.stderr, reason);
    }
    assert.deepEqual(readdirSync(join(dataDir, 'staging')), []);
    assert.match(ok(await run(['plugin', 'list'])).stdout, /no plugins installed/);
  });

  it('without a terminal and without --grant, grants nothing', async () => {
    const { run } = operator();
    ok(await run(['plugin', 'install', kvSource()]));
    const r = await run(['plugin', 'call', 'notes', 'kv_put', 'a=1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /PERMISSION_DENIED/);
  });
});

describe('warden plugin: grants, state, config, removal', () => {
  it('grant and revoke change what a plugin may do; audit-log shows the denials', async () => {
    const { run } = operator();
    ok(await run(['plugin', 'install', kvSource()]));
    assert.equal((await run(['plugin', 'call', 'notes', 'kv_put', 'a=1'])).code, 1);
    assert.match(ok(await run(['plugin', 'grant', 'notes', 'storage:kv'])).stdout, /now holds: storage:kv/);
    ok(await run(['plugin', 'call', 'notes', 'kv_put', 'a=1']));
    ok(await run(['plugin', 'revoke', 'notes', 'storage:kv']));
    assert.equal((await run(['plugin', 'call', 'notes', 'kv_get', 'a'])).code, 1);

    const log = ok(await run(['audit-log', '--plugin', 'notes']));
    assert.match(log.stdout, /^TIME\s+PLUGIN\s+CAPABILITY\s+DECISION\s+DETAIL\s+REASON\n/);
    assert.equal(log.stdout.trim().split('\n').length, 3); // header + two denials
    const json = JSON.parse(ok(await run(['audit-log', '--capability', 'storage', '--json'])).stdout);
    assert.equal(json.total, 2);
    assert.equal((await run(['plugin', 'grant', 'notes', 'bogus:thing'])).code, 2);
  });

  it('enable and disable take effect at once', async () => {
    const { run } = operator();
    ok(await run(['plugin', 'install', kvSource(), '--yes']));
    ok(await run(['plugin', 'disable', 'notes']));
    const r = await run(['plugin', 'call', 'notes', 'kv_get', 'a']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /disabled: enable it with `warden plugin enable notes`/);
    assert.match(ok(await run(['plugin', 'list'])).stdout, /notes\s+0\.1\.0\s+disabled/);
    ok(await run(['plugin', 'enable', 'notes']));
    ok(await run(['plugin', 'call', 'notes', 'kv_get', 'a']));
  });

  it('config shows, sets and unsets typed values', async () => {
    const { run } = operator();
    const src = writePluginDir(dirs.make(), {
      name: 'conf', fixture: 'config_get', tools: ['get'],
      extra: { config: { units: { type: 'string', default: 'metric', description: 'unit system' }, retries: { type: 'number', required: true } } },
    });
    const failed = await run(['plugin', 'install', src]);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /warden plugin config conf retries <value>/);
    assert.match(ok(await run(['plugin', 'config', 'conf'])).stdout, /units = "metric" \(default\)\nretries = \(not set: required\)/);
    assert.equal((await run(['plugin', 'config', 'conf', 'retries', 'lots'])).code, 2);
    ok(await run(['plugin', 'config', 'conf', 'retries', '3']));
    ok(await run(['plugin', 'enable', 'conf']));
    assert.equal(ok(await run(['plugin', 'call', 'conf', 'get', 'retries'])).stdout, '3');
    ok(await run(['plugin', 'config', 'conf', 'units', 'imperial']));
    assert.equal(ok(await run(['plugin', 'call', 'conf', 'get', 'units'])).stdout, 'imperial');
    ok(await run(['plugin', 'config', 'conf', '--unset', 'units']));
    assert.equal(ok(await run(['plugin', 'call', 'conf', 'get', 'units'])).stdout, 'metric');
  });

  it('remove deletes the plugin and its data unless --keep-data', async () => {
    const { run, dataDir } = operator();
    const src = kvSource();
    ok(await run(['plugin', 'install', src, '--yes']));
    ok(await run(['plugin', 'call', 'notes', 'kv_put', 'a=1']));
    ok(await run(['plugin', 'remove', 'notes', '--keep-data']));
    assert.deepEqual(readdirSync(join(dataDir, 'plugins')).filter((f) => !f.startsWith('.')), []);
    ok(await run(['plugin', 'install', src, '--yes']));
    assert.equal(ok(await run(['plugin', 'call', 'notes', 'kv_get', 'a'])).stdout, '1');
    ok(await run(['plugin', 'remove', 'notes']));
    ok(await run(['plugin', 'install', src, '--yes']));
    assert.equal(ok(await run(['plugin', 'call', 'notes', 'kv_get', 'a'])).stdout, '<none>');
    const missing = await run(['plugin', 'remove', 'ghost']);
    assert.deepEqual([missing.code, /NOT_FOUND.*warden plugin list/.test(missing.stderr)], [1, true]);
  });
});

describe('warden vault', () => {
  it('sets a secret from stdin, lists names only, removes it; the value is never printed or stored in clear', async () => {
    const { run, dataDir } = operator();
    const secret = 'sk-live-0123456789abcdef';
    ok(await run(['vault', 'set', 'token'], `${secret}\n`));
    const list = ok(await run(['vault', 'list']));
    assert.equal(list.stdout, 'token\n');
    ok(await run(['plugin', 'install', kvSource(), '--yes']));
    assert.equal(ok(await run(['plugin', 'call', 'notes', 'vault_get', 'token'])).stdout, secret);
    for (const file of readdirSync(dataDir)) {
      if (file.startsWith('warden.db')) assert.ok(!readFileSync(join(dataDir, file)).includes(secret), `${file} holds the secret in clear`);
    }
    ok(await run(['vault', 'rm', 'token']));
    assert.equal((await run(['vault', 'rm', 'token'])).code, 1);
    assert.equal((await run(['vault', 'set', 'bad key'], 'x')).code, 2);
    assert.equal((await run(['vault', 'set', 'empty'], '')).code, 2);
  });
});

describe('warden plugin: audit, doctor, sign', () => {
  it('audit lists every refusal with --json and exits 1; a clean plugin passes', async () => {
    const { run } = operator();
    const bad = writePluginDir(dirs.make(), { name: 'sneaky', fixture: 'cap_kv', tools: ['kv_get', 'missing_tool'], capabilities: [] });
    const r = await run(['plugin', 'audit', bad, '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.refused, true);
    const codes = report.scan.findings.filter((f: { severity: string }) => f.severity === 'refuse').map((f: { code: string }) => f.code);
    assert.ok(codes.includes('tool-not-exported') && codes.includes('capability-not-declared'), codes.join(', '));
    assert.match(ok(await run(['plugin', 'audit', kvSource()])).stdout, /notes 0\.1\.0: passes \(risk high\)/);
  });

  it('doctor passes healthy plugins and fails a tampered one with a non-zero exit', async () => {
    const { run, dataDir } = operator();
    ok(await run(['plugin', 'install', kvSource('healthy'), '--yes']));
    ok(await run(['plugin', 'install', kvSource('tampered'), '--yes']));
    const good = JSON.parse(ok(await run(['plugin', 'doctor', '--json'])).stdout);
    assert.deepEqual(good.totals, { loaded: 2, failed: 0, disabled: 0 });
    appendFileSync(join(dataDir, 'plugins', 'tampered', 'plugin.wasm'), 'x');
    const r = await run(['plugin', 'doctor']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /FAIL {2}tampered[\s\S]*FAIL {2}files: plugin tampered changed on disk/);
    assert.match(r.stdout, /pass {2}healthy/);
    assert.match(r.stdout, /2 plugin\(s\): 1 loaded, 1 failed, 0 disabled/);
    assert.equal((await run(['plugin', 'call', 'tampered', 'kv_get', 'a'])).code, 1); // this process fails to load it
    const info = JSON.parse(ok(await run(['plugin', 'info', 'tampered', '--json'])).stdout);
    assert.deepEqual([info.status, /changed on disk/.test(info.lastError)], ['failed', true]); // and the next one says why
  });

  it('keygen + sign make a plugin installable at paranoid; an edited manifest is refused', async () => {
    const keyDir = dirs.make();
    const keyFile = join(keyDir, 'signing.pem');
    const publicKey = ok(await runWarden(['plugin', 'keygen', keyFile])).stdout.trim();
    assert.match(publicKey, /^ed25519:[A-Za-z0-9+/]{43}=$/);
    const configDir = dirs.make();
    const config = join(configDir, 'config.yaml');
    writeFileSync(config, `security_level: paranoid\ntrusted_keys: ["${publicKey}"]\n`);
    const { run } = operator({ WARDEN_CONFIG: config });
    const src = kvSource();
    const unsigned = await run(['plugin', 'install', src]);
    assert.deepEqual([unsigned.code, /SIGNATURE_INVALID/.test(unsigned.stderr)], [1, true]);
    ok(await runWarden(['plugin', 'sign', src, '--key', keyFile]));
    ok(await run(['plugin', 'install', src, '--yes']));
    writeFileSync(join(src, 'warden.yaml'), readFileSync(join(src, 'warden.yaml'), 'utf8').replace('- storage: kv', '- storage: kv\n  - network: ["evil.example"]'));
    const widened = await run(['plugin', 'install', src, '--yes']);
    assert.deepEqual([widened.code, /SIGNATURE_INVALID/.test(widened.stderr)], [1, true]);
  });
});

describe('warden CLI conventions', () => {
  it('--help on every command, with an example; unknown commands and bad flags exit 2', async () => {
    for (const cmd of [['plugin', 'install'], ['plugin', 'list'], ['plugin', 'doctor'], ['vault', 'set'], ['audit-log']]) {
      const r = ok(await runWarden([...cmd, '--help']));
      assert.match(r.stdout, new RegExp(`^Usage: warden ${cmd.join(' ')}`));
      assert.match(r.stdout, /Example:\n {2}.*warden /);
    }
    assert.match(ok(await runWarden(['plugin', '--help'])).stdout, /plugin install/);
    assert.equal((await runWarden(['plugin', 'frobnicate'])).code, 2);
    const bad = await runWarden(['plugin', 'list', '--bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Usage: warden plugin list/);
  });

  it('a config file with a typo is refused with the field path; an unknown permission only warns', async () => {
    const dir = dirs.make();
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'config.yaml'), 'security_levle: strict\n');
    const r = await runWarden(['plugin', 'list'], { env: { WARDEN_DATA_DIR: join(dir, 'data') } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CONFIG_INVALID[\s\S]*security_levle: unknown key/);
    writeFileSync(join(dir, 'data', 'config.yaml'), 'plugins:\n  notes:\n    permissions: [teleport]\n');
    const w = ok(await runWarden(['plugin', 'list'], { env: { WARDEN_DATA_DIR: join(dir, 'data') } }));
    assert.match(w.stderr, /warning: plugins\.notes\.permissions\[0\]: unknown permission "teleport" ignored/);
  });

  it('the config file\'s plugin table grants permissions and sets config', async () => {
    const dir = dirs.make();
    writeFileSync(join(dir, 'config.yaml'), 'plugins:\n  notes:\n    permissions: [storage:kv]\n');
    const env = { WARDEN_DATA_DIR: dir, WARDEN_VAULT_KEY: TEST_VAULT_KEY };
    ok(await runWarden(['plugin', 'install', kvSource()], { env }));
    ok(await runWarden(['plugin', 'call', 'notes', 'kv_put', 'a=1'], { env }));
  });
});
