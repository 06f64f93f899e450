/**
 * Canonical JSON: one byte string per value, so that a signature over a manifest does not depend
 * on the order its author wrote keys in. Object keys are sorted by UTF-16 code units, there is no
 * whitespace, and strings and numbers are written as `JSON.stringify` writes them — the rules of
 * RFC 8785 (JCS) for the values a manifest holds. Anything JSON cannot carry exactly is refused
 * rather than silently dropped or turned into `null`, because a value that vanished from the
 * signed bytes would be a value the signature does not cover.
 */
import { WardenError } from '../errors.js';

/** Deeper than any manifest gets (tool parameter schemas are capped far lower). */
const MAX_DEPTH = 64;

/**
 * The canonical JSON text of `value`. Object properties whose value is `undefined` are left out
 * (an absent optional field); `undefined` elsewhere, non-finite numbers, bigints, functions,
 * symbols and objects other than plain objects and arrays are refused with `INVALID_ARGUMENT`.
 *
 * @example canonicalJson({ b: [1, 'x'], a: { d: true, c: null } }) // '{"a":{"c":null,"d":true},"b":[1,"x"]}'
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', 0);
}

function write(value: unknown, path: string, depth: number): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw notJson(path, 'a non-finite number');
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw notJson(path, `a ${typeof value}`);
  if (depth >= MAX_DEPTH) throw notJson(path, `nesting deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    // Array.from visits holes of a sparse array as undefined, which is refused like any other.
    return `[${Array.from(value, (item: unknown, i) => write(item, `${path}[${i}]`, depth + 1)).join(',')}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw notJson(path, 'an object that is not a plain object');
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, depth + 1)}`);
  return `{${members.join(',')}}`;
}

function notJson(path: string, what: string): WardenError {
  return new WardenError('INVALID_ARGUMENT', `cannot sign ${what} at ${path}: the signed payload holds JSON values only`, { data: { path } });
}
