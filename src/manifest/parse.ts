/**
 * Reads a manifest: text (YAML, or JSON, which the YAML parser reads too) → plain data → schema →
 * a normalised {@link Manifest}. The text is untrusted: its size is capped before parsing, alias
 * expansion is capped (billion-laughs documents), duplicate keys and unknown tags are errors, and
 * `__proto__` keys are plain data that never reach a prototype.
 */
import { parseDocument } from 'yaml';
import { WardenError } from '../errors.js';
import { formatProblem, manifestError, problem, problemsFromZod, zodMessage, type ManifestProblem } from './problems.js';
import { MANIFEST_KEYS, manifestSchema, type Manifest } from './schema.js';

/** The largest manifest accepted, in UTF-8 bytes. */
export const MAX_MANIFEST_BYTES = 256 * 1024;
/** How many alias expansions a manifest may make; a real manifest needs a handful at most. */
export const MAX_ALIAS_COUNT = 64;

/** Where a manifest came from; an embedded manifest does not list its wasm files. */
export type ManifestOrigin = 'file' | 'embedded';

/** Options for {@link parseManifest}. */
export interface ParseManifestOptions {
  /**
   * `file`: a manifest beside its wasm, which must list `wasm`. `embedded`: read from the module's
   * `warden.manifest` section, where `wasm` is the module itself and is ignored with a warning.
   * @default 'file'
   */
  origin?: ManifestOrigin;
}

/** A parsed manifest and the non-fatal findings about it. */
export interface ParsedManifest {
  manifest: Manifest;
  warnings: ManifestProblem[];
}

/**
 * Parses and validates a manifest. Throws one `MANIFEST_INVALID` error listing every problem
 * (`data.errors`, each with its field path); returns warnings such as unknown capabilities.
 *
 * @param source names the manifest in messages, e.g. its file name
 * @example
 * const { manifest, warnings } = parseManifest(readFileSync('warden.yaml', 'utf8'), 'warden.yaml');
 */
export function parseManifest(text: string, source = 'manifest', options: ParseManifestOptions = {}): ParsedManifest {
  const origin = options.origin ?? 'file';
  const data = readYamlDocument(text, source);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw manifestError([problem([], 'expected a mapping with name, version, description, tools and capabilities')], source);
  }
  const warnings: ManifestProblem[] = [];
  for (const key of Object.keys(data)) {
    if (!MANIFEST_KEYS.includes(key)) warnings.push(problem([key], 'unknown key ignored'));
  }
  const schema = manifestSchema((path, message) => warnings.push(problem(path, message)));
  const result = schema.safeParse(data, { error: zodMessage });
  const errors = result.success ? [] : problemsFromZod(result.error.issues);
  if (result.success && origin === 'file' && result.data.wasm === undefined) {
    errors.push(problem(['wasm'], 'required in a manifest file: list the module(s), e.g. wasm: [{ path: plugin.wasm, sha256: … }]'));
  }
  if (errors.length > 0 || !result.success) throw manifestError(errors, source);
  const manifest = result.data;
  if (origin === 'embedded' && manifest.wasm !== undefined) {
    warnings.push(problem(['wasm'], 'ignored in an embedded manifest (the module is the one it is embedded in)'));
    delete manifest.wasm;
  }
  return { manifest, warnings };
}

/**
 * YAML (or JSON) text → plain data, with every YAML error reported with its line and column,
 * the size and alias expansion capped. `fail` builds the error (a manifest's by default).
 */
export function readYamlDocument(text: string, source: string, fail: (errors: ManifestProblem[], source: string) => WardenError = manifestError): unknown {
  const manifestError = fail;
  if (typeof text !== 'string') throw manifestError([problem([], 'expected the manifest text')], source);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_MANIFEST_BYTES) {
    throw manifestError([problem([], `is ${bytes} bytes; a manifest may be at most ${MAX_MANIFEST_BYTES} bytes`)], source);
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    const doc = parseDocument(body, { schema: 'core', uniqueKeys: true, prettyErrors: true, strict: true, merge: false });
    const issues = [...doc.errors, ...doc.warnings].map((e) => {
      const at = e.linePos?.[0];
      const reason = e.message.split(' at line ')[0]!.split('\n')[0]!;
      return problem([], `${at ? `line ${at.line}, column ${at.col}: ` : ''}${reason} (${e.code})`);
    });
    if (issues.length > 0) throw manifestError(issues, source);
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof WardenError) throw e;
    // The parser's own limits (alias count, nesting depth → RangeError) end up here.
    const reason = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw manifestError([problem([], `cannot be read: ${reason.slice(0, 200)}`)], source);
  }
}

/** The problems of a `MANIFEST_INVALID` error as `path: message` lines (empty for other errors). */
export function manifestErrorLines(e: unknown): string[] {
  if (!(e instanceof WardenError) || e.code !== 'MANIFEST_INVALID') return [];
  const errors = e.data.errors as ManifestProblem[] | undefined;
  return (errors ?? []).map(formatProblem);
}
