// What a host function knows about the call it serves: the caller's context (frozen), a call id,
// the count of host calls (capped per call); and the denial hook that feeds the audit log.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import wabtInit from 'wabt';
import { createHost, freezeContext, type CallInfo, type DeniedEvent } from '../../src/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { fixture } from '../helpers/fixture.js';

const wabt = await wabtInit();
/** Calls `extism:host/user.tick` as many times as the input's first byte says. */
const ticker = wabt.parseWat('ticker.wat', `(module
  (import "extism:host/user" "tick" (func $tick))
  (import "extism:host/env" "input_load_u8" (func $in (param i64) (result i32)))
  (func (export "run") (result i32) (local $n i32)
    (local.set $n (call $in (i64.const 0)))
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (call $tick)
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (i32.const 0)))`).toBinary({}).buffer;
const host = createHost();
after(() => host.close());

describe('call information for host functions', () => {
  it('hands host functions the caller\'s context, frozen, and a call id', async () => {
    const seen: CallInfo[] = [];
    const plugin = await host.load(ticker, { functions: { 'extism:host/user': { tick: (ctx) => void seen.push(ctx.call) } } });
    const context = { session: 's-1', user: { id: 'ada' } };
    await plugin.call('run', Uint8Array.of(2), { context });
    await plugin.call('run', Uint8Array.of(1));
    assert.deepEqual(seen[0]!.context, context);
    assert.notEqual(seen[0]!.context, context, 'a copy, not the caller\'s object');
    assert.ok(Object.isFrozen((seen[0]!.context as { user: object }).user));
    assert.deepEqual(seen.map((c) => c.hostCalls), [1, 2, 1]);
    assert.equal(seen[0]!.id, seen[1]!.id);
    assert.notEqual(seen[1]!.id, seen[2]!.id);
    assert.equal(seen[2]!.context, undefined);
  });

  it('shares a context made by freezeContext between calls, and hands on the delegation chain', async () => {
    const seen: CallInfo[] = [];
    const plugin = await host.load(ticker, { functions: { 'extism:host/user': { tick: (ctx) => void seen.push(ctx.call) } } });
    const source = { via: 'api', tags: ['a'] };
    const shared = freezeContext(source);
    assert.notEqual(shared, source);
    assert.ok(Object.isFrozen(shared) && Object.isFrozen(shared.tags));
    const delegation = { chain: ['caller'], deadline: Date.now() + 5000 };
    await plugin.call('run', Uint8Array.of(1), { context: shared, delegation });
    await plugin.call('run', Uint8Array.of(1), { context: shared });
    assert.equal(seen[0]!.context, shared);
    assert.equal(seen[1]!.context, shared);
    assert.deepEqual(seen[0]!.delegation, delegation);
    assert.equal(seen[1]!.delegation, undefined);
    source.tags.push('b');
    assert.deepEqual(shared.tags, ['a'], 'a copy of the source');
  });

  it('refuses a context that is not plain data', async () => {
    const plugin = await host.load(ticker, { functions: { 'extism:host/user': { tick: () => undefined } } });
    await rejectsWithCode(plugin.call('run', Uint8Array.of(1), { context: { f: () => 1 } }), 'INVALID_ARGUMENT');
  });

  it('caps host calls per plugin call', async () => {
    const plugin = await host.load(ticker, {
      functions: { 'extism:host/user': { tick: () => undefined } }, limits: { maxHostCallsPerCall: 5 },
    });
    await plugin.call('run', Uint8Array.of(5));
    await rejectsWithCode(plugin.call('run', Uint8Array.of(6)), 'LIMIT_EXCEEDED', 'maxHostCallsPerCall');
    await plugin.call('run', Uint8Array.of(5));
  });
});

describe('denial hook', () => {
  it('reports every refused network request, with the reason', async () => {
    const events: DeniedEvent[] = [];
    const plugin = await host.load(fixture('as_kitchen'), {
      functions: { 'extism:host/user': { reverse: () => 0n } },
      onDenied: (e) => events.push(e),
    });
    await rejectsWithCode(plugin.call('http_get', 'https://not-allowed.test/x'), 'PERMISSION_DENIED');
    assert.equal(events.length, 1);
    assert.equal(events[0]!.capability, 'network');
    assert.equal(events[0]!.detail, 'https://not-allowed.test/x');
    assert.match(events[0]!.reason, /not in the plugin's allowed hosts/);
  });
});
