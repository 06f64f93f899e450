// The C SDK (sdk/c/warden.h) in a real Warden: the shared SDK suite, plus its JSON reader and
// writer and the per-call arena.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sdkConformance } from './conformance.js';

const rig = sdkConformance('sdk-c');

describe('sdk-c: JSON and memory', () => {
  it('writes escapes and extreme integers, decodes \\u pairs and escaped keys', async () => {
    const out = (await rig().call('json_build')).text();
    assert.equal(out, '{"escapes":"q\\" b\\\\ n\\n t\\t c\\u0001 é","negative":-42,"min":-9223372036854775808,"pair":"😀 é","escapedKey":"found"}');
  });

  it('validates JSON strictly', async () => {
    const valid = ['{"a":[1,2,{"b":null}]}', ' "x" ', '-0.5e-3', 'true', '[]', '{}'];
    const invalid = ['{"a":1,}', '[1 2]', '01', '"abc', '{"a" 1}', '1.', '', '-', '1e', 'tru', '[1]]', '{1:2}', `${'['.repeat(130)}${']'.repeat(130)}`];
    for (const text of valid) assert.equal((await rig().call('json_parse', text)).text(), 'ok', text);
    for (const text of invalid) assert.equal((await rig().call('json_parse', text)).text(), 'error', text);
  });

  it('resets the arena at every call, so memory does not grow with calls', async () => {
    const first = Number((await rig().call('arena_churn')).text());
    for (let k = 0; k < 20; k++) await rig().call('arena_churn');
    assert.equal(Number((await rig().call('arena_churn')).text()), first);
  });
});
