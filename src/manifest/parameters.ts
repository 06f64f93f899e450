/**
 * Tool parameters. Authors write either the short form (`name: { type: string, required: true }`)
 * or a full JSON Schema (`{ type: object, properties, required }`); both come out as one JSON
 * Schema shape, so the MCP bridge, the API and the web UI only ever see JSON Schema.
 */
import type { FieldPath } from './problems.js';

/** The JSON Schema types a parameter may use. */
export const PARAMETER_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;

/** One of {@link PARAMETER_TYPES}. */
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** A JSON Schema node as Warden keeps it; keywords Warden does not check pass through unchanged. */
export interface JsonSchema {
  type: ParameterType;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
}

/** A tool's normalised parameters: always an object schema with every structural field present. */
export interface ParametersSchema extends JsonSchema {
  type: 'object';
  properties: Record<string, JsonSchema>;
  required: string[];
  additionalProperties: boolean | JsonSchema;
}

/** A problem found in the parameters, with its path relative to `parameters`. */
export interface ParameterIssue {
  path: FieldPath;
  message: string;
}

/** How deeply schemas may nest; deeper is refused rather than recursed into. */
export const MAX_SCHEMA_DEPTH = 16;

const PROPERTY_NAME = /^[A-Za-z_$][A-Za-z0-9_$.-]{0,63}$/;
const TYPE_LIST = PARAMETER_TYPES.join(', ');

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Normalises a tool's `parameters` (short form, full JSON Schema, or absent) into a
 * {@link ParametersSchema}. Returns `issues` instead of throwing, so the caller reports every
 * problem of the manifest together; `schema` is undefined when there is any issue.
 *
 * @example
 * normaliseParameters({ name: { type: 'string', required: true } }).schema
 * // { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false }
 */
export function normaliseParameters(input: unknown): { schema?: ParametersSchema; issues: ParameterIssue[] } {
  const issues: ParameterIssue[] = [];
  const fail = (path: FieldPath, message: string): void => void issues.push({ path, message });
  let schema: JsonSchema | undefined;
  if (input === undefined || input === null) schema = { type: 'object', properties: {} };
  else if (!isMapping(input)) fail([], 'expected a mapping of parameter names, or a JSON Schema with type: object');
  else if (typeof input.type === 'string') {
    if (input.type !== 'object') fail(['type'], 'a tool\'s parameters schema must have type: object');
    else schema = node(input, [], 0, fail);
  } else schema = shortForm(input, fail);
  if (schema === undefined || issues.length > 0) return { issues };
  return {
    issues,
    schema: {
      ...schema,
      type: 'object',
      properties: schema.properties ?? {},
      required: schema.required ?? [],
      additionalProperties: schema.additionalProperties ?? false,
    },
  };
}

type Fail = (path: FieldPath, message: string) => void;

function shortForm(input: Record<string, unknown>, fail: Fail): JsonSchema {
  const properties: [string, JsonSchema][] = [];
  const required: string[] = [];
  for (const [name, raw] of Object.entries(input)) {
    if (!checkName(name, [name], fail)) continue;
    const entry = typeof raw === 'string' ? { type: raw } : raw;
    if (!isMapping(entry)) {
      fail([name], 'expected { type: …, required: true|false } or a type name');
      continue;
    }
    const { required: isRequired, ...rest } = entry;
    const schema = node(rest, [name], 1, fail);
    if (isRequired !== undefined && typeof isRequired !== 'boolean') fail([name, 'required'], 'expected true or false');
    if (isRequired === true) required.push(name);
    if (schema) properties.push([name, schema]);
  }
  return { type: 'object', properties: Object.fromEntries(properties), required };
}

function checkName(name: string, path: FieldPath, fail: Fail): boolean {
  if (name === '__proto__' || !PROPERTY_NAME.test(name)) {
    fail(path, 'a parameter name is 1–64 letters, digits, "_", "$", "." or "-", starting with a letter, "_" or "$" (and not __proto__)');
    return false;
  }
  return true;
}

/** Validates one JSON Schema node and returns a copy built from own properties only. */
function node(input: Record<string, unknown>, path: FieldPath, depth: number, fail: Fail): JsonSchema | undefined {
  if (depth > MAX_SCHEMA_DEPTH) {
    fail(path, `schemas nest at most ${MAX_SCHEMA_DEPTH} levels deep`);
    return undefined;
  }
  const out: [string, unknown][] = [];
  const type = input.type;
  if (typeof type !== 'string' || !(PARAMETER_TYPES as readonly string[]).includes(type)) {
    fail([...path, 'type'], `expected one of ${TYPE_LIST}`);
  }
  for (const [key, value] of Object.entries(input)) {
    const at = [...path, key];
    switch (key) {
      case 'properties':
        if (!isMapping(value)) fail(at, 'expected a mapping of property names to schemas');
        else out.push([key, properties(value, at, depth, fail)]);
        break;
      case 'required':
        if (!Array.isArray(value) || !value.every((n) => typeof n === 'string')) {
          fail(at, 'in JSON Schema, required is a list of property names (`required: true` belongs to the short form)');
        } else {
          value.forEach((n, i) => isMapping(input.properties) && !Object.hasOwn(input.properties, n) && fail([...at, i], `names no property "${n}"`));
          out.push([key, [...new Set(value)]]);
        }
        break;
      case 'items':
      case 'additionalProperties':
        if (key === 'additionalProperties' && typeof value === 'boolean') out.push([key, value]);
        else if (!isMapping(value)) fail(at, key === 'items' ? 'expected a schema' : 'expected true, false or a schema');
        else out.push([key, node(value, at, depth + 1, fail)]);
        break;
      case '$ref':
      case '$dynamicRef':
        fail(at, 'references are not supported: write the schema inline');
        break;
      case '__proto__':
        fail(at, 'key __proto__ is not allowed');
        break;
      default:
        out.push([key, value]);
    }
  }
  // `properties` without an explicit additionalProperties closes the object: a tool gets only
  // the arguments it declared. A bare `{ type: object }` stays open (it means "any object").
  if (type === 'object' && isMapping(input.properties) && !('additionalProperties' in input)) out.push(['additionalProperties', false]);
  return Object.fromEntries(out) as JsonSchema;
}

function properties(input: Record<string, unknown>, path: FieldPath, depth: number, fail: Fail): Record<string, JsonSchema> {
  const out: [string, JsonSchema][] = [];
  for (const [name, value] of Object.entries(input)) {
    if (!checkName(name, [...path, name], fail)) continue;
    if (!isMapping(value)) fail([...path, name], 'expected a schema mapping such as { type: string }');
    else {
      const schema = node(value, [...path, name], depth + 1, fail);
      if (schema) out.push([name, schema]);
    }
  }
  return Object.fromEntries(out);
}
