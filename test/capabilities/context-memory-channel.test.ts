// The context, memory and channel host functions end to end: the cap_misc fixture imports
// warden_context_get, warden_memory_search and warden_channel_send from extism:host/user and runs
// in a worker against a real SQLite store; webhooks go to local servers on 127.0.0.1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  MAX_MEMORY_RESULTS, USER_NAMESPACE, capabilityFunctions, channelFunctions, createGate, effectiveCapabilities, jsonlChannel, logChannel,
  webhookChannel, type CapabilityFunctionsOptions, type ChannelMessage,
} from '../../src/capabilities/index.js';
import { createHost, WardenError, type Plugin } from '../../src/index.js';
import { parseCapabilities } from '../../src/manifest/capabilities.js';
import { createSqliteStore, type StateStore } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';
import { reply, startServer, type TestServer } from '../helpers/http-server.js';
import { tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
const host = createHost();
let store: StateStore;
let dir: string;

before(() => {
  dir = dirs.make();
  store = createSqliteStore({ dataDir: dir, durability: 'normal', vaultKey: new Uint8Array(32).fill(7) });
});
after(async () => {
  await host.close();
  await store.close();
  dirs.removeAll();
});

type Extra = Omit<CapabilityFunctionsOptions, 'plugin' | 'effective' | 'store'>;

/** Loads cap_misc as `id`, requesting `requested` with `granted` grants (strict). */
async function load(id: string, requested: unknown[], granted: string[], extra: Extra = {}): Promise<Plugin> {
  const effective = effectiveCapabilities(parseCapabilities(requested).capabilities, granted, 'strict');
  return host.load(fixture('cap_misc'), { name: id, functions: capabilityFunctions({ plugin: id, effective, store, ...extra }) });
}
const text = async (p: Plugin, fn: string, input = '', context?: unknown): Promise<string> =>
  (await p.call(fn, input, context === undefined ? {} : { context })).text();
const records = async (plugin: string, capability: string) =>
  (await store.audit.query({ plugin, capability })).records.map((r) => [r.decision, r.detail, r.reason ?? null]);

describe('context', () => {
  it('the call context as JSON, null without one', async () => {
    const p = await load('ctx', [], []);
    const context = { session: 's-1', user: { id: 'u-7', roles: ['admin'] }, agent: { model: 'm' } };
    assert.deepEqual(JSON.parse(await text(p, 'context', '', context)), context);
    assert.equal(await text(p, 'context'), 'null');
    assert.deepEqual(await records('ctx', 'context'), []);
  });

  it('denied when not effective: PERMISSION_DENIED, audited', async () => {
    const gate = createGate({ plugin: 'ctx-none', effective: [], audit: store.audit });
    const p = await host.load(fixture('cap_misc'), { name: 'ctx-none', functions: capabilityFunctions({ plugin: 'ctx-none', effective: [], store, gate }) });
    const e = await rejectsWithCode(p.call('context', '', { context: { user: 'u' } }), 'PERMISSION_DENIED');
    assert.equal(e.data.capability, 'context');
    assert.deepEqual(await records('ctx-none', 'context'), [['deny', 'context get', 'capability not granted']]);
  });

  it('a context JSON cannot carry → INVALID_ARGUMENT', async () => {
    const p = await load('ctx-bigint', [], []);
    await rejectsWithCode(p.call('context', '', { context: { n: 1n } }), 'INVALID_ARGUMENT');
    assert.equal(await text(p, 'context', '', { n: 1 }), '{"n":1}');
  });
});

describe('memory', () => {
  before(async () => {
    for (let i = 0; i < 30; i++) await store.memory.add({ text: `apple note ${i}`, source: `doc-${i}`, metadata: { hidden: i } });
    await store.memory.add({ text: 'banana bread recipe' });
  });

  it('search returns { id, text, source, score }, capped', async () => {
    const p = await load('mem', [{ memory: 'read' }], ['memory:read']);
    const hits = JSON.parse(await text(p, 'search', 'apple')) as Record<string, unknown>[];
    assert.equal(hits.length, MAX_MEMORY_RESULTS);
    for (const hit of hits) assert.deepEqual(Object.keys(hit).sort(), ['id', 'score', 'source', 'text']);
    assert.match(String(hits[0]?.text), /^apple note \d+$/);
    const banana = JSON.parse(await text(p, 'search', 'banana')) as Record<string, unknown>[];
    assert.deepEqual(banana.map((h) => [h.text, h.source]), [['banana bread recipe', null]]);
    assert.deepEqual(JSON.parse(await text(p, 'search', 'cherry')), []);
  });

  it('denied without the grant; the audit record gives the query length, not the query', async () => {
    const p = await load('mem-denied', [{ memory: 'read' }], []);
    const e = await rejectsWithCode(p.call('search', 'apple secret'), 'PERMISSION_DENIED');
    assert.equal(e.data.capability, 'memory');
    assert.deepEqual(await records('mem-denied', 'memory'), [['deny', 'memory search (12 characters)', 'capability not granted']]);
  });
});

describe('channel', () => {
  const logged: ChannelMessage[] = [];
  const ops = logChannel((m) => void logged.push(m));

  it('log channel: delivered with the plugin id from the host', async () => {
    const p = await load('ch-log', [{ channel: 'send' }], ['channel:send'], { channels: { ops } });
    assert.equal(await text(p, 'send', 'ops:hello: world'), '0');
    assert.equal(await text(p, 'send', 'ops:'), '0');
    assert.deepEqual(logged.splice(0), [
      { plugin: 'ch-log', channel: 'ops', text: 'hello: world' },
      { plugin: 'ch-log', channel: 'ops', text: '' },
    ]);
  });

  it('not granted and unknown channel: the same PERMISSION_DENIED, both audited', async () => {
    const denied = await load('ch-denied', [{ channel: 'send' }], [], { channels: { ops } });
    const a = await rejectsWithCode(denied.call('send', 'ops:hi'), 'PERMISSION_DENIED');
    const granted = await load('ch-unknown', [{ channel: 'send' }], ['channel:send'], { channels: { ops } });
    const b = await rejectsWithCode(granted.call('send', 'sk-live-123:hi'), 'PERMISSION_DENIED');
    await rejectsWithCode(granted.call('send', '__proto__:hi'), 'PERMISSION_DENIED');
    assert.deepEqual([a.data.capability, b.data.capability], ['channel', 'channel']);
    assert.equal(logged.length, 0);
    assert.deepEqual(await records('ch-denied', 'channel'), [['deny', 'channel send "ops"', 'capability not granted']]);
    assert.deepEqual((await records('ch-unknown', 'channel')).sort(), [
      ['deny', 'channel send (unknown channel, 11 characters)', 'not covered by the grant'],
      ['deny', 'channel send (unknown channel, 9 characters)', 'not covered by the grant'],
    ]);
  });

  it('rate-limited through the gate: LIMIT_EXCEEDED and a denial record', async () => {
    const p = await load('ch-rate', [{ channel: 'send' }], ['channel:send'], { channels: { ops }, rateLimits: { channel: { perSecond: 0.001, burst: 2 } } });
    assert.equal(await text(p, 'send', 'ops:1'), '0');
    assert.equal(await text(p, 'send', 'ops:2'), '0');
    const e = await rejectsWithCode(p.call('send', 'ops:3'), 'LIMIT_EXCEEDED');
    assert.equal(e.data.limit, 'rate');
    assert.deepEqual(logged.splice(0).map((m) => m.text), ['1', '2']);
    const [record] = await records('ch-rate', 'channel');
    assert.equal(record?.[0], 'deny');
    assert.match(String(record?.[2]), /rate limit/);
  });

  it('is rate-limited by default (bursts of 20) when the operator sets no limit', async () => {
    const p = await load('ch-default-rate', [{ channel: 'send' }], ['channel:send'], { channels: { ops } });
    // Send until refused; tokens refill at 10/s, so what passes is bounded by 20 + 10 per second
    // elapsed (robust however slow the machine is).
    const start = performance.now();
    let passed = 0;
    try {
      for (;;) {
        const r = await p.call('send', `ops:${passed}`).then(() => 'sent', (e: unknown) => e);
        if (r !== 'sent') {
          assert.equal((r as { code?: string }).code, 'LIMIT_EXCEEDED');
          break;
        }
        passed++;
        assert.ok(passed < 1000, 'never refused');
      }
      const elapsedS = (performance.now() - start) / 1000;
      assert.ok(passed >= 20 && passed <= 20 + Math.ceil(10 * elapsedS), `${passed} messages passed in ${elapsedS.toFixed(2)} s`);
    } finally {
      logged.splice(0);
    }
  });

  it('a message over maxMessageBytes → LIMIT_EXCEEDED before any adapter runs', async () => {
    const effective = effectiveCapabilities(parseCapabilities([{ channel: 'send' }]).capabilities, ['channel:send'], 'strict');
    const gate = createGate({ plugin: 'ch-big', effective, audit: store.audit });
    const functions = capabilityFunctions({ plugin: 'ch-big', effective, store, gate });
    Object.assign(functions[USER_NAMESPACE]!, channelFunctions({ gate, channels: { ops }, maxMessageBytes: 8 }));
    const p = await host.load(fixture('cap_misc'), { name: 'ch-big', functions });
    assert.equal(await text(p, 'send', 'ops:12345678'), '0');
    const e = await rejectsWithCode(p.call('send', 'ops:123456789'), 'LIMIT_EXCEEDED');
    assert.deepEqual([e.data.limit, e.data.max, e.data.actual], ['maxMessageBytes', 8, 9]);
    assert.deepEqual(logged.splice(0).map((m) => m.text), ['12345678']);
  });

  it('jsonl: one JSON line per message; an oversized line fails delivery and writes nothing', async () => {
    const path = join(dir, 'events.jsonl');
    const errors: unknown[] = [];
    const events = jsonlChannel({ path, maxLineBytes: 200, now: () => Date.UTC(2026, 0, 2) });
    const p = await load('ch-jsonl', [{ channel: 'send' }], ['channel:send'], { channels: { events }, onChannelError: (e) => errors.push(e) });
    assert.equal(await text(p, 'send', 'events:first "quoted"\nline'), '0');
    assert.equal(await text(p, 'send', 'events:second'), '0');
    assert.equal(await text(p, 'send', `events:${'x'.repeat(300)}`), '1');
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(lines.map((l) => JSON.parse(l)), [
      { time: '2026-01-02T00:00:00.000Z', plugin: 'ch-jsonl', channel: 'events', text: 'first "quoted"\nline' },
      { time: '2026-01-02T00:00:00.000Z', plugin: 'ch-jsonl', channel: 'events', text: 'second' },
    ]);
    assert.ok(errors[0] instanceof WardenError && errors[0].code === 'LIMIT_EXCEEDED');
  });
});

describe('channel: webhook', () => {
  let server: TestServer;
  const bodies: { type: string | undefined; body: unknown }[] = [];
  before(async () => {
    server = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/slow') return; // never answers
        bodies.push({ type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        if (req.url === '/fail') return reply(res, 500, 'no');
        if (req.url === '/redirect') return reply(res, 302, '', { location: `${server.origin}/ok` });
        if (req.url === '/big') return reply(res, 200, 'y'.repeat(1 << 20));
        reply(res, 204, '');
      });
    });
  });
  after(() => server.close());

  it('POSTs the message as JSON to the operator\'s URL', async () => {
    const channels = { hook: webhookChannel({ url: `${server.origin}/ok`, headers: { authorization: 'Bearer op' } }), big: webhookChannel({ url: `${server.origin}/big`, maxResponseBytes: 1024 }) };
    const p = await load('wh-ok', [{ channel: 'send' }], ['channel:send'], { channels });
    assert.equal(await text(p, 'send', 'hook:deploy done'), '0');
    assert.equal(await text(p, 'send', 'big:large answer'), '0');
    assert.deepEqual(bodies.splice(0), [
      { type: 'application/json', body: { plugin: 'wh-ok', channel: 'hook', text: 'deploy done' } },
      { type: 'application/json', body: { plugin: 'wh-ok', channel: 'big', text: 'large answer' } },
    ]);
  });

  it('an error status or a redirect is a failed delivery (status 1), not followed', async () => {
    const errors: unknown[] = [];
    const channels = { fail: webhookChannel({ url: `${server.origin}/fail` }), moved: webhookChannel({ url: `${server.origin}/redirect` }) };
    const p = await load('wh-fail', [{ channel: 'send' }], ['channel:send'], { channels, onChannelError: (e) => errors.push(e) });
    assert.equal(await text(p, 'send', 'fail:x'), '1');
    assert.equal(await text(p, 'send', 'moved:x'), '1');
    assert.deepEqual(errors.map((e) => [(e as WardenError).code, (e as WardenError).data.status]), [['HTTP_ERROR', 500], ['HTTP_ERROR', 302]]);
    assert.equal(server.requests.filter((r) => r === 'POST /ok').length, 1); // only the first test's request
    bodies.splice(0);
  });

  it('a slow webhook times out cleanly; the plugin stays usable', async () => {
    const errors: unknown[] = [];
    const channels = { slow: webhookChannel({ url: `${server.origin}/slow`, timeoutMs: 150 }), ops: logChannel(() => undefined) };
    const p = await load('wh-slow', [{ channel: 'send' }], ['channel:send'], { channels, onChannelError: (e) => errors.push(e) });
    const start = performance.now();
    assert.equal(await text(p, 'send', 'slow:anyone?'), '1');
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 140 && elapsed < 3000, `${elapsed} ms`);
    assert.equal((errors[0] as WardenError).code, 'TIMEOUT');
    assert.equal(await text(p, 'send', 'ops:still here'), '0');
  });
});
