// The AssemblyScript SDK (sdk/assemblyscript) in a real Warden: the shared SDK suite, plus the
// JSON builder and parser that only this SDK has as objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rejectsWithCode } from '../helpers/errors.js';
import { sdkConformance } from './conformance.js';

const rig = sdkConformance('sdk-as');

describe('sdk-as: JSON values', () => {
  it('builds every kind of value and writes valid JSON: escapes, exact integers, NaN as null, replaced keys', async () => {
    const out = await rig().call('json_build');
    assert.equal(out.text(), '{"escapes":"q\\" b\\\\ n\\n t\\t c\\u0001 é 😀\\ud800","list":[9007199254740993,1.5,null,null,true,"x"],'
      + '"words":["a","b"],"quoted":"\\"hi\\\\n\\"","negative":-42,"nothing":null,"replaced":"new"}');
    assert.equal((out.json() as { escapes: string }).escapes, 'q" b\\ n\n t\t c\u0001 é 😀\ud800');
  });

  it('parses strictly and says where it stopped', async () => {
    const cases: [string, string][] = [
      ['{"a":[1,2,{"b":null}]}', 'ok 5'], ['  "x"  ', 'ok 3'], ['-0.5e-3', 'ok 2'], ['true', 'ok 1'], ['null', 'ok 0'],
      ['{"a":1,}', 'error expected a string key at 7'], ['[1 2]', "error expected ',' or ']' at 4"], ['01', 'error unexpected text after the JSON value at 1'],
      ['"\\x"', 'error bad escape at 2'], ['"abc', 'error unterminated string at 4'], ['{"a" 1}', "error expected ':' at 5"],
      ['1.', 'error bad number at 2'], ['', 'error unexpected end of JSON at 0'], ['"\u0001"', 'error control character in string at 1'],
      ['[]]', 'error unexpected text after the JSON value at 2'], ['nul', 'error unexpected character at 0'],
    ];
    for (const [text, expected] of cases) assert.equal((await rig().call('json_parse', text)).text(), expected, text);
  });

  it('tells kinds apart, lists keys in order, and rewrites the text compactly', async () => {
    assert.deepEqual(await rig().json('json_inspect', ' { "b" : [ 1 ] , "a" : true } '), { keys: ['b', 'a'], isArray: false, isBool: false, isNull: false, isObject: true, text: '{"b":[1],"a":true}' });
    assert.deepEqual(await rig().json('json_inspect', '[true]'), { keys: [], isArray: true, isBool: false, isNull: false, isObject: false, text: '[true]' });
    assert.deepEqual(await rig().json('json_inspect', 'false'), { keys: [], isArray: false, isBool: true, isNull: false, isObject: false, text: 'false' });
  });

  it('refuses nesting deeper than 128 without trapping', async () => {
    assert.equal((await rig().call('json_parse', `${'['.repeat(128)}${']'.repeat(128)}`)).text(), 'ok 4');
    assert.match((await rig().call('json_parse', `${'['.repeat(129)}${']'.repeat(129)}`)).text(), /^error nested deeper than 128/);
    assert.match((await rig().call('json_parse', '{"a":'.repeat(100_000))).text(), /^error nested deeper than 128/);
  });

  it('inputJson() fails the call on input that is not JSON; empty input reads as null', async () => {
    await rejectsWithCode(rig().call('json_echo', '{oops'), 'PLUGIN_ERROR', 'input is not valid JSON: expected a string key at 1');
    assert.equal((await rig().call('json_echo')).text(), 'null');
  });

  it('callToolJson() fails the call when the tool does not answer JSON', async () => {
    await rejectsWithCode(rig().call('tool_json_bad'), 'PLUGIN_ERROR', 'tool shout returned text that is not JSON');
  });
});
