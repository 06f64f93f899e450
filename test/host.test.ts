// The Host: forgets closed plugins (a long-lived host that loads and unloads must not grow), and
// nothing it loads outlives close().
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createHost, type Plugin } from '../src/index.js';
import { rejectsWithCode } from './helpers/errors.js';
import { fixture } from './helpers/fixture.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

it('lets a closed plugin be garbage-collected while the host stays open', async () => {
  const host = createHost();
  let plugin: Plugin | undefined = await host.load(fixture('echo'));
  const ref = new WeakRef(plugin);
  await plugin.call('echo', 'x');
  await plugin.close();
  plugin = undefined;
  for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
  }
  assert.equal(ref.deref(), undefined, 'the host still holds the closed plugin');
  await host.close();
});

it('refuses a load that finishes after the host closed', async () => {
  const host = createHost();
  const refused = rejectsWithCode(host.load(fixture('echo')), 'CLOSED');
  await host.close();
  await refused;
});
