// The mapping between Warden tools and MCP tools: collision-free names within MCP's rules,
// input schemas, and plugin outputs and errors as tools/call results.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WardenError } from '../../src/errors.js';
import { MCP_TOOL_NAME, assignToolNames, buildCatalog, errorResult, inputSchemaOf, outputResult, type ToolRef } from '../../src/mcp/index.js';

const ref = (plugin: string, tool: string): ToolRef => ({ plugin, tool });
const tool = (plugin: string, name: string, parameters?: unknown) => ({ plugin, name, description: `${plugin} ${name}`, parameters });

describe('assignToolNames', () => {
  it('names a tool <plugin>__<tool> when that is unambiguous and fits', () => {
    assert.deepEqual(assignToolNames([ref('notes', 'kv_get'), ref('web-fetch', 'fetch')]), ['notes__kv_get', 'web-fetch__fetch']);
  });

  it('gives both tools that map to the same text a hashed name, whatever their order', () => {
    const refs = [ref('a', 'b__c'), ref('a__b', 'c'), ref('x', 'y')];
    const names = assignToolNames(refs);
    assert.equal(names[2], 'x__y');
    assert.notEqual(names[0], names[1]);
    for (const n of names) assert.match(n!, MCP_TOOL_NAME);
    assert.match(names[0]!, /^a__b__c_[0-9a-f]{8}$/);
    assert.deepEqual(assignToolNames([refs[2]!, refs[1]!, refs[0]!]), [names[2], names[1], names[0]]);
  });

  it('cuts a name past 64 characters and keeps it unique with a hash of plugin and tool', () => {
    const plugin = 'p'.repeat(64);
    const names = assignToolNames([ref(plugin, `${'t'.repeat(63)}1`), ref(plugin, `${'t'.repeat(63)}2`)]);
    for (const n of names) {
      assert.equal(n!.length, 64);
      assert.match(n!, MCP_TOOL_NAME);
    }
    assert.notEqual(names[0], names[1]);
  });

  it('replaces characters MCP clients refuse, and never lets a hashed name take a plain one', () => {
    const [odd] = assignToolNames([ref('dotted.plugin', 'tool/x')]);
    assert.match(odd!, /^dotted_plugin__tool_x_[0-9a-f]{8}$/);
    // A tool named to equal another's hashed name keeps the plain name; the other gets more digits.
    const hashed = assignToolNames([ref('a', 'b__c'), ref('a__b', 'c')]);
    const squatter = ref('a', hashed[0]!.slice('a__'.length));
    const names = assignToolNames([ref('a', 'b__c'), ref('a__b', 'c'), squatter]);
    assert.equal(names[2], hashed[0]);
    assert.match(names[0]!, /_[0-9a-f]{16}$/);
    assert.equal(new Set(names).size, 3);
  });
});

describe('buildCatalog', () => {
  it('lists tools sorted by plugin and tool, and resolves each name to its plugin tool only', () => {
    const catalog = buildCatalog([tool('zeta', 'run'), tool('alpha', 'b'), tool('alpha', 'a')]);
    assert.deepEqual(catalog.tools.map((t) => t.name), ['alpha__a', 'alpha__b', 'zeta__run']);
    assert.deepEqual(catalog.resolve('zeta__run'), ref('zeta', 'run'));
    for (const name of ['zeta', 'run', '__proto__', 'constructor', 'alpha__a ']) assert.equal(catalog.resolve(name), undefined, name);
  });

  it('uses the manifest schema as inputSchema, and an empty object schema when there is none', () => {
    const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false };
    assert.equal(inputSchemaOf(schema), schema);
    for (const odd of [undefined, null, [], 'x', { type: 'string' }]) assert.deepEqual(inputSchemaOf(odd), { type: 'object', properties: {}, additionalProperties: false });
  });
});

describe('outputResult and errorResult', () => {
  const bytes = (s: string) => ({ bytes: new TextEncoder().encode(s) });

  it('gives text, with structuredContent only for a JSON object', () => {
    assert.deepEqual(outputResult(bytes('{"n":1}'), ref('p', 't')), { content: [{ type: 'text', text: '{"n":1}' }], structuredContent: { n: 1 } });
    for (const text of ['[1,2]', '"s"', '42', 'null', '{not json', 'plain']) assert.deepEqual(outputResult(bytes(text), ref('p', 't')), { content: [{ type: 'text', text }] }, text);
    assert.deepEqual(outputResult(bytes(''), ref('p', 't')), { content: [] });
  });

  it('gives bytes that are not UTF-8 as an embedded binary resource', () => {
    const result = outputResult({ bytes: new Uint8Array([0xff, 0x00, 0xfe]) }, ref('p', 't'));
    assert.deepEqual(result.content, [{ type: 'resource', resource: { uri: 'warden://p/t/output', mimeType: 'application/octet-stream', blob: '/wD+' } }]);
  });

  it('maps a WardenError to an isError result with its code, and nothing else', () => {
    const e = new WardenError('PERMISSION_DENIED', 'storage:kv is not granted', { data: { secret: 'x' } });
    assert.deepEqual(errorResult(e), { isError: true, content: [{ type: 'text', text: 'PERMISSION_DENIED: storage:kv is not granted' }], _meta: { 'warden/code': 'PERMISSION_DENIED' } });
    assert.equal(errorResult(new Error('host bug')), undefined);
    assert.equal(errorResult('thrown string'), undefined);
  });
});
