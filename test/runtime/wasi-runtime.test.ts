// WASI through real instance workers: off by default, stdout/stderr into the plugin's log,
// proc_exit ending the call, a granted directory, and no host file left open by a killed worker.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createHost, WardenError, type LogRecord } from '../../src/index.js';
import { until } from '../helpers/until.js';

const probe = readFileSync(new URL('../../fixtures/wasi_probe.wasm', import.meta.url));
const host = createHost();
const dir = mkdtempSync(join(tmpdir(), 'warden-wasi-'));
after(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], extra: { dir?: string; timeoutMs?: number; env?: Record<string, string> } = {}) {
  const logs: LogRecord[] = [];
  const plugin = await host.load(probe, {
    wasi: { args: ['probe', ...args], ...(extra.dir ? { dir: extra.dir } : {}), ...(extra.env ? { env: extra.env } : {}) },
    logger: (r) => logs.push(r),
    limits: { timeoutMs: extra.timeoutMs ?? 10_000 },
  });
  try {
    await plugin.call('_start');
    return { logs, error: undefined };
  } catch (e) {
    return { logs, error: e as WardenError };
  } finally {
    await plugin.close();
  }
}

const text = (logs: LogRecord[], level: string): string => logs.filter((l) => l.level === level).map((l) => l.message).join('');

describe('WASI in instance workers', () => {
  it('is off unless enabled: the plugin fails to link and says how to enable it', async () => {
    await assert.rejects(host.load(probe), (e: WardenError) => e.code === 'LINK_ERROR' && /wasi/.test(e.message));
  });

  it('sends stdout to the log at info and stderr at warn', async () => {
    const { logs, error } = await run(['hello']);
    assert.equal(error, undefined);
    assert.equal(text(logs, 'info'), 'hello stdout\n');
    assert.equal(text(logs, 'warn'), 'hello stderr\n');
  });

  it('passes only the configured args and environment', async () => {
    const { logs } = await run(['env', 'x'], { env: { GREETING: 'hi' } });
    assert.equal(text(logs, 'info'), 'argc=3\narg=probe\narg=env\narg=x\nenv=GREETING=hi\n');
  });

  it('ends the call with PLUGIN_EXIT on a non-zero proc_exit', async () => {
    const { error } = await run(['exit']);
    assert.equal(error?.code, 'PLUGIN_EXIT');
    assert.equal(error?.data['exitCode'], 3);
  });

  it('treats proc_exit(0) as success and retires the instance it unwound', async () => {
    const logs: LogRecord[] = [];
    const plugin = await host.load(probe, { wasi: { args: ['probe', 'exit0'] }, logger: (r) => logs.push(r) });
    await plugin.call('_start');
    assert.equal(text(logs, 'info'), 'leaving\n');
    assert.equal(plugin.stats().discarded, 1);
    await plugin.call('_start');
    await plugin.close();
  });

  it('has no filesystem without a granted directory', async () => {
    const { logs } = await run(['read', '/etc/hostname']);
    assert.match(text(logs, 'info'), /^err open \d+/);
  });

  it('confines a granted directory', async () => {
    writeFileSync(join(dir, 'inside.txt'), 'inside');
    const inside = await run(['read', '/inside.txt'], { dir });
    assert.match(text(inside.logs, 'info'), /inside/);
    for (const path of ['../outside.txt', '/../../etc/passwd']) {
      const escape = await run(['read', path], { dir });
      assert.match(text(escape.logs, 'info'), /^err open \d+/, path);
    }
    const written = await run(['write', '/new.txt', 'from guest'], { dir });
    assert.equal(written.error, undefined);
    assert.equal(readFileSync(join(dir, 'new.txt'), 'utf8'), 'from guest');
  });

  it('closes the host files of a worker killed at its deadline', async () => {
    const openFds = (): number => readdirSync('/proc/self/fd').length;
    const before = openFds();
    const { error, logs } = await run(['hold', '20'], { dir, timeoutMs: 300 });
    assert.equal(error?.code, 'TIMEOUT');
    assert.match(text(logs, 'info'), /holding 20/);
    await until(() => openFds() <= before + 5, { timeoutMs: 1000, stepMs: 20 });
    assert.ok(openFds() < before + 20, `${openFds() - before} descriptors leaked`);
  });
});
