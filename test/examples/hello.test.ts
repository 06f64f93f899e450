// The hello example through the CLI: installed from dist/examples/hello (one .wasm with its
// manifest embedded), and run once without installing, as `npm start` does.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runWarden } from '../helpers/cli.js';
import { tempDirs } from '../storage/sqlite-helpers.js';
import { fails, ok, operator } from './operator.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

describe('example: hello', () => {
  it('installs with no capabilities and greets a name', async () => {
    const op = operator(dirs);
    const installed = await op.install('hello');
    assert.match(installed.stdout, /installed hello 1\.0\.0 \(enabled, risk low\)/);
    assert.deepEqual(await op.callJson('hello', 'hello', { name: 'Ada' }), { greeting: 'Hello, Ada!' });
    assert.deepEqual(await op.callJson('hello', 'hello'), { greeting: 'Hello, world!' });
    fails(await op.run(['plugin', 'call', 'hello', 'hello', 'Ada']), 'PLUGIN_ERROR', /input is not valid JSON/);
    assert.match(ok(await op.run(['plugin', 'info', 'hello'])).stdout, /hello/);
  });

  it('runs once without installing (npm start)', async () => {
    const wasm = fileURLToPath(new URL('../../examples/hello.wasm', import.meta.url));
    const r = ok(await runWarden(['call', wasm, 'hello', '--input', '{"name":"you"}']));
    assert.equal(r.stdout, '{"greeting":"Hello, you!"}');
  });
});
