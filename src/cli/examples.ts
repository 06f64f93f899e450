/**
 * The example plugins `warden serve --examples <dir>` installs on first use: every plugin folder
 * in `dir` whose id is not installed yet, granted what it requests (they are Warden's own
 * examples; an operator installing third-party plugins chooses grants with `warden plugin install`).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readPluginPackage } from '../install/package.js';
import type { Warden } from '../warden/warden.js';
import { warn } from './output.js';

/** Installs the plugins in `dir` that are missing; returns the ids installed. */
export async function installExamples(warden: Warden, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => {
    throw new Error(`--examples: ${dir} is not a folder (build the examples with \`npm run build\`)`);
  });
  const installed = new Set((await warden.list()).map((p) => p.id));
  const added: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    try {
      const { name } = (await readPluginPackage(path)).manifest.manifest; // install scans it; this only names it
      if (installed.has(name)) continue;
      await warden.install(path, { grant: 'all' });
      added.push(name);
    } catch (e) {
      warn(`example ${entry.name} was not installed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return added;
}
