// The vault-user example through the CLI: a secret set with `warden vault set`, read by the
// plugin only with its grant, and never shown in its output or errors.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tempDirs } from '../storage/sqlite-helpers.js';
import { fails, ok, operator } from './operator.js';

const dirs = tempDirs();
after(() => dirs.removeAll());
const SECRET = 'tok-3f9a-very-secret';

describe('example: vault-user', () => {
  it('checks tokens against the granted secret without revealing it', async () => {
    const op = operator(dirs);
    await op.install('vault-user', '--grant', 'vault:api_token');
    const missing = fails(await op.run(['plugin', 'call', 'vault-user', 'verify', '{"token":"x"}']), 'PLUGIN_ERROR', /no api_token in the vault/);
    ok(await op.run(['vault', 'set', 'api_token'], `${SECRET}\n`));
    assert.deepEqual(await op.callJson('vault-user', 'verify', { token: SECRET }), { valid: true });
    assert.deepEqual(await op.callJson('vault-user', 'verify', { token: 'tok-3f9a' }), { valid: false });
    assert.deepEqual(await op.callJson('vault-user', 'verify', { token: '' }), { valid: false });
    const audit = ok(await op.run(['audit-log', '--plugin', 'vault-user', '--json'])).stdout;
    for (const text of [missing.stderr, audit]) assert.ok(!text.includes(SECRET));
  });

  it('without the grant, the secret looks missing', async () => {
    const op = operator(dirs);
    ok(await op.run(['vault', 'set', 'api_token'], SECRET));
    await op.install('vault-user');
    fails(await op.run(['plugin', 'call', 'vault-user', 'verify', JSON.stringify({ token: SECRET })]), 'PLUGIN_ERROR', /no api_token in the vault/);
  });
});
