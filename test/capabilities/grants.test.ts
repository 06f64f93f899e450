// Grants and security levels (requested ∩ granted ∩ ceiling, as a table), the gate's
// deny-by-default decisions and audit records, and the token-bucket rate limiter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createGate, createRateLimiter, effectiveCapabilities, grantStrings, levelCeiling, MAX_DETAIL, type SecurityLevel,
} from '../../src/capabilities/index.js';
import { parseCapabilities, type Capability } from '../../src/manifest/capabilities.js';
import type { AuditEntry, AuditStore } from '../../src/storage/driver.js';
import { rejectsWithCode } from '../helpers/errors.js';

const caps = (list: unknown[]): Capability[] => {
  const parsed = parseCapabilities(list);
  assert.deepEqual(parsed.errors, []);
  return parsed.capabilities;
};

/** A compact view of effective capabilities: `kind` or `kind:item,item`. */
const view = (effective: Capability[]): string[] => effective.map((c) => {
  const items = grantStrings([c]).map((g) => g.slice(c.kind.length + 1)).filter(Boolean);
  return items.length && !['storage', 'memory', 'channel'].includes(c.kind) ? `${c.kind}:${items.join(',')}` : c.kind;
}).sort();

const REQUESTED = caps([
  { network: ['api.example.com', '*.cdn.example.com'] }, { storage: 'kv' }, { vault: ['a', 'b'] }, { tool: ['x.y'] },
  { memory: 'read' }, { channel: 'send' }, 'wasi', 'filesystem', { cli: [{ command: '/bin/ls', args: ['-l *'] }] },
]);
const ALL_GRANTS = grantStrings(REQUESTED);

describe('effectiveCapabilities', () => {
  const table: [string, Capability[], string[], SecurityLevel, string[]][] = [
    ['nothing granted: only the baseline', REQUESTED, [], 'strict', ['config', 'context']],
    ['strict: requested ∩ granted, per item', REQUESTED, ['vault:b', 'network:API.example.com', 'storage:kv'], 'strict',
      ['config', 'context', 'network:api.example.com', 'storage', 'vault:b']],
    ['a grant for something not requested adds nothing', caps([{ storage: 'kv' }]), ['vault:a', 'network:x.com', 'cli:/bin/ls'], 'strict',
      ['config', 'context']],
    ['everything granted under strict', REQUESTED, ALL_GRANTS, 'strict',
      ['channel', 'cli:/bin/ls', 'config', 'context', 'filesystem', 'memory', 'network:api.example.com,*.cdn.example.com', 'storage', 'tool:x.y', 'vault:a,b', 'wasi']],
    ['paranoid: no network, vault, tool, wasi, filesystem or cli even when granted', REQUESTED, ALL_GRANTS, 'paranoid',
      ['channel', 'config', 'context', 'memory', 'storage']],
    ['paranoid still needs the grant', REQUESTED, [], 'paranoid', ['config', 'context']],
    ['relaxed: everything requested, grants not consulted', REQUESTED, [], 'relaxed',
      ['channel', 'cli:/bin/ls', 'config', 'context', 'filesystem', 'memory', 'network:api.example.com,*.cdn.example.com', 'storage', 'tool:x.y', 'vault:a,b', 'wasi']],
    ['relaxed grants nothing unrequested', caps(['context']), ALL_GRANTS, 'relaxed', ['config', 'context']],
    ['a bare list-kind grant grants no item', caps([{ vault: ['a'] }]), ['vault'], 'strict', ['config', 'context']],
    ['a malformed network grant grants nothing', caps([{ network: ['a.com'] }]), ['network:http://a.com'], 'strict', ['config', 'context']],
    ['wildcard grant must match the requested pattern exactly', caps([{ network: ['*.a.com'] }]), ['network:b.a.com'], 'strict', ['config', 'context']],
    ['__proto__ grants are plain strings', caps([{ vault: ['__proto__'] }]), ['vault:__proto__', '__proto__'], 'strict', ['config', 'context', 'vault:__proto__']],
  ];
  for (const [name, requested, granted, level, expected] of table) {
    it(name, () => assert.deepEqual(view(effectiveCapabilities(requested, granted, level)), expected));
  }

  it('defaults to strict and keeps risk levels', () => {
    const eff = effectiveCapabilities(caps([{ vault: ['a'] }]), ['vault:a']);
    assert.deepEqual(eff[0], { kind: 'vault', risk: 'high', keys: ['a'] });
  });

  it('the paranoid ceiling keeps the baseline and the low-reach kinds', () => {
    assert.deepEqual([...levelCeiling('paranoid')].sort(), ['channel', 'config', 'context', 'memory', 'storage']);
    assert.equal(levelCeiling('strict').size, 11);
  });
});

/** An audit store that keeps entries in an array. */
function memoryAudit(fail = false): AuditStore & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async append(e) {
      if (fail) throw new Error('disk full');
      entries.push(e);
      return entries.length;
    },
    async query() { return { records: [], total: 0 }; },
    async prune() { return 0; },
  };
}

describe('createGate', () => {
  const effective = effectiveCapabilities(caps([{ storage: 'kv' }, { vault: ['a'] }]), ['storage:kv', 'vault:a']);

  it('allows what is effective; records allows only for audited kinds', async () => {
    const audit = memoryAudit();
    const gate = createGate({ plugin: 'p', effective, audit });
    assert.equal((await gate.require('storage', 'kv get "k"')).kind, 'storage');
    assert.equal(audit.entries.length, 0);
    assert.ok(await gate.check('vault', 'vault get "a"', (c) => c.keys.includes('a')));
    assert.deepEqual(audit.entries, [{ plugin: 'p', capability: 'vault', detail: 'vault get "a"', decision: 'allow' }]);
  });

  it('denies what is not effective, or not covered, and records each denial', async () => {
    const audit = memoryAudit();
    const gate = createGate({ plugin: 'p', effective, audit });
    const e = await rejectsWithCode(gate.require('network', 'GET https://x.com/'), 'PERMISSION_DENIED');
    assert.deepEqual(e.data, { capability: 'network', detail: 'GET https://x.com/' });
    assert.equal(await gate.check('vault', 'vault get "b"', (c) => c.keys.includes('b')), undefined);
    assert.deepEqual(audit.entries.map((r) => [r.capability, r.decision, r.reason]), [
      ['network', 'deny', 'capability not granted'], ['vault', 'deny', 'not covered by the grant'],
    ]);
  });

  it('cuts long details in records and errors', async () => {
    const audit = memoryAudit();
    const e = await rejectsWithCode(createGate({ plugin: 'p', effective: [], audit }).require('tool', 'x'.repeat(5000)), 'PERMISSION_DENIED');
    assert.equal(audit.entries[0]!.detail.length, MAX_DETAIL);
    assert.ok(e.message.length < MAX_DETAIL + 100);
  });

  it('a failing audit store does not turn a denial into an allow', async () => {
    const seen: unknown[] = [];
    const gate = createGate({ plugin: 'p', effective: [], audit: memoryAudit(true), onAuditError: (err) => seen.push(err) });
    await rejectsWithCode(gate.require('storage', 'kv get'), 'PERMISSION_DENIED');
    assert.equal(seen.length, 1);
  });

  it('over the rate limit → LIMIT_EXCEEDED, recorded; tokens come back with time', async () => {
    let now = 1_000;
    const audit = memoryAudit();
    const gate = createGate({ plugin: 'p', effective, audit, rateLimits: { storage: { perSecond: 2 } }, now: () => now });
    await gate.require('storage', 'a');
    await gate.require('storage', 'b');
    const e = await rejectsWithCode(gate.require('storage', 'c'), 'LIMIT_EXCEEDED');
    assert.deepEqual(e.data, { limit: 'rate', capability: 'storage', max: 2 });
    assert.deepEqual(audit.entries.map((r) => [r.detail, r.decision]), [['c', 'deny']]);
    now += 500;
    await gate.require('storage', 'd');
    await gate.require('vault', 'no limit on vault', () => true);
  });
});

describe('createRateLimiter', () => {
  it('refills at perSecond up to burst', () => {
    let now = 0;
    const rl = createRateLimiter({ channel: { perSecond: 10, burst: 3 } }, () => now);
    assert.deepEqual([rl.take('channel'), rl.take('channel'), rl.take('channel')], [undefined, undefined, undefined]);
    assert.ok(rl.take('channel'));
    now = 10_000;
    assert.equal([1, 2, 3, 4].filter(() => rl.take('channel') === undefined).length, 3);
    assert.equal(rl.take('storage'), undefined);
  });

  it('refuses nonsense limits up front', () => {
    assert.throws(() => createRateLimiter({ storage: { perSecond: 0 } }, Date.now), RangeError);
    assert.throws(() => createRateLimiter({ storage: { perSecond: 1, burst: 0.5 } }, Date.now), RangeError);
  });
});
