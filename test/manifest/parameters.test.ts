// Tool parameters: the short form and full JSON Schema normalise to the same schema.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseParameters, parseManifest } from '../../src/manifest/index.js';
import { minimal } from './helpers.js';

function toolParams(yaml: string): unknown {
  const text = minimal(`tools:\n  - name: t\n    description: d\n    parameters:\n${yaml.replace(/^/gm, '      ')}\n`);
  return parseManifest(text).manifest.tools[0]?.parameters;
}

const pathsOf = (input: unknown): string[] => normaliseParameters(input).issues.map((i) => i.path.join('.'));

describe('tool parameters', () => {
  it('normalises the short form and the full form to the same JSON Schema', () => {
    const short = toolParams(`name: { type: string, required: true, description: Who }
count: { type: integer, minimum: 1 }
tags: { type: array, items: { type: string } }
loud: boolean`);
    const full = toolParams(`type: object
properties:
  name: { type: string, description: Who }
  count: { type: integer, minimum: 1 }
  tags: { type: array, items: { type: string } }
  loud: { type: boolean }
required: [name]`);
    const expected = {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Who' },
        count: { type: 'integer', minimum: 1 },
        tags: { type: 'array', items: { type: 'string' } },
        loud: { type: 'boolean' },
      },
      required: ['name'],
      additionalProperties: false,
    };
    assert.deepEqual(short, expected);
    assert.deepEqual(full, expected);
  });

  it('gives a tool without parameters an empty closed object schema', () => {
    const empty = { type: 'object', properties: {}, required: [], additionalProperties: false };
    assert.deepEqual(normaliseParameters(undefined).schema, empty);
    assert.deepEqual(normaliseParameters(null).schema, empty);
    assert.deepEqual(normaliseParameters({}).schema, empty);
  });

  it('keeps an explicit additionalProperties and closes nested objects that list properties', () => {
    const schema = normaliseParameters({
      type: 'object',
      additionalProperties: true,
      properties: { opts: { type: 'object', properties: { a: { type: 'string' } } }, any: { type: 'object' } },
    }).schema;
    assert.equal(schema?.additionalProperties, true);
    assert.equal(schema?.properties.opts?.additionalProperties, false);
    assert.equal('additionalProperties' in (schema?.properties.any ?? {}), false);
  });

  it('accepts a parameter named "type" in the short form', () => {
    assert.deepEqual(normaliseParameters({ type: { type: 'string', required: true } }).schema?.required, ['type']);
  });

  it('reports each broken part with its path', () => {
    assert.deepEqual(pathsOf({ a: { type: 'strin' }, b: 5, c: { type: 'string', required: 'yes' } }), ['a.type', 'b', 'c.required']);
    assert.deepEqual(pathsOf({ type: 'array' }), ['type']);
    assert.deepEqual(pathsOf({ type: 'object', properties: { x: { type: 'string', required: true } } }), ['properties.x.required']);
    assert.deepEqual(pathsOf({ type: 'object', properties: { x: { type: 'string' } }, required: ['y'] }), ['required.0']);
    assert.deepEqual(pathsOf({ type: 'object', properties: { x: { $ref: 'https://evil.example/s.json' } } }), ['properties.x.type', 'properties.x.$ref']);
    assert.deepEqual(pathsOf({ type: 'object', properties: { x: { type: 'array', items: 'string' } } }), ['properties.x.items']);
    assert.deepEqual(pathsOf('name: string'), ['']);
    assert.deepEqual(pathsOf({ 'bad name': { type: 'string' } }), ['bad name']);
  });

  it('refuses schemas nested too deeply instead of recursing without end', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) deep = { type: 'array', items: deep };
    const { schema, issues } = normaliseParameters({ type: 'object', properties: { x: deep } });
    assert.equal(schema, undefined);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /nest at most/);
  });

  it('treats __proto__ as data, never as a prototype', () => {
    const input = JSON.parse('{"__proto__": {"type": "string"}, "ok": {"type": "string"}}') as unknown;
    assert.deepEqual(pathsOf(input), ['__proto__']);
    const full = JSON.parse('{"type":"object","properties":{"a":{"type":"object","__proto__":{"polluted":true}}}}') as unknown;
    assert.deepEqual(pathsOf(full), ['properties.a.__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
