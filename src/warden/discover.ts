/**
 * Finding plugins in the plugins directory: every folder holding a `warden.yaml`, or exactly one
 * `.wasm` (with an embedded manifest), at any depth. Hidden folders (`.cache`, `.pending`) and
 * symlinks are skipped, and a plugin folder is not searched further.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../install/package.js';

/** How deep below the plugins directory a plugin folder may sit. */
export const MAX_DISCOVERY_DEPTH = 4;
/** How many folders a search visits at most. */
const MAX_FOLDERS = 10_000;

/** The locations (relative, `/`-separated) of the plugin folders under `pluginsDir`. */
export async function findPluginFolders(pluginsDir: string): Promise<string[]> {
  const found: string[] = [];
  let visited = 0;
  const visit = async (rel: string, depth: number): Promise<void> => {
    if (++visited > MAX_FOLDERS) return;
    const entries = await readdir(rel ? join(pluginsDir, ...rel.split('/')) : pluginsDir, { withFileTypes: true }).catch(() => []);
    const files = entries.filter((e) => e.isFile()).map((e) => e.name);
    if (rel && (files.includes(MANIFEST_FILE) || files.filter((f) => f.endsWith('.wasm')).length === 1)) {
      found.push(rel);
      return;
    }
    if (depth >= MAX_DISCOVERY_DEPTH) return;
    for (const e of entries) {
      if (e.isDirectory() && !e.name.startsWith('.')) await visit(rel ? `${rel}/${e.name}` : e.name, depth + 1);
    }
  };
  await visit('', 0);
  return found.sort();
}
