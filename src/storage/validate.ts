/**
 * Argument checks shared by every driver. Keys and ids are data, never paths or patterns: they
 * only have to be well-formed strings, so that two different strings never store as one.
 */
import { WardenError } from '../errors.js';

const encoder = new TextEncoder();

/** Most bytes of a plugin id, a vault key name or a config key. */
export const MAX_NAME_BYTES = 256;

/**
 * Checks a string argument: a string, not empty, well-formed UTF-16 (a lone surrogate would
 * encode as U+FFFD and collide with another key) and at most `maxBytes` of UTF-8. Returns
 * its UTF-8 bytes.
 */
export function utf8Arg(value: unknown, path: string, maxBytes = MAX_NAME_BYTES): Uint8Array {
  if (typeof value !== 'string') throw invalid(`${path} must be a string`, path);
  if (value.length === 0) throw invalid(`${path} must not be empty`, path);
  if (!value.isWellFormed()) throw invalid(`${path} must be well-formed Unicode (no lone surrogates)`, path);
  const bytes = encoder.encode(value);
  if (bytes.length > maxBytes) throw invalid(`${path} is ${bytes.length} bytes; the most is ${maxBytes}`, path);
  return bytes;
}

/** A plugin id: a non-empty well-formed string of at most 256 bytes. */
export function pluginArg(value: unknown): string {
  utf8Arg(value, 'plugin');
  return value as string;
}

/** A name (vault key, config key, capability): as {@link pluginArg}, without control characters. */
export function nameArg(value: unknown, path: string): string {
  utf8Arg(value, path);
  if (/[\u0000-\u001f\u007f]/.test(value as string)) throw invalid(`${path} must not contain control characters`, path);
  return value as string;
}

/** A byte value: a `Uint8Array` (a `Buffer` is one). */
export function bytesArg(value: unknown, path: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalid(`${path} must be a Uint8Array`, path);
  return value;
}

/** A time: an integer of milliseconds since the epoch. */
export function timeArg(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(`${path} must be an integer (ms since the epoch)`, path);
  return value;
}

/** A JSON-serialisable value, serialised; `undefined`, functions and cycles are refused. */
export function jsonArg(value: unknown, path: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw invalid(`${path} must be JSON-serialisable`, path, e);
  }
  if (text === undefined) throw invalid(`${path} must be JSON-serialisable`, path);
  return text;
}

/** An `INVALID_ARGUMENT` error naming the argument (never its value). */
export function invalid(message: string, path: string, cause?: unknown): WardenError {
  return new WardenError('INVALID_ARGUMENT', message, { data: { path }, cause });
}

/**
 * The smallest byte string greater than every string starting with `prefix`, or `undefined`
 * when there is none (all 0xff). Range scans with it need no LIKE pattern, so `%` and `_` in a
 * prefix are plain bytes.
 */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  const end = Uint8Array.from(prefix); // a copy: Buffer#slice would alias
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] !== 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}
