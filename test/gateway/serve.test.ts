// `warden serve` as an operator runs it: a child process on a fresh data directory and port 0.
// The first start prints the URL and the token, a second start only the URL; /healthz answers;
// SIGTERM ends it with exit code 0; --reset-token prints a new token.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serveWarden as serve } from '../helpers/serve.js';
import { tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

describe('warden serve', () => {
  it('prints the URL and the token on the first start only, serves /healthz and the API, exits 0 on SIGTERM', async () => {
    const dataDir = dirs.make();
    const first = await serve(dataDir);
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(first.token, first.stdout());
    const health = await fetch(`${first.url}/healthz`);
    assert.deepEqual(await health.json(), { ok: true, plugins: 0 });
    const api = await fetch(`${first.url}/api/plugins`, { headers: { authorization: `Bearer ${first.token}` } });
    assert.equal(api.status, 200);
    assert.equal((await fetch(`${first.url}/api/plugins`)).status, 401);
    assert.equal(await first.stop(), 0);

    const second = await serve(dataDir);
    assert.equal(second.token, undefined, second.stdout());
    assert.doesNotMatch(second.stdout(), /wdn_/);
    const again = await fetch(`${second.url}/api/plugins`, { headers: { authorization: `Bearer ${first.token}` } });
    assert.equal(again.status, 200, 'the first token still works');
    assert.equal(await second.stop(), 0);

    const reset = await serve(dataDir, ['--reset-token']);
    assert.ok(reset.token && reset.token !== first.token);
    assert.equal((await fetch(`${reset.url}/api/plugins`, { headers: { authorization: `Bearer ${first.token}` } })).status, 401);
    assert.equal(await reset.stop(), 0);
  });

  it('--examples installs the example plugins once, enabled, and serves their tools', async () => {
    const examples = fileURLToPath(new URL('../../examples', import.meta.url));
    const dataDir = dirs.make();
    const first = await serve(dataDir, ['--examples', examples]);
    assert.match(first.stdout(), /installed the example plugins: .*hello/);
    const health = (await (await fetch(`${first.url}/healthz`)).json()) as { plugins: number };
    assert.ok(health.plugins >= 7, JSON.stringify(health));
    const call = await fetch(`${first.url}/api/plugins/hello/tools/hello`, {
      method: 'POST', headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' }, body: '{"name":"Ada"}',
    });
    assert.match(await call.text(), /Hello, Ada!/);
    assert.equal(await first.stop(), 0);
    const second = await serve(dataDir, ['--examples', examples]);
    assert.doesNotMatch(second.stdout(), /installed the example plugins/);
    assert.equal(await second.stop(), 0);
  });
});
