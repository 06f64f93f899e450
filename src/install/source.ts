/**
 * Where an install comes from: a plugin directory, a `.wasm`, or an archive (`.zip`, `.tar.gz`,
 * `.tgz`, `.tar`) unpacked into a private staging folder first. An archive holds the plugin at its
 * top level or inside one top-level folder.
 */
import { lstat, mkdir, open, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { WardenError } from '../errors.js';
import { archiveKind, unpackArchive } from './archive.js';
import { MANIFEST_FILE, readPluginPackage, type PluginPackage } from './package.js';

async function head(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const buf = new Uint8Array(512);
    const { bytesRead } = await file.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** The folder of an unpacked archive that holds the plugin. */
async function packageRoot(dir: string): Promise<string> {
  const names = await readdir(dir);
  if (names.includes(MANIFEST_FILE) || names.some((n) => n.endsWith('.wasm'))) return dir;
  if (names.length === 1 && (await lstat(join(dir, names[0]!))).isDirectory()) return join(dir, names[0]!);
  throw new WardenError('INSTALL_REFUSED', `the archive holds no plugin: put ${MANIFEST_FILE} and the modules at its top level, or in one top-level folder`, {
    data: { reasons: [`no ${MANIFEST_FILE} or .wasm at the top level`] },
  });
}

/** True when `path` is a file that looks like an archive. */
export async function isArchive(path: string): Promise<boolean> {
  const info = await lstat(path).catch(() => undefined);
  return info?.isFile() === true && archiveKind(basename(path), await head(path)) !== undefined;
}

/**
 * Reads the plugin package at `path`, unpacking it into `staging` first when it is an archive.
 * The caller owns `staging` (an empty private folder) and removes it.
 */
export async function readSource(path: string, staging: string): Promise<PluginPackage> {
  if (!(await isArchive(path))) return readPluginPackage(path);
  const into = join(staging, 'unpacked');
  await mkdir(into, { mode: 0o700 });
  await unpackArchive(path, into);
  return readPluginPackage(await packageRoot(into));
}
