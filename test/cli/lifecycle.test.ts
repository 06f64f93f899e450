// The lifecycle through the real CLI: an upgrade that widens permissions, reload, a process
// killed in the middle of an install, and module files swapped while plugins load.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runWarden, startWarden, type CliResult } from '../helpers/cli.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { tarBytes, tgzBytes } from '../helpers/archives.js';
import { reply, startServer } from '../helpers/http-server.js';
import { selfSignedIdentity } from '../helpers/tls.js';
import { fixture } from '../helpers/fixture.js';
import { Warden } from '../../src/warden/index.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

function operator() {
  const dataDir = dirs.make();
  const env = { WARDEN_DATA_DIR: dataDir, WARDEN_VAULT_KEY: TEST_VAULT_KEY };
  return { dataDir, env, run: (args: string[], stdin?: string) => runWarden(args, { env, ...(stdin !== undefined && { stdin }) }) };
}

/** The names in a folder; none when it does not exist (yet). */
const entries = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir) : []);

const ok = (r: CliResult): CliResult => {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
};

const kv = (name: string, version: string, vault: string[]) =>
  writePluginDir(dirs.make(), { name, version, fixture: 'cap_kv', tools: ['kv_put', 'kv_get'], capabilities: [{ storage: 'kv' }, { vault }] });

describe('upgrades and reload through the CLI', () => {
  it('an upgrade that asks for more waits disabled for consent; the old version serves until then', async () => {
    const { run } = operator();
    ok(await run(['plugin', 'install', kv('shop', '1.0.0', ['k']), '--grant', 'storage:kv']));
    ok(await run(['plugin', 'call', 'shop', 'kv_put', 'a=1']));
    const up = ok(await run(['plugin', 'install', kv('shop', '2.0.0', ['k', 'payments'])]));
    assert.match(up.stdout, /shop 2\.0\.0 waits for your consent: it also requests vault:payments/);
    assert.match(ok(await run(['plugin', 'list'])).stdout, /shop\s+1\.0\.0\s+pending-consent/);
    assert.equal(ok(await run(['plugin', 'call', 'shop', 'kv_get', 'a'])).stdout, '1');
    assert.match(ok(await run(['plugin', 'info', 'shop'])).stdout, /pending: {3}version 2\.0\.0 waits for consent/);
    ok(await run(['plugin', 'enable', 'shop']));
    assert.match(ok(await run(['plugin', 'list'])).stdout, /shop\s+2\.0\.0\s+enabled/);
    assert.equal(ok(await run(['plugin', 'call', 'shop', 'kv_get', 'a'])).stdout, '1');
  });

  it('reload picks up changed files and reports invalid ones without losing the installed version', async () => {
    const { run, dataDir } = operator();
    ok(await run(['plugin', 'install', writePluginDir(dirs.make(), { name: 'echoer', fixture: 'echo', tools: ['echo'] })]));
    const folder = join(dataDir, 'plugins', 'echoer');
    writeFileSync(join(folder, 'plugin.wasm'), 'not wasm');
    const bad = await run(['plugin', 'reload', 'echoer']);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /echoer: failed/);
    cpSync(writePluginDir(dirs.make(), { name: 'echoer', version: '0.2.0', fixture: 'echo', tools: ['echo'] }), folder, { recursive: true });
    assert.match(ok(await run(['plugin', 'reload'])).stdout, /echoer: reloaded/);
    assert.equal(ok(await run(['plugin', 'call', 'echoer', 'echo', 'hi'])).stdout, 'hi');
  });
});

describe('remote install', () => {
  it('installs from an https URL only when allowed, under the network rules, and lands disabled', async () => {
    const identity = selfSignedIdentity();
    const src = kv('remote', '1.0.0', ['k']);
    const tgz = tgzBytes(['warden.yaml', 'plugin.wasm'].map((name) => ({ name, data: readFileSync(join(src, name)) })));
    const server = await startServer((_req, res) => reply(res, 200, tgz, { 'content-type': 'application/gzip' }), identity);
    try {
      const caFile = join(dirs.make(), 'ca.pem');
      writeFileSync(caFile, identity.cert);
      const url = `https://127.0.0.1:${server.port}/remote.tgz`;
      const { dataDir, env } = operator();
      const run = (args: string[]) => runWarden(args, { env: { ...env, NODE_EXTRA_CA_CERTS: caFile } });
      const off = await run(['plugin', 'install', url, '--yes']);
      assert.deepEqual([off.code, /allow_remote_install/.test(off.stderr)], [1, true]);
      writeFileSync(join(dataDir, 'config.yaml'), 'allow_remote_install: true\n');
      const loopback = await run(['plugin', 'install', url, '--yes']);
      assert.deepEqual([loopback.code, /PERMISSION_DENIED/.test(loopback.stderr)], [1, true]); // 127.0.0.1 is not allowed
      writeFileSync(join(dataDir, 'config.yaml'), 'allow_remote_install: true\nallowed_addresses: [127.0.0.1]\n');
      const installed = ok(await run(['plugin', 'install', url, '--yes']));
      assert.match(installed.stdout, /installed remote 1\.0\.0 \(disabled/);
      assert.match(ok(await run(['plugin', 'list'])).stdout, /remote\s+1\.0\.0\s+disabled/);
      ok(await run(['plugin', 'enable', 'remote']));
      ok(await run(['plugin', 'call', 'remote', 'kv_put', 'a=1']));
    } finally {
      await server.close();
    }
  });
});

describe('crash safety', () => {
  it('a process killed at any moment of an install leaves the plugin fully installed or not at all', async () => {
    const src = kv('heavy', '1.0.0', ['k']);
    const archive = join(dirs.make(), 'heavy.tar');
    writeFileSync(archive, tarBytes([
      { name: 'warden.yaml', data: readFileSync(join(src, 'warden.yaml')) },
      { name: 'plugin.wasm', data: readFileSync(join(src, 'plugin.wasm')) },
      { name: 'padding.bin', data: { zeros: 96 * 1024 * 1024 } },
    ]));
    const outcomes = new Set<string>();
    for (const delay of [30, 120, 250, 400, 600, 800, 1100, 1500]) {
      const { run, env, dataDir } = operator();
      const child = startWarden(['plugin', 'install', archive, '--yes'], env);
      await sleep(delay);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('close', resolve));
      const list = JSON.parse(ok(await run(['plugin', 'list', '--json'])).stdout) as { id: string; status: string }[];
      assert.deepEqual(entries(join(dataDir, 'staging')), [], 'the next start cleans the staging folder');
      if (list.length === 0) {
        outcomes.add('absent');
        assert.deepEqual(entries(join(dataDir, 'plugins')), [], 'no files without a record');
      } else {
        outcomes.add('installed');
        assert.deepEqual(list.map((p) => [p.id, p.status]), [['heavy', 'enabled']]);
        ok(await run(['plugin', 'doctor']));
        ok(await run(['plugin', 'call', 'heavy', 'kv_put', 'a=1']));
      }
    }
    assert.ok(outcomes.has('absent'), 'at least one kill landed before the commit');
  });

  it('module files swapped while plugins load: only the recorded bytes ever run', async () => {
    const dataDir = dirs.make();
    const vaultKey = Buffer.from(TEST_VAULT_KEY, 'hex');
    let w = await Warden.open({ dataDir, vaultKey });
    await w.install(writePluginDir(dirs.make(), { name: 'swapped', fixture: 'echo', tools: ['echo'] }));
    await w.close();
    const target = join(dataDir, 'plugins', 'swapped', 'plugin.wasm');
    const good = join(dirs.make(), 'good.wasm');
    const evil = join(dirs.make(), 'evil.wasm');
    writeFileSync(good, fixture('echo'));
    writeFileSync(evil, fixture('spin')); // a different, valid module
    // Another process rewrites the module as fast as it can, alternating the two versions.
    const writer = spawn(process.execPath, ['-e', `
      const fs = require('fs'); const files = [fs.readFileSync(${JSON.stringify(good)}), fs.readFileSync(${JSON.stringify(evil)})];
      for (let i = 0; ; i++) fs.writeFileSync(${JSON.stringify(target)}, files[i % 2]);
    `], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 25; i++) {
        w = await Warden.open({ dataDir, vaultKey });
        const [p] = await w.list();
        if (p?.loaded) {
          assert.equal((await w.call('swapped', 'echo', 'mine')).text(), 'mine');
        } else {
          assert.match(p?.lastError ?? '', /changed on disk|not a valid|cannot read|missing/);
        }
        await w.close();
      }
    } finally {
      writer.kill('SIGKILL');
    }
  });
});
