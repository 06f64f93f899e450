/**
 * The bytes a plugin signature covers. They are built from the validated, normalised manifest —
 * the one whose capabilities are enforced — rather than from the manifest's text, so that
 * rewriting the YAML (key order, quoting, comments, JSON instead of YAML) keeps a signature valid
 * while any change to what the plugin may do breaks it. docs/signing.md specifies the format.
 */
import { WardenError } from '../errors.js';
import type { Manifest } from '../manifest/schema.js';
import type { ModuleHash } from '../storage/registry-types.js';
import { canonicalJson } from './canonical-json.js';

/** The format tag of the payload and of the signature file; a new format gets a new tag. */
export const SIGNATURE_FORMAT = 'warden-signature/1';

const MODULE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * The signed bytes: UTF-8 of the canonical JSON (sorted keys, no whitespace) of
 * `{ format, plugin, version, manifest, modules }`, where `modules` is sorted by name and every
 * sha256 is lowercase hex. Pass the manifest exactly as `parseManifest` or `resolveManifest`
 * returned it (a JSON round trip of it gives the same bytes). Malformed modules — no module, a
 * duplicate name, a sha256 that is not 64 hex digits — are refused with `INVALID_ARGUMENT`.
 */
export function signaturePayload(manifest: Manifest, modules: readonly ModuleHash[]): Buffer {
  if (typeof manifest?.name !== 'string' || typeof manifest.version !== 'string') {
    throw bad('expected a validated manifest (from parseManifest)');
  }
  return Buffer.from(canonicalJson({
    format: SIGNATURE_FORMAT,
    plugin: manifest.name,
    version: manifest.version,
    manifest,
    modules: checkModules(modules),
  }), 'utf8');
}

function checkModules(modules: readonly ModuleHash[]): ModuleHash[] {
  if (!Array.isArray(modules) || modules.length === 0) throw bad('expected at least one { name, sha256 }');
  const seen = new Set<string>();
  const out = modules.map((m: unknown, i): ModuleHash => {
    const { name, sha256 } = (typeof m === 'object' && m !== null ? m : {}) as Partial<ModuleHash>;
    if (typeof name !== 'string' || !MODULE_NAME.test(name)) throw bad(`modules[${i}].name must be 1–64 letters, digits, "_", "." or "-"`);
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) throw bad(`modules[${i}].sha256 must be 64 hexadecimal digits`);
    if (seen.has(name)) throw bad(`module name "${name}" appears twice`);
    seen.add(name);
    return { name, sha256: sha256.toLowerCase() };
  });
  // Code-unit order, as canonical JSON sorts keys: the same on every machine and locale.
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function bad(message: string): WardenError {
  return new WardenError('INVALID_ARGUMENT', `cannot build the signature payload: ${message}`);
}
