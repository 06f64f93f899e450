// Runs the built plugin in a real Warden: `npm test` builds, then runs this file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { Warden } from 'warden';

const dataDir = mkdtempSync(join(tmpdir(), '{{name}}-test-'));
let warden;
before(async () => {
  warden = await Warden.open({ dataDir });
  await warden.install(fileURLToPath(new URL('../build/{{name}}.wasm', import.meta.url)), { grant: 'all' });
});
after(async () => {
  await warden.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('greet greets by name with the configured word', async () => {
  assert.deepEqual((await warden.call('{{name}}', 'greet', { name: 'Ada' })).json(), { message: 'Hello, Ada!' });
  await warden.setConfig('{{name}}', 'greeting', 'Ahoy');
  assert.deepEqual((await warden.call('{{name}}', 'greet', { name: 'Ada' })).json(), { message: 'Ahoy, Ada!' });
});

test('greet without a name fails with a message', async () => {
  await assert.rejects(warden.call('{{name}}', 'greet', {}), { code: 'PLUGIN_ERROR', message: /give a name/ });
});
