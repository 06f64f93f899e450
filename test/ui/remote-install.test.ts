// Installing from a URL in the web UI, against `warden serve` with remote installs allowed: the
// package is fetched once (by the inspect step), the consent dialog says the plugin lands
// disabled, and it does. `warden serve` runs as a child so that it can trust the test server's
// certificate (NODE_EXTRA_CA_CERTS is read at start). Screenshots go to dist/test-artifacts/ui-remote/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { kvPluginDir, send, tgzOf } from '../gateway/client.js';
import { reply, startServer } from '../helpers/http-server.js';
import { serveWarden } from '../helpers/serve.js';
import { selfSignedIdentity } from '../helpers/tls.js';
import { tempDirs } from '../storage/sqlite-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'dist', 'test-artifacts', 'ui-remote');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (scripts/install-system-deps.sh installs Debian's chromium)`;

const dirs = tempDirs();
let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  dirs.removeAll();
});

describe('ui: install from a URL', { skip }, () => {
  it('fetches the package once, says in the consent dialog that it lands disabled, and installs it disabled', async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const identity = selfSignedIdentity();
    const tgz = Buffer.from(tgzOf(kvPluginDir(dirs.make(), { name: 'remote' })));
    let fetches = 0;
    const packages = await startServer((_req, res) => {
      fetches++;
      reply(res, 200, tgz, { 'content-type': 'application/gzip' });
    }, identity);
    try {
      const dataDir = dirs.make();
      writeFileSync(join(dataDir, 'config.yaml'), 'allow_remote_install: true\nallowed_addresses: [127.0.0.1]\n');
      const caFile = join(dirs.make(), 'ca.pem');
      writeFileSync(caFile, identity.cert);
      const served = await serveWarden(dataDir, [], { NODE_EXTRA_CA_CERTS: caFile });
      const port = Number(new URL(served.url).port);

      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
      const page = await browser.newPage();
      await page.goto(served.url);
      await page.fill('#token', served.token!);
      await page.click('#login button[type=submit]');
      await page.locator('header nav').waitFor();
      await page.click('[data-nav=install]');
      await page.fill('#package-url', `https://127.0.0.1:${packages.port}/remote.tgz`);
      await page.click('#install button[type=submit]');

      const dialog = page.locator('dialog#consent');
      await dialog.waitFor();
      assert.equal(await dialog.locator('#consent-sha256').innerText(), createHash('sha256').update(tgz).digest('hex'));
      assert.match(await dialog.locator('#consent-remote').innerText(), /installed disabled/);
      await page.screenshot({ path: join(ARTIFACTS, 'consent-remote.png'), fullPage: true });
      await dialog.locator('[data-consent="storage:kv"]').check();
      await page.click('#consent-install');
      await page.locator('#plugin[data-plugin=remote]').waitFor();

      const detail = await send(port, 'GET', '/api/plugins/remote', { authorization: `Bearer ${served.token}` });
      assert.deepEqual([detail.status, detail.body.enabled, detail.body.granted], [200, false, ['storage:kv']]);
      assert.equal(fetches, 1, 'downloaded once: the install used the inspected bytes');
      assert.equal(await served.stop(), 0);
    } finally {
      await packages.close();
    }
  });
});
