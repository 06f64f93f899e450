// The web UI in headless Chromium (playwright-core over Debian's /usr/bin/chromium): sign in with
// the token, install with consent, try tools, see a denial, edit config, toggle, filter the audit
// log, switch language; pages follow changes made through the REST API live, without wiping what
// is being typed; plugin text is never parsed as HTML; nothing trips the CSP. Screenshots go to
// dist/test-artifacts/ui/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { createGateway } from '../../src/gateway/server.js';
import { kvPluginDir, startGateway, tgzOf, UPLOAD, type TestGateway } from '../gateway/client.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'dist', 'test-artifacts', 'ui');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (scripts/install-system-deps.sh installs Debian's chromium)`;

let g: TestGateway;
let browser: Browser;
let page: Page;
let base: string;
const problems: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

type Marked = { __sameWindow?: boolean };
/** Marks the window, so that `sameWindow` can tell the page was neither reloaded nor left. */
const markWindow = () => page.evaluate(() => void ((window as unknown as Marked).__sameWindow = true));
const sameWindow = () => page.evaluate(() => (window as unknown as Marked).__sameWindow === true);

const latestDenial = async (): Promise<number> => (await g.req('GET', '/api/audit?plugin=notes&decision=deny&limit=1')).body.records[0]?.id ?? 0;
/** Calls one of notes' tools through the REST API where a missing grant refuses it; returns the id of the denial it wrote. */
async function denyThroughRest(tool: string, input: string): Promise<number> {
  const before = await latestDenial();
  const r = await g.req('POST', `/api/plugins/notes/tools/${tool}`, { body: JSON.stringify(input), headers: { 'content-type': 'application/json' } });
  const id = await latestDenial();
  assert.ok(id > before, `a new denial (${r.status} ${r.text})`);
  return id;
}

describe('ui: in a real browser', { skip }, () => {
  before(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    g = await startGateway();
    base = `http://127.0.0.1:${g.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
    page = await browser.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('dialog', (d) => void d.accept());
  });
  after(async () => {
    await browser?.close();
  });

  it('shows the login screen, refuses a wrong token and signs in with the right one', async () => {
    await page.goto(base);
    await page.locator('#login').waitFor();
    await page.fill('#token', 'wdn_wrong');
    await page.click('#login button[type=submit]');
    await page.locator('#login [role=alert]', { hasText: /not valid/ }).waitFor();
    await shot('01-login');
    await page.fill('#token', g.token);
    await page.click('#login button[type=submit]');
    await page.locator('header nav').waitFor();
    await page.getByText('No plugins installed.').waitFor();
  });

  it('installs with consent: requested capabilities and their risk are listed, only the ticked one is granted', async () => {
    const posts: string[] = [];
    const onRequest = (r: Request) => void (r.method() === 'POST' && posts.push(`${r.headers()['content-type']} ${new URL(r.url()).pathname}`));
    page.on('request', onRequest);
    await page.click('[data-nav=install]');
    const tgz = Buffer.from(tgzOf(kvPluginDir(g.dirs.make())));
    await page.setInputFiles('#package', { name: 'notes.tgz', mimeType: 'application/gzip', buffer: tgz });
    await page.click('#install button[type=submit]');
    const dialog = page.locator('dialog#consent');
    await dialog.waitFor();
    assert.equal(await dialog.locator('#consent-sha256').innerText(), createHash('sha256').update(tgz).digest('hex'));
    assert.deepEqual(await dialog.locator('[data-consent]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), ['storage:kv', 'vault:token']);
    assert.equal(await dialog.locator('[data-consent]:checked').count(), 0, 'nothing is ticked by default');
    assert.ok(await dialog.locator('.badge[class*=risk-]').count() >= 3, 'overall risk and one badge per capability');
    await shot('02-consent');
    await dialog.locator('[data-consent="vault:token"]').check();
    await page.click('#consent-install');
    await page.locator('#plugin[data-plugin=notes]').waitFor();
    assert.deepEqual((await g.req('GET', '/api/plugins/notes')).body.granted, ['vault:token']);
    assert.equal(await page.locator('#capabilities [data-grant="storage:kv"] button.grant').count(), 1);
    page.off('request', onRequest);
    assert.deepEqual(posts, ['application/octet-stream /api/plugins/inspect', 'application/json /api/plugins'], 'uploaded once, installed by its stage');
  });

  it('installs from a URL through the same inspect step: refused with advice while remote installs are off', async () => {
    await page.click('[data-nav=install]');
    await page.fill('#package-url', 'https://plugins.example/notes.tgz');
    await page.click('#install button[type=submit]');
    const error = page.locator('#install .error');
    await error.waitFor();
    assert.match(await error.innerText(), /allow_remote_install/);
    assert.equal(await page.locator('dialog#consent').count(), 0, 'no consent dialog for a package that was never fetched');
    await page.evaluate(() => (location.hash = '#/plugin/notes')); // back where the next tests start
    await page.locator('#plugin[data-plugin=notes]').waitFor();
  });

  const run = async (tool: string, input: string) => {
    const form = page.locator(`form[data-try="${tool}"]`);
    await form.locator('textarea').fill(input);
    await form.locator('button[type=submit]').click();
    await form.locator('.tool-output pre, .tool-output .error').waitFor();
    return form.locator('.tool-output');
  };

  it('a tool call that uses an ungranted capability shows PERMISSION_DENIED and appears in recent denials', async () => {
    const denied = await run('kv_put', 'name=Ada');
    assert.match(String(await denied.textContent()), /PERMISSION_DENIED/);
    await shot('03-denied');
    await page.locator('#recent tr.decision-deny').first().waitFor();
    assert.match(String(await page.locator('#recent').textContent()), /storage/);
  });

  it('a denial caused through the REST API appears in the page\'s recent denials without a reload', async () => {
    await markWindow();
    const row = page.locator(`#recent tr[data-audit="${await denyThroughRest('kv_put', 'via=rest')}"]`);
    await row.waitFor();
    assert.match(String(await row.textContent()), /storage/);
    assert.ok(await sameWindow(), 'no reload');
  });

  it('grants and revokes from the plugin page, then tries tools: outputs are shown as text', async () => {
    await page.click('#capabilities [data-grant="vault:token"] button.revoke');
    await page.locator('#capabilities [data-grant="vault:token"] button.grant').waitFor();
    assert.deepEqual((await g.req('GET', '/api/plugins/notes')).body.granted, []);
    await page.click('#capabilities [data-grant="storage:kv"] button.grant');
    await page.locator('#capabilities [data-grant="storage:kv"] button.revoke').waitFor();
    assert.deepEqual((await g.req('GET', '/api/plugins/notes')).body.granted, ['storage:kv']);
    await run('kv_put', 'name=<img src=x id=xss>');
    const out = await run('kv_get', 'name');
    assert.equal(await out.locator('pre').textContent(), '<img src=x id=xss>', 'a plugin output is text');
    assert.equal(await page.locator('#xss').count(), 0);
    await shot('04-tools');
  });

  it('edits config: a value of the wrong type is refused in the page, a good one is saved', async () => {
    const retries = page.locator('#config input[name=retries]');
    await retries.fill('many');
    await page.click('#config button[type=submit]');
    await page.locator('#config [data-config=retries] .error-text', { hasText: /number/ }).waitFor();
    await retries.fill('5');
    await page.locator('#config input[name=greeting]').fill('<b>hello</b>');
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/plugins/notes') && r.request().method() === 'GET'), page.click('#config button[type=submit]')]);
    await page.locator('#config').waitFor();
    assert.equal(await page.locator('#config input[name=retries]').inputValue(), '5');
    assert.deepEqual((await g.req('GET', '/api/plugins/notes')).body.config.values, { retries: 5, greeting: '<b>hello</b>' });
    assert.match(String(await page.locator('#security #findings').textContent()), /undeclared-export/, 'the scan of the installed files');
    assert.match(String(await page.locator('#security .hash code').first().textContent()), /^[0-9a-f]{64}$/);
    await shot('05-plugin');
  });

  it('a plugin page follows REST changes live, but leaves what is being typed in the config editor alone', async () => {
    await markWindow();
    assert.equal((await g.req('POST', '/api/plugins/notes/disable')).status, 200);
    await page.locator('#plugin-status.status-installed').waitFor();
    const greeting = page.locator('#config input[name=greeting]');
    await greeting.fill('typing in progress');
    assert.equal((await g.req('POST', '/api/plugins/notes/enable')).status, 200);
    await page.locator('#stale').waitFor();
    assert.equal(await greeting.inputValue(), 'typing in progress');
    assert.ok(await greeting.evaluate((el) => el === document.activeElement), 'the field keeps the focus');
    assert.equal(await page.locator('#plugin-status.status-installed').count(), 1, 'the page is left as it was, with the notice');
    await shot('05b-stale');
    await page.click('#stale button');
    await page.locator('#plugin-status.status-serving').waitFor();
    assert.equal(await page.locator('#config input[name=greeting]').inputValue(), '<b>hello</b>', 'the saved value, once the user asked');
    assert.equal(await page.locator('#stale').count(), 0);
    assert.ok(await sameWindow(), 'no reload');
  });

  it('toggles a plugin off and on from the list', async () => {
    await page.click('[data-nav=plugins]');
    const toggle = page.locator('[data-toggle=notes]');
    await toggle.waitFor();
    assert.equal(await page.locator('[data-tools=notes]').textContent(), '3');
    assert.match(String(await page.locator('[data-caps=notes] [data-cap="storage:kv"]').getAttribute('class')), /risk-(low|medium|high) is-granted/);
    assert.match(String(await page.locator('[data-caps=notes] [data-cap="vault:token"]').getAttribute('class')), /risk-(low|medium|high) not-granted/);
    await toggle.uncheck();
    await page.locator('[data-plugin=notes] .status-installed').waitFor();
    assert.equal((await g.req('GET', '/api/plugins/notes')).body.enabled, false);
    await page.locator('[data-toggle=notes]').check();
    await page.locator('[data-plugin=notes] .status-serving').waitFor();
    assert.equal((await g.req('GET', '/api/plugins/notes')).body.enabled, true);
    await shot('06-plugins');
  });

  it('the plugin list follows enable, disable, install and remove through the REST API, without a reload', async () => {
    await markWindow();
    await page.locator('#live.live-up').waitFor();
    assert.equal((await g.req('POST', '/api/plugins/notes/disable')).status, 200);
    await page.locator('[data-plugin=notes] .status-installed').waitFor();
    assert.equal(await page.locator('[data-toggle=notes]').isChecked(), false);
    assert.equal((await g.req('POST', '/api/plugins/notes/enable')).status, 200);
    await page.locator('[data-plugin=notes] .status-serving').waitFor();
    const r = await g.req('POST', '/api/plugins', { body: tgzOf(kvPluginDir(g.dirs.make(), { name: 'later' })), headers: UPLOAD('later.tgz') });
    assert.equal(r.status, 201, r.text);
    await page.locator('tr[data-plugin=later]').waitFor();
    assert.equal((await g.req('DELETE', '/api/plugins/later')).status, 200);
    await page.locator('tr[data-plugin=later]').waitFor({ state: 'detached' });
    assert.ok(await sameWindow(), 'no reload');
    assert.equal(await page.evaluate(() => location.hash), '#/plugins', 'no navigation');
  });

  it('filters the audit log to denials, takes in new ones live, and shows doctor results', async () => {
    await page.locator('header #new-denials').waitFor(); // the denials seen since the audit log was last open
    await page.click('[data-nav=audit]');
    await page.selectOption('#audit-filter select[name=decision]', 'deny');
    await page.click('#audit-filter button[type=submit]');
    await page.locator('#audit-results tr.decision-deny').first().waitFor();
    assert.equal(await page.locator('#audit-results tr.decision-allow').count(), 0);
    assert.equal(await page.locator('header #new-denials').count(), 0);
    await markWindow();
    await page.locator(`#audit-results tr[data-audit="${await denyThroughRest('vault_get', 'token')}"]`).waitFor();
    assert.ok(await sameWindow(), 'no reload');
    await shot('07-audit');
    await page.click('[data-nav=doctor]');
    await page.locator('#doctor [data-doctor=notes]').waitFor();
    await shot('08-doctor');
  });

  it('escapes HTML in plugin names, descriptions and tool descriptions', async () => {
    const parameters = { type: 'object', required: ['key'], properties: { key: { type: 'string', description: '<i id=xss3>key</i>' }, count: { type: 'integer' }, flag: { type: 'boolean' }, tags: { type: 'array' } } };
    const dir = kvPluginDir(g.dirs.make(), { name: 'evil', extra: {
      description: '<img src=x onerror="window.__xss=1" id=xss2>',
      tools: [{ name: 'kv_put', description: '<script>window.__xss=2</script>', parameters }, { name: 'kv_get', description: 'get' }],
    } });
    const r = await g.req('POST', '/api/plugins', { body: tgzOf(dir), headers: UPLOAD('evil.tgz') });
    assert.equal(r.status, 201, r.text);
    await page.goto(`${base}/#/plugin/evil`);
    await page.locator('#plugin .description').waitFor();
    assert.equal(await page.locator('#plugin .description').textContent(), '<img src=x onerror="window.__xss=1" id=xss2>');
    assert.equal(await page.locator('#xss2').count(), 0);
    assert.equal(await page.locator('[data-tool=kv_put] td').nth(1).textContent(), '<script>window.__xss=2</script>');
    assert.equal(await page.locator('#xss3').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  });

  it('builds the try-it form from the parameter schema and sends typed JSON', async () => {
    const form = page.locator('form[data-try=kv_put]');
    assert.deepEqual(await form.locator('input, textarea').evaluateAll((els) => els.map((e) => `${e.getAttribute('name')}:${e.getAttribute('type') ?? e.tagName.toLowerCase()}`)),
      ['key:text', 'count:number', 'flag:checkbox', 'tags:textarea']);
    await form.locator('[name=key]').fill('k');
    await form.locator('[name=tags]').fill('[not json');
    await form.locator('button[type=submit]').click();
    await form.locator('.tool-output .error', { hasText: /tags/ }).waitFor();
    await form.locator('[name=count]').fill('2');
    await form.locator('[name=flag]').check();
    await form.locator('[name=tags]').fill('["a"]');
    const [request] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/api/plugins/evil/tools/kv_put')), form.locator('button[type=submit]').click()]);
    assert.deepEqual(request.postDataJSON(), { key: 'k', count: 2, flag: true, tags: ['a'] });
    await form.locator('.tool-output pre, .tool-output .error').waitFor();
    await shot('10-schema-form');
  });

  it('switches language and keeps the choice across reloads', async () => {
    await page.goto(`${base}/#/plugins`);
    await page.locator('header #lang').selectOption('zh');
    await page.locator('[data-nav=plugins]', { hasText: '插件' }).waitFor();
    await page.reload();
    await page.locator('[data-nav=audit]', { hasText: '审计日志' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh');
    await shot('09-zh');
    await page.locator('header #lang').selectOption('tr');
    await page.locator('[data-nav=plugins]', { hasText: 'Eklentiler' }).waitFor();
    await page.locator('header #lang').selectOption('en');
  });

  it('signs out, and nothing tripped the CSP or threw', async () => {
    await page.click('#logout');
    await page.locator('#login').waitFor();
    assert.equal((await page.evaluate(() => fetch('/api/plugins').then((r) => r.status))), 401);
    // 401 (signed out) and 403 (the denied tool call) are answers the tests asked for.
    assert.deepEqual(problems.filter((p) => !/status of 40[13] /.test(p)), []);
  });

  it('while the server is away only the event stream retries; back, it resumes the session; after a token reset, the login screen', async () => {
    const g2 = await startGateway();
    const context = await browser.newContext();
    const other = await context.newPage();
    await other.goto(`http://127.0.0.1:${g2.port}`);
    await other.fill('#token', g2.token);
    await other.click('#login button[type=submit]');
    await other.locator('#live.live-up').waitFor();
    const requests: string[] = [];
    other.on('request', (r) => requests.push(new URL(r.url()).pathname));
    const retried = other.waitForRequest((r) => r.url().endsWith('/api/events'));
    await g2.gateway.close();
    await other.locator('#live.live-down').waitFor();
    await retried;
    assert.deepEqual([...new Set(requests)], ['/api/events'], 'no API calls while the server is away');
    // Sessions are kept in the Warden's store: the same session goes on after a restart.
    const again = await createGateway(g2.warden, { port: g2.port, onError: () => undefined });
    await other.locator('#live.live-up').waitFor();
    assert.equal(await other.locator('#login').isVisible(), false);
    await again.close();
    // A new admin token signs everyone out.
    const reset = await createGateway(g2.warden, { port: g2.port, resetToken: true, onError: () => undefined });
    await other.locator('#login').waitFor();
    await reset.close();
    await context.close();
  });
});
