// Lifecycle hooks, reload from the plugins directory, discovery of dropped-in plugins, and hot
// reload under a steady stream of calls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PluginEvent, Warden } from '../../src/warden/index.js';
import { fixture } from '../helpers/fixture.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { writePluginDir } from '../helpers/plugin-dir.js';
import { wardenHarness } from '../helpers/warden.js';
import { until } from '../helpers/until.js';

const { dirs, open } = wardenHarness();

const hooked = (root: string, name: string, mode?: string) =>
  writePluginDir(root, { name, fixture: 'lifecycle', tools: ['ping'], capabilities: [{ storage: 'kv' }], ...(mode && { extra: { config: { mode: { type: 'string', default: mode } } } }) });
const text = async (w: Warden, id: string, key: string) => new TextDecoder().decode((await w.store.kv.get(id, key)) ?? new Uint8Array());

describe('lifecycle hooks', () => {
  it('on_enable runs when the plugin is enabled, on_disable when it is disabled', async () => {
    const w = await open();
    await w.install(hooked(dirs.make(), 'hooks'), { grant: ['storage:kv'] });
    assert.equal(await text(w, 'hooks', 'hook'), 'enabled');
    await w.disable('hooks');
    assert.equal(await text(w, 'hooks', 'hook'), 'disabled');
    await w.enable('hooks');
    assert.equal(await text(w, 'hooks', 'hook'), 'enabled');
    assert.equal((await w.call('hooks', 'ping')).text(), 'pong');
  });

  it('a trap in on_enable poisons the plugin: failed, disabled, on_disable skipped', async () => {
    const w = await open();
    const events: PluginEvent[] = [];
    w.on('plugin', (e) => events.push(e));
    await rejectsWithCode(w.install(hooked(dirs.make(), 'trapper', 'trap'), { grant: ['storage:kv'] }), 'TRAP');
    const [p] = await w.list();
    assert.deepEqual([p?.status, p?.enabled, p?.loaded], ['failed', false, false]);
    assert.ok(events.some((e) => e.id === 'trapper' && e.event === 'failed'));
    await w.disable('trapper');
    assert.equal(await text(w, 'trapper', 'hook'), ''); // on_disable never ran
  });

  it('a timeout in on_enable poisons it too, under the call deadline', async () => {
    const w = await open({ limits: { timeoutMs: 300 } });
    await rejectsWithCode(w.install(hooked(dirs.make(), 'spinner', 'spin'), { grant: ['storage:kv'] }), 'TIMEOUT');
    assert.deepEqual((await w.list()).map((p) => [p.status, p.enabled]), [['failed', false]]);
  });
});

describe('the scan at every load and its cache', () => {
  it('re-scans under the running rules, caches the report, and survives a corrupt or deleted cache', async () => {
    const first = await open();
    await first.install(writePluginDir(dirs.make(), { name: 'cached', fixture: 'echo', tools: ['echo'] }));
    const { dataDir, pluginsDir } = first.options;
    await first.close();
    const cacheDir = join(pluginsDir, '.cache');
    let w = await open({ dataDir });
    assert.equal((await w.call('cached', 'echo', 'a')).text(), 'a');
    const entries = readdirSync(cacheDir);
    assert.equal(entries.length, 1);
    await w.close();
    writeFileSync(join(cacheDir, entries[0]!), 'garbage'); // corrupt: dropped, scanned again
    w = await open({ dataDir });
    assert.equal((await w.call('cached', 'echo', 'b')).text(), 'b');
    await w.close();
    rmSync(cacheDir, { recursive: true, force: true }); // safe to delete
    w = await open({ dataDir });
    assert.equal((await w.call('cached', 'echo', 'c')).text(), 'c');
    await w.close();
    // Stricter rules at the next start: the plugin no longer passes and is not loaded.
    w = await open({ dataDir, limits: { maxFunctions: 1 } });
    const [p] = await w.list();
    assert.equal(p?.status, 'failed');
    assert.match(p?.lastError ?? '', /scan/);
  });
});

describe('changes made by another process', () => {
  it('a serving Warden picks up what a CLI-style Warden on the same data directory changed', async () => {
    const server = await open();
    const cli = await open({ dataDir: server.options.dataDir, lazy: true });
    const src = writePluginDir(dirs.make(), { name: 'shared', fixture: 'cap_kv', tools: ['kv_put', 'kv_get'], capabilities: [{ storage: 'kv' }, { vault: ['k'] }] });
    await cli.install(src);
    await server.sync();
    await rejectsWithCode(server.call('shared', 'kv_put', 'a=1'), 'PERMISSION_DENIED');
    await cli.grant('shared', ['storage:kv']);
    await server.sync();
    await server.call('shared', 'kv_put', 'a=1');
    await cli.disable('shared');
    await server.sync();
    await rejectsWithCode(server.call('shared', 'kv_get', 'a'), 'NOT_FOUND', 'disabled');
    await cli.enable('shared');
    const stop = server.watch({ syncMs: 50 });
    try {
      await until(async () => (await server.list())[0]?.loaded === true, { timeoutMs: 5000 });
      assert.equal((await server.call('shared', 'kv_get', 'a')).text(), '1');
      await cli.remove('shared');
      await until(() => server.tools().length === 0, { timeoutMs: 5000 });
      assert.deepEqual(server.tools(), []);
    } finally {
      stop();
    }
  });
});

describe('reload', () => {
  it('swaps in changed files, keeps the old version serving when they are invalid, and discovers new folders', async () => {
    const w = await open();
    const root = dirs.make();
    await w.install(writePluginDir(root, { name: 'echoer', fixture: 'echo', tools: ['echo'] }));
    const folder = join(w.options.pluginsDir, 'echoer');
    // Half-written: the module is truncated. The old version keeps serving.
    writeFileSync(join(folder, 'plugin.wasm'), fixture('echo').subarray(0, 20));
    const [bad] = await w.reload('echoer');
    assert.equal(bad?.outcome, 'failed');
    assert.equal((await w.call('echoer', 'echo', 'still here')).text(), 'still here');
    // Completed: a new version with the same capabilities is swapped in.
    cpSync(writePluginDir(dirs.make(), { name: 'echoer', version: '0.2.0', fixture: 'echo', tools: ['echo'] }), folder, { recursive: true });
    const [good] = await w.reload('echoer');
    assert.equal(good?.outcome, 'reloaded');
    assert.equal((await w.info('echoer')).version, '0.2.0');
    // A plugin dropped into a nested folder is found and registered in place, with no grants.
    const nested = join(w.options.pluginsDir, 'vendor', 'dropped');
    mkdirSync(join(w.options.pluginsDir, 'vendor'), { recursive: true });
    cpSync(writePluginDir(dirs.make(), { name: 'dropped', fixture: 'echo', tools: ['echo'] }), nested, { recursive: true });
    mkdirSync(join(w.options.pluginsDir, '.cache', 'ignored'), { recursive: true });
    const results = await w.reload();
    assert.deepEqual(results.filter((r) => r.outcome !== 'unchanged').map((r) => [r.id, r.outcome]), [['dropped', 'discovered']]);
    assert.equal((await w.info('dropped')).record.location, 'vendor/dropped');
    assert.equal((await w.call('dropped', 'echo', 'hi')).text(), 'hi');
  });

  it('auto_enable off registers a dropped plugin disabled', async () => {
    const w = await open({ autoEnable: false });
    mkdirSync(w.options.pluginsDir, { recursive: true });
    cpSync(writePluginDir(dirs.make(), { name: 'quiet', fixture: 'echo', tools: ['echo'] }), join(w.options.pluginsDir, 'quiet'), { recursive: true });
    await w.reload();
    assert.deepEqual((await w.list()).map((p) => [p.id, p.enabled]), [['quiet', false]]);
  });

  it('hot reload under a steady stream of calls: zero failed calls', async () => {
    const w = await open();
    await w.install(writePluginDir(dirs.make(), { name: 'busy', fixture: 'echo', tools: ['echo'] }));
    const stop = w.watch();
    const reloaded = new Promise<void>((resolve) => w.on('plugin', (e) => e.id === 'busy' && e.event === 'upgraded' && resolve()));
    let calls = 0;
    let failures = 0;
    let running = true;
    const stream = (async () => {
      while (running) {
        await w.call('busy', 'echo', 'x').then((out) => (out.text() === 'x' ? calls++ : failures++), () => failures++);
      }
    })();
    await sleep(100);
    const folder = join(w.options.pluginsDir, 'busy');
    cpSync(writePluginDir(dirs.make(), { name: 'busy', version: '0.2.0', fixture: 'echo', tools: ['echo'] }), folder, { recursive: true });
    await reloaded;
    await sleep(100);
    running = false;
    await stream;
    stop();
    assert.equal(failures, 0);
    assert.ok(calls > 10, `only ${calls} calls ran`);
    assert.equal((await w.info('busy')).version, '0.2.0');
  });
});
