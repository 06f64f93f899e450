/**
 * A plugin package on disk, read once: its manifest (a `warden.yaml` beside the modules, or the
 * one embedded in a single `.wasm`), every module's exact bytes with their sha256, and the
 * signature file if there is one. Everything later (scan, verify, compile) works on these bytes,
 * never on a second read of the files, so a file swapped after the check is never the one run.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { WardenError } from '../errors.js';
import { SIGNATURE_FILE } from '../trust/signature-file.js';
import { parseManifest, readEmbeddedManifest, resolveManifest, type ResolvedManifest } from '../manifest/index.js';

/** The manifest file name inside a plugin directory. */
export const MANIFEST_FILE = 'warden.yaml';
/** The most a module file may weigh before it is even read (the scan applies the real caps). */
const MAX_MODULE_FILE_BYTES = 256 * 1024 * 1024;
/** The most a manifest, signature or sidecar file may weigh (the manifest parser caps at 256 KiB). */
const MAX_TEXT_FILE_BYTES = 1024 * 1024;

/** One module of a package, read. */
export interface PackageModule {
  /** The name other modules import it by; the entry is `main` or the last one. */
  name: string;
  /** Path relative to the package root, `/`-separated. */
  path: string;
  bytes: Uint8Array;
  /** Lowercase hex sha256 of `bytes`. */
  sha256: string;
}

/** A plugin package read from disk. */
export interface PluginPackage {
  /** The directory holding the package's files. */
  root: string;
  manifest: ResolvedManifest;
  /** The manifest file's text when the package has one (what is copied on install). */
  manifestText: string | undefined;
  modules: PackageModule[];
  /** The signature file's text, if present. */
  signatureText: string | undefined;
}

/** The lowercase hex sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The text of a small regular file (never through a symlink), or undefined when there is none. */
async function readOptional(path: string, maxBytes = MAX_TEXT_FILE_BYTES): Promise<string | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return undefined;
  if (!info.isFile()) throw new WardenError('INSTALL_REFUSED', `${basename(path)} is not a regular file (symlinks and devices are refused): put the real file there`, { data: { reasons: [`${basename(path)}: not a regular file`] } });
  if (info.size > maxBytes) throw new WardenError('INSTALL_REFUSED', `${basename(path)} is ${info.size} bytes, over the ${maxBytes}-byte limit`, { data: { reasons: [`${basename(path)}: too large`] } });
  return readFile(path, 'utf8');
}

/** Reads a regular file (never through a symlink) with a size cap. */
async function readRegularFile(path: string, what: string): Promise<Uint8Array> {
  let info;
  try {
    info = await lstat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WardenError('NOT_FOUND', `${what} ${path} is missing (${code ?? 'unreadable'}): check the manifest's wasm paths`);
  }
  if (!info.isFile()) throw new WardenError('INSTALL_REFUSED', `${what} ${path} is not a regular file (symlinks and devices are refused): copy the real file there`, { data: { reasons: [`${path}: not a regular file`] } });
  if (info.size > MAX_MODULE_FILE_BYTES) throw new WardenError('MODULE_TOO_LARGE', `${what} ${path} is ${info.size} bytes, over ${MAX_MODULE_FILE_BYTES}`);
  return new Uint8Array(await readFile(path));
}

/** The sha256 a `<file>.sha256` sidecar names (the first 64-hex word), if there is a sidecar. */
async function readSidecar(wasmPath: string): Promise<string | undefined> {
  const text = await readOptional(`${wasmPath}.sha256`);
  if (text === undefined) return undefined;
  const hash = /^\s*([0-9a-fA-F]{64})\b/.exec(text)?.[1];
  if (!hash) throw new WardenError('MANIFEST_INVALID', `${basename(wasmPath)}.sha256 does not start with a 64-hex-digit sha256: regenerate it with \`sha256sum ${basename(wasmPath)} > ${basename(wasmPath)}.sha256\``);
  return hash.toLowerCase();
}

function checkExpected(module: PackageModule, expected: string | undefined, source: string): void {
  if (expected !== undefined && expected !== module.sha256) {
    throw new WardenError('HASH_MISMATCH', `module ${module.path} has sha256 ${module.sha256} but ${source} expects ${expected}: the file changed or the hash is wrong — refusing it`, {
      data: { module: module.path, expected, actual: module.sha256 },
    });
  }
}

async function readModule(root: string, path: string, name: string): Promise<PackageModule> {
  const bytes = await readRegularFile(join(root, ...path.split('/')), 'module');
  return { name, path, bytes, sha256: sha256Hex(bytes) };
}

/** Reads a package from a directory holding `warden.yaml`, or one with a single `.wasm` that embeds its manifest. */
async function readDirectory(root: string, expected?: ReadonlyMap<string, string>): Promise<PluginPackage> {
  const manifestText = await readOptional(join(root, MANIFEST_FILE));
  const signatureText = await readOptional(join(root, SIGNATURE_FILE));
  if (manifestText === undefined) {
    const wasm = (await readdir(root)).filter((f) => f.endsWith('.wasm'));
    if (wasm.length !== 1) {
      throw new WardenError('NOT_FOUND', `${root} has no ${MANIFEST_FILE}${wasm.length ? ` and ${wasm.length} .wasm files` : ''}: a plugin directory needs ${MANIFEST_FILE} beside its modules, or exactly one .wasm with an embedded manifest`);
    }
    return { ...(await readWasmFile(join(root, wasm[0]!), expected)), signatureText };
  }
  const file = parseManifest(manifestText, MANIFEST_FILE, { origin: 'file' });
  const entries = file.manifest.wasm ?? [];
  const modules = await Promise.all(entries.map((m, i) => readModule(root, m.path, m.name ?? (i === entries.length - 1 ? 'main' : `module${i}`))));
  modules.forEach((m, i) => checkExpected(m, entries[i]!.sha256, MANIFEST_FILE));
  for (const m of modules) checkExpected(m, expected?.get(m.name), 'the install record');
  const entry = modules.find((m) => m.name === 'main') ?? modules.at(-1)!;
  const text = readEmbeddedManifest(entry.bytes);
  const embedded = text === undefined ? undefined : parseManifest(text, `${entry.path} (embedded)`, { origin: 'embedded' });
  return { root, manifest: resolveManifest(file, embedded), manifestText, modules, signatureText };
}

/** Reads a single `.wasm` with an embedded manifest (and an optional `.sha256` sidecar). */
async function readWasmFile(path: string, expected?: ReadonlyMap<string, string>): Promise<PluginPackage> {
  const module = await readModule(dirname(path), basename(path), 'main');
  checkExpected(module, await readSidecar(path), `${basename(path)}.sha256`);
  checkExpected(module, expected?.get(module.name), 'the install record');
  const text = readEmbeddedManifest(module.bytes);
  const embedded = text === undefined ? undefined : parseManifest(text, `${module.path} (embedded)`, { origin: 'embedded' });
  return { root: dirname(path), manifest: resolveManifest(undefined, embedded), manifestText: undefined, modules: [module], signatureText: undefined };
}

/**
 * Reads the plugin package at `path`: a directory (with `warden.yaml`, or one `.wasm` that embeds
 * its manifest) or a `.wasm` file. `expected` (module name → sha256) is checked as soon as the
 * bytes are read, before anything parses them. Throws `NOT_FOUND`, `MANIFEST_INVALID`, `HASH_MISMATCH` (a
 * declared or sidecar sha256 that differs) or `INSTALL_REFUSED` (a module that is not a regular file).
 */
export async function readPluginPackage(path: string, expected?: ReadonlyMap<string, string>): Promise<PluginPackage> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    throw new WardenError('NOT_FOUND', `${path} does not exist: give the path of a plugin directory, a .wasm file or an archive`);
  }
  if (info.isDirectory()) return readDirectory(path, expected);
  if (info.isFile() && path.endsWith('.wasm')) return readWasmFile(path, expected);
  throw new WardenError('INVALID_ARGUMENT', `${path} is neither a plugin directory nor a .wasm file`);
}
