// The tool and cli host functions end to end: cap_tool plugins loaded by createHost() delegate to
// each other through createToolRouter and run host programs, against a real SQLite store.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  capabilityFunctions, createToolRouter, effectiveCapabilities, type CliOptions, type RoutablePlugin, type SecurityLevel, type ToolDispatcher,
} from '../../src/capabilities/index.js';
import { createHost, type Plugin, type PluginLimits } from '../../src/index.js';
import { parseCapabilities } from '../../src/manifest/capabilities.js';
import { createSqliteStore, type StateStore } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';
import { tempDirs } from '../storage/sqlite-helpers.js';
import { until } from '../helpers/until.js';

const dirs = tempDirs();
const host = createHost();
let store: StateStore;

before(() => {
  store = createSqliteStore({ dataDir: dirs.make(), durability: 'normal', vaultKey: new Uint8Array(32).fill(3) });
});
after(async () => {
  await host.close();
  await store.close();
  dirs.removeAll();
});

interface LoadOptions { level?: SecurityLevel; limits?: PluginLimits; tools?: ToolDispatcher; maxToolDepth?: number; cli?: CliOptions }

/** Loads cap_tool as `id`, requesting `requested` with `granted` grants. */
async function load(id: string, requested: unknown[], granted: string[], o: LoadOptions = {}): Promise<Plugin> {
  const effective = effectiveCapabilities(parseCapabilities(requested).capabilities, granted, o.level ?? 'strict');
  const functions = capabilityFunctions({
    plugin: id, effective, store,
    ...(o.tools && { tools: o.tools }), ...(o.maxToolDepth && { maxToolDepth: o.maxToolDepth }), ...(o.cli && { cli: o.cli }),
  });
  return host.load(fixture('cap_tool'), { name: id, functions, ...(o.limits && { limits: o.limits }) });
}
const records = async (plugin: string, capability: string, decision: 'allow' | 'deny') =>
  (await store.audit.query({ plugin, capability, decision })).records;

/** A set of plugins that delegate to each other; `spec` maps id → tool names requested and granted. */
async function mesh(spec: Record<string, string[]>, o: LoadOptions = {}): Promise<{ p: Record<string, Plugin>; calls: string[] }> {
  const plugins = new Map<string, RoutablePlugin>();
  const router = createToolRouter(plugins);
  const calls: string[] = [];
  const tools: ToolDispatcher = { call: (req) => (calls.push(`${req.chain.join('>')}:${req.tool}`), router.call(req)) };
  const p: Record<string, Plugin> = {};
  for (const [id, names] of Object.entries(spec)) {
    p[id] = await load(id, [{ tool: names }], names.map((n) => `tool:${n}`), { ...o, tools });
    plugins.set(id, p[id]);
  }
  return { p, calls };
}

describe('tool', () => {
  it('a granted tool is called; its output comes back', async () => {
    const { p, calls } = await mesh({ ta: ['tb.echo'], tb: [] });
    assert.equal((await p.ta!.call('delegate', 'tb.echo hello')).text(), 'hello');
    assert.deepEqual(calls, ['ta:tb.echo']);
  });

  it('requested but not granted: PERMISSION_DENIED and an audit record', async () => {
    const plugins = new Map<string, RoutablePlugin>();
    const a = await load('nd-a', [{ tool: ['nd-b.echo', 'nd-c.echo'] }], ['tool:nd-b.echo'], { tools: createToolRouter(plugins) });
    const e = await rejectsWithCode(a.call('delegate', 'nd-c.echo hi'), 'PERMISSION_DENIED');
    assert.equal(e.data.capability, 'tool');
    assert.deepEqual((await records('nd-a', 'tool', 'deny')).map((r) => r.detail), ['tool call "nd-c.echo"']);
    await rejectsWithCode(a.call('delegate', 'nd-b.echo* hi'), 'PERMISSION_DENIED'); // exact names only
  });

  it('the callee runs with its own grants, not the caller\'s', async () => {
    const { p } = await mesh({ ga: ['gb.delegate', 'gc.echo'], gb: [], gc: [] });
    await rejectsWithCode(p.ga!.call('delegate', 'gb.delegate gc.echo hi'), 'PERMISSION_DENIED');
    assert.deepEqual((await records('gb', 'tool', 'deny')).map((r) => [r.detail, r.reason]), [['tool call "gc.echo"', 'capability not granted']]);
  });

  it('depth limit: deeper chains than maxToolDepth are refused and audited', async () => {
    const spec = { da: ['db.delegate'], db: ['dc.echo'], dc: [] };
    const { p } = await mesh(spec, { maxToolDepth: 1 });
    const e = await rejectsWithCode(p.da!.call('delegate', 'db.delegate dc.echo hi'), 'LIMIT_EXCEEDED');
    assert.equal(e.data.limit, 'toolDepth');
    assert.equal((await records('db', 'tool', 'deny'))[0]?.reason, 'delegation depth over 1');
    const deeper = await mesh({ ea: ['eb.delegate'], eb: ['ec.echo'], ec: [] }, { maxToolDepth: 2 });
    assert.equal((await deeper.p.ea!.call('delegate', 'eb.delegate ec.echo hi')).text(), 'hi');
    assert.deepEqual(deeper.calls, ['ea:eb.delegate', 'ea>eb:ec.echo']);
  });

  it('an A → B → A cycle is refused before it reaches A', async () => {
    const { p, calls } = await mesh({ ca: ['cb.delegate'], cb: ['ca.echo'] });
    const e = await rejectsWithCode(p.ca!.call('delegate', 'cb.delegate ca.echo hi'), 'PERMISSION_DENIED', 'cycle');
    assert.equal(e.data.reason, 'cycle');
    assert.deepEqual(calls, ['ca:cb.delegate']);
    assert.equal((await records('cb', 'tool', 'deny'))[0]?.reason, 'delegation cycle');
  });

  it('re-entering the calling plugin is refused at once, never deadlocks (THREATS 15)', async () => {
    const { p, calls } = await mesh({ ra: ['ra.echo'] }, { limits: { maxInstances: 1, timeoutMs: 5000 } });
    const started = Date.now();
    await rejectsWithCode(p.ra!.call('delegate', 'ra.echo hi'), 'PERMISSION_DENIED', 'cycle');
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(calls, []);
    assert.equal((await p.ra!.call('echo', 'still here')).text(), 'still here');
  });

  it('fan-out is bounded by the host-call cap', async () => {
    const { p, calls } = await mesh({ fa: ['fb.echo'], fb: [] }, { limits: { maxHostCallsPerCall: 50 } });
    const e = await rejectsWithCode(p.fa!.call('fan', 'fb.echo x'), 'LIMIT_EXCEEDED');
    assert.equal(e.data.limit, 'maxHostCallsPerCall');
    assert.equal(calls.length, 50);
  });

  it('a cancelled caller stops the callee it is waiting for', async () => {
    const plugins = new Map<string, RoutablePlugin>();
    const minute = { timeoutMs: 60_000 };
    const spinner = await host.load(fixture('spin'), { name: 'cs-spin', limits: minute });
    plugins.set('cs-spin', { call: (tool, input, options) => spinner.call(tool === 'spin_tool' ? 'spin' : tool, input, options) });
    const caller = await load('cs-a', [{ tool: ['cs-spin.spin_tool'] }], ['tool:cs-spin.spin_tool'], { tools: createToolRouter(plugins), limits: minute });
    const stop = new AbortController();
    const pending = caller.call('delegate', 'cs-spin.spin_tool x', { signal: stop.signal, delegation: { chain: [], deadline: Date.now() + 60_000 } });
    await until(() => spinner.stats().busy > 0);
    stop.abort();
    await rejectsWithCode(pending, 'CANCELLED');
    // Well before the callee's one-minute deadline, its instance was stopped too.
    await until(() => spinner.stats().discarded > 0);
    assert.deepEqual([spinner.stats().discarded, spinner.stats().busy], [1, 0]);
  });

  it('fan-out is bounded by the deadline the chain shares', async () => {
    const { p, calls } = await mesh({ ha: ['hb.echo'], hb: [] });
    const started = Date.now();
    await rejectsWithCode(p.ha!.call('fan', 'hb.echo x', { delegation: { chain: [], deadline: Date.now() + 300 } }), 'TIMEOUT');
    assert.ok(Date.now() - started < 3000);
    assert.ok(calls.length > 0);
    await rejectsWithCode(p.ha!.call('fan', 'hb.echo x', { timeoutMs: 300 }), 'TIMEOUT');
  });
});

const cliReq = (command: string, ...args: string[]) => JSON.stringify({ command, args });
const run = async (p: Plugin, command: string, ...args: string[]) => (await p.call('cli', cliReq(command, ...args))).json<{ code: number | null; stdout: string; stderr: string }>();

describe('cli', () => {
  it('a granted command runs without a shell; the run is audited', async () => {
    const p = await load('cli-echo', [{ cli: [{ command: '/bin/echo', args: ['*'] }] }], ['cli:/bin/echo']);
    assert.deepEqual(await run(p, '/bin/echo', 'hi', '$HOME;', '`id`'), { code: 0, stdout: 'hi $HOME; `id`\n', stderr: '' });
    assert.deepEqual((await records('cli-echo', 'cli', 'allow')).map((r) => r.detail), ['cli run "/bin/echo" with 3 argument(s)']);
  });

  it('/bin/sh -c only with the exact granted arguments; anything else is denied and audited', async () => {
    const p = await load('cli-sh', [{ cli: [{ command: '/bin/sh', args: ['-c true'] }] }], ['cli:/bin/sh']);
    assert.equal((await run(p, '/bin/sh', '-c', 'true')).code, 0);
    await rejectsWithCode(p.call('cli', cliReq('/bin/sh', '-c', 'true; id')), 'PERMISSION_DENIED');
    await rejectsWithCode(p.call('cli', cliReq('/bin/sh', '-c', 'true', 'x')), 'PERMISSION_DENIED');
    await rejectsWithCode(p.call('cli', cliReq('/bin/echo', 'x')), 'PERMISSION_DENIED');
    await rejectsWithCode(p.call('cli', cliReq('sh', '-c', 'true')), 'PERMISSION_DENIED');
    const details = (await records('cli-sh', 'cli', 'deny')).map((r) => r.detail).sort();
    assert.deepEqual(details, [
      'cli run "/bin/sh" with 2 argument(s)', 'cli run "/bin/sh" with 3 argument(s)',
      'cli run (a path of 2 characters) with 2 argument(s)', 'cli run (a path of 9 characters) with 1 argument(s)',
    ]);
  });

  it('a command past the call deadline or the operator cap is killed', async () => {
    const requested = [{ cli: [{ command: '/bin/sleep', args: ['*'] }] }];
    const p = await load('cli-sleep', requested, ['cli:/bin/sleep']);
    let started = Date.now();
    await rejectsWithCode(p.call('cli', cliReq('/bin/sleep', '5'), { timeoutMs: 300 }), 'TIMEOUT');
    assert.ok(Date.now() - started < 3000);
    const capped = await load('cli-sleep-cap', requested, ['cli:/bin/sleep'], { cli: { timeoutMs: 200 } });
    started = Date.now();
    await rejectsWithCode(capped.call('cli', cliReq('/bin/sleep', '5')), 'TIMEOUT', 'killed');
    assert.ok(Date.now() - started < 3000); // the host waits for the pipes to close: the child is gone
  });

  it('a background grandchild holding the pipes is killed with its process group', async () => {
    const p = await load('cli-bg', [{ cli: [{ command: '/bin/sh', args: ['-c *'] }] }], ['cli:/bin/sh'], { cli: { timeoutMs: 300 } });
    const started = Date.now();
    await rejectsWithCode(p.call('cli', cliReq('/bin/sh', '-c', 'sleep 7 & echo started')), 'TIMEOUT', 'killed');
    assert.ok(Date.now() - started < 3000);
  });

  it('an output flood is capped and the child killed', async () => {
    const p = await load('cli-yes', [{ cli: [{ command: '/usr/bin/yes' }] }], ['cli:/usr/bin/yes'], { cli: { maxOutputBytes: 64 * 1024 } });
    const e = await rejectsWithCode(p.call('cli', cliReq('/usr/bin/yes')), 'LIMIT_EXCEEDED');
    assert.deepEqual([e.data.limit, e.data.max], ['cliOutputBytes', 64 * 1024]);
  });

  it('the environment is scrubbed to PATH; cwd is the operator\'s directory', async () => {
    process.env.WARDEN_TEST_SECRET = 'do-not-leak';
    const cwd = realpathSync(dirs.make());
    const requested = [{ cli: [{ command: '/usr/bin/env' }, { command: '/bin/pwd' }] }];
    const p = await load('cli-env', requested, ['cli:/usr/bin/env', 'cli:/bin/pwd'], { cli: { cwd } });
    assert.equal((await run(p, '/usr/bin/env')).stdout, 'PATH=/usr/bin:/bin\n');
    assert.equal((await run(p, '/bin/pwd')).stdout, `${cwd}\n`);
    delete process.env.WARDEN_TEST_SECRET;
  });

  it('refused at the paranoid level even when granted', async () => {
    const p = await load('cli-paranoid', [{ cli: [{ command: '/bin/echo', args: ['*'] }] }], ['cli:/bin/echo'], { level: 'paranoid' });
    await rejectsWithCode(p.call('cli', cliReq('/bin/echo', 'hi')), 'PERMISSION_DENIED');
    assert.equal((await records('cli-paranoid', 'cli', 'deny'))[0]?.reason, 'capability not granted');
  });

  it('a malformed request fails the call without running anything', async () => {
    const p = await load('cli-bad', [{ cli: [{ command: '/bin/echo', args: ['*'] }] }], ['cli:/bin/echo']);
    await rejectsWithCode(p.call('cli', '{"command": "/bin/echo", "args": "hi"}'), 'PLUGIN_ERROR');
    await rejectsWithCode(p.call('cli', 'not json'), 'PLUGIN_ERROR');
  });
});
