/**
 * How manifest errors and warnings are reported: each problem names the field it is about in the
 * form operators read (`tools[1].parameters.name.type`), and all of a manifest's errors are
 * thrown together as one `MANIFEST_INVALID`, so a plugin author fixes them in one pass.
 */
import type { core } from 'zod';
import { WardenError } from '../errors.js';

/** One error or warning about a manifest, with the field it is about. */
export interface ManifestProblem {
  /** Field path such as `tools[1].parameters.name.type`; `(manifest)` for the document itself. */
  path: string;
  /** What is wrong and, where it helps, what to write instead. */
  message: string;
}

/** A field path as a list of keys and indices, relative to wherever the check started. */
export type FieldPath = readonly PropertyKey[];

/** How many problems the error message lists; `data.errors` always holds all of them. */
export const MESSAGE_PROBLEM_LIMIT = 10;

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/**
 * Renders a path: indices as `[1]`, plain keys as `.name`, other keys quoted (`["a.b"]`).
 *
 * @example formatPath(['tools', 1, 'parameters', 'name', 'type']) // 'tools[1].parameters.name.type'
 */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out === '' ? '(manifest)' : out;
}

/** Builds a problem from a path and a message. */
export function problem(path: FieldPath, message: string): ManifestProblem {
  return { path: formatPath(path), message };
}

/** `path: message`, the one-line form used in error messages and CLI output. */
export function formatProblem(p: ManifestProblem): string {
  return `${p.path}: ${p.message}`;
}

/** Builds the one `MANIFEST_INVALID` error that carries every problem in `data.errors`. */
export function manifestError(errors: ManifestProblem[], source = 'manifest'): WardenError {
  const shown = errors.slice(0, MESSAGE_PROBLEM_LIMIT).map((p) => `  - ${formatProblem(p)}`);
  const more = errors.length > MESSAGE_PROBLEM_LIMIT ? [`  … and ${errors.length - MESSAGE_PROBLEM_LIMIT} more`] : [];
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  const message = [
    `${source} is not a valid plugin manifest (${count}):`,
    ...shown,
    ...more,
    'Fix the fields named above and load the plugin again (the manifest reference is docs/manifest.md).',
  ].join('\n');
  return new WardenError('MANIFEST_INVALID', message, { data: { source, errors } });
}

/** A short description of a value for "expected X, got Y" messages (never the value itself). */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v === 'string' ? 'a string' : `${typeof v} ${String(v).slice(0, 20)}`;
}

/**
 * The per-parse zod error map: plain messages for zod's generic issues. Messages given on the
 * schema itself take precedence, so this only covers what the schema leaves generic.
 */
export function zodMessage(iss: core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? `required (expected ${iss.expected})` : `expected ${iss.expected}, got ${describeValue(iss.input)}`;
    case 'invalid_value':
      return iss.values.length === 1 ? `expected ${String(iss.values[0])}` : `expected one of ${iss.values.map(String).join(', ')}`;
    case 'too_small':
      if (iss.origin === 'string') return `must not be shorter than ${String(iss.minimum)} characters`;
      if (iss.origin === 'array') return `needs at least ${String(iss.minimum)} item(s)`;
      return `must be at least ${String(iss.minimum)}`;
    case 'too_big':
      if (iss.origin === 'string') return `must not be longer than ${String(iss.maximum)} characters`;
      if (iss.origin === 'array') return `must not have more than ${String(iss.maximum)} items`;
      return `must be at most ${String(iss.maximum)}`;
    case 'unrecognized_keys':
      return `unknown key(s) ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    default:
      return undefined;
  }
}

/** Converts zod issues into problems; an unknown key becomes one problem at the key's own path. */
export function problemsFromZod(issues: readonly core.$ZodIssue[]): ManifestProblem[] {
  return issues.flatMap((iss) =>
    iss.code === 'unrecognized_keys'
      ? iss.keys.map((k) => problem([...iss.path, k], 'unknown key (check its spelling)'))
      : [problem(iss.path, iss.message)],
  );
}
