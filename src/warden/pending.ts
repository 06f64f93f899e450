/**
 * Upgrades waiting for the operator's consent: a new version that requests capabilities the
 * old one neither requested nor was granted is kept here (written from the checked bytes) while
 * the old version keeps serving, until the operator enables it.
 */
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readPluginPackage, type PluginPackage } from '../install/package.js';
import { writePackage } from './commit.js';

export class PendingUpgrades {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** Keeps `pkg` as the pending upgrade of its plugin, replacing an older pending one. */
  async put(pkg: PluginPackage): Promise<void> {
    const id = pkg.manifest.manifest.name;
    const temp = join(this.#dir, `.${id}.${process.pid}.${Date.now()}`);
    await writePackage(pkg, temp);
    await rm(join(this.#dir, id), { recursive: true, force: true });
    await rename(temp, join(this.#dir, id));
  }

  /** The pending upgrade of `id`, read and hashed again, or undefined. */
  async get(id: string): Promise<PluginPackage | undefined> {
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    return names.includes(id) ? readPluginPackage(join(this.#dir, id)) : undefined;
  }

  /** Drops the pending upgrade of `id`. */
  async remove(id: string): Promise<void> {
    await rm(join(this.#dir, id), { recursive: true, force: true });
  }
}
