/**
 * A manifest embedded in the module itself, as a custom section named `warden.manifest` holding
 * UTF-8 YAML or JSON, so that one `.wasm` file is a complete plugin. Custom sections do not change
 * what the module does; they are covered by the module's sha256 like every other byte.
 *
 * Precedence when a plugin has both a manifest file and an embedded manifest: the file wins, but
 * only for the same plugin — a different `name` is refused as a conflict. The file is the
 * document that names the module's sha256 and that the operator reviews beside it, so it may
 * correct or narrow what the build embedded; a file naming a different plugin means the wrong
 * files were put together (or one plugin is being passed off as another). See docs/manifest.md.
 */
import { readModuleInfo } from '../runtime/wasm/module-info.js';
import { encodeU32 } from '../runtime/wasm/reader.js';
import { manifestError, problem, type ManifestProblem } from './problems.js';
import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from './parse.js';

/** The custom section name that holds an embedded manifest. */
export const MANIFEST_SECTION = 'warden.manifest';

const encoder = new TextEncoder();

/**
 * The embedded manifest's text, or undefined when the module has none. Throws `INVALID_WASM`
 * for malformed modules and `MANIFEST_INVALID` for two manifest sections, a section over
 * {@link MAX_MANIFEST_BYTES}, or text that is not UTF-8.
 */
export function readEmbeddedManifest(bytes: Uint8Array): string | undefined {
  const sections = readModuleInfo(bytes).sections.filter((s) => s.id === 0 && s.name === MANIFEST_SECTION);
  if (sections.length === 0) return undefined;
  const source = `${MANIFEST_SECTION} section`;
  if (sections.length > 1) throw manifestError([problem([], `the module holds ${sections.length} ${MANIFEST_SECTION} sections; exactly one is allowed`)], source);
  const [start, end] = sections[0]!.range;
  if (end - start > MAX_MANIFEST_BYTES) {
    throw manifestError([problem([], `is ${end - start} bytes; a manifest may be at most ${MAX_MANIFEST_BYTES} bytes`)], source);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes.subarray(start, end));
  } catch {
    throw manifestError([problem([], 'is not valid UTF-8')], source);
  }
}

/**
 * Returns a copy of `bytes` with `text` appended as the `warden.manifest` custom section,
 * replacing any manifest section already there. The text is validated first (as an embedded
 * manifest), so a build never ships a manifest Warden would refuse.
 *
 * @example writeFileSync('plugin.wasm', embedManifest(readFileSync('plugin.wasm'), yamlText));
 */
export function embedManifest(bytes: Uint8Array, text: string): Uint8Array<ArrayBuffer> {
  parseManifest(text, `${MANIFEST_SECTION} section`, { origin: 'embedded' });
  const info = readModuleInfo(bytes);
  const payload = encoder.encode(text);
  const name = encoder.encode(MANIFEST_SECTION);
  const body = [...encodeU32(name.length), ...name];
  const header = [0, ...encodeU32(body.length + payload.length), ...body];
  const section = new Uint8Array(header.length + payload.length);
  section.set(header, 0);
  section.set(payload, header.length);

  // Keep every section except old manifest sections, byte for byte. A section's bytes run from
  // its id byte to the end of its payload; the id byte sits just before the size LEB.
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  let pos = 8;
  for (const s of info.sections) {
    const end = s.range[1];
    if (!(s.id === 0 && s.name === MANIFEST_SECTION)) kept.push(bytes.subarray(pos, end));
    pos = end;
  }
  kept.push(section);
  // A copy into a fresh ArrayBuffer: Buffer.concat may hand out a slice of Node's shared pool.
  return new Uint8Array(Buffer.concat(kept));
}

/** The manifest a plugin runs with, where it came from, and what was noticed on the way. */
export interface ResolvedManifest extends ParsedManifest {
  origin: 'file' | 'embedded';
}

/**
 * Applies the precedence rule: the file wins when both exist and name the same plugin (with a
 * warning if they differ otherwise); different names are a `MANIFEST_INVALID` conflict.
 */
export function resolveManifest(file: ParsedManifest | undefined, embedded: ParsedManifest | undefined): ResolvedManifest {
  if (file === undefined && embedded === undefined) {
    throw manifestError([problem([], `no manifest: add a manifest file beside the module, or embed one in its ${MANIFEST_SECTION} section`)], 'plugin');
  }
  if (file === undefined) return { ...embedded!, origin: 'embedded' };
  if (embedded === undefined) return { ...file, origin: 'file' };
  if (file.manifest.name !== embedded.manifest.name) {
    throw manifestError(
      [problem(['name'], `the manifest file names plugin "${file.manifest.name}" but the module embeds a manifest for "${embedded.manifest.name}": use the file that belongs to this module, or remove one of them`)],
      'plugin',
    );
  }
  const warnings: ManifestProblem[] = [...file.warnings];
  const { wasm: _wasm, ...fileRest } = file.manifest;
  if (JSON.stringify(fileRest) !== JSON.stringify(embedded.manifest)) {
    warnings.push(problem([], 'the manifest file differs from the one embedded in the module; the file is used'));
  }
  return { manifest: file.manifest, warnings, origin: 'file' };
}
