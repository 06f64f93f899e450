// Request bodies: a JSON body is parsed and its bytes kept as sent, less a byte-order mark.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readJsonBody } from '../../src/gateway/body.js';

/** A request whose body is `chunks`, sent as `application/json`. */
function jsonRequest(...chunks: Uint8Array[]): IncomingMessage {
  const req = Readable.from(chunks.map((c) => Buffer.from(c))) as unknown as IncomingMessage;
  req.headers = { 'content-type': 'application/json' };
  return req;
}

describe('readJsonBody', () => {
  it('keeps the bytes as sent, across chunks, and drops a byte-order mark', async () => {
    const sent = Buffer.from('{ "a" : [1, 2.50] }');
    const plain = await readJsonBody(jsonRequest(sent.subarray(0, 5), sent.subarray(5)));
    assert.deepEqual(plain?.value, { a: [1, 2.5] });
    assert.deepEqual(Buffer.from(plain!.bytes), sent);
    const marked = await readJsonBody(jsonRequest(Buffer.from([0xef, 0xbb, 0xbf]), sent));
    assert.deepEqual(marked?.value, { a: [1, 2.5] });
    assert.deepEqual(Buffer.from(marked!.bytes), sent);
  });

  it('answers undefined for an empty body', async () => {
    assert.equal(await readJsonBody(jsonRequest()), undefined);
  });
});
