// docs/errors.md and src/errors.ts list the same codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { ERROR_CODES, WardenError } from '../src/errors.js';

it('documents every error code, and only those', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual([...documented].sort(), Object.keys(ERROR_CODES).sort());
});

it('round-trips through JSON with its code and data', () => {
  const e = new WardenError('TIMEOUT', 'too slow', { data: { timeoutMs: 5 } });
  const back = WardenError.fromJSON(JSON.parse(JSON.stringify(e)));
  assert.equal(back.code, 'TIMEOUT');
  assert.deepEqual(back.data, { timeoutMs: 5 });
});
