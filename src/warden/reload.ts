/**
 * Keeping the serving plugins in line with what changed outside this Warden: files in the plugins
 * directory (changed plugins are checked and swapped in, new folders registered in place) and the
 * registry, changed by the CLI or another process sharing the data directory.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WardenError } from '../errors.js';
import { assertPackageAllowed } from '../install/check.js';
import { readPluginPackage, type PluginPackage } from '../install/package.js';
import type { Manifest } from '../manifest/index.js';
import type { PluginRecord, StateStore } from '../storage/driver.js';
import { makeStaging } from './commit.js';
import { findPluginFolders } from './discover.js';
import type { PluginEvent } from './events.js';
import { manifestJson, verifyInstalled } from './loader.js';
import type { ResolvedWardenOptions } from './options.js';
import type { PendingUpgrades } from './pending.js';
import type { ServingSet } from './serving.js';

/** What {@link Warden.reload} found for one plugin. */
export interface ReloadResult {
  id: string;
  outcome: 'unchanged' | 'reloaded' | 'discovered' | 'pending-consent' | 'failed';
  message?: string;
}

/** What reloading needs from the Warden (its private operations, handed over explicitly). */
export interface ReloadOps {
  readonly options: ResolvedWardenOptions;
  readonly store: StateStore;
  readonly serving: ServingSet;
  readonly pending: PendingUpgrades;
  readonly errors: Map<string, string>;
  folder(record: PluginRecord): string;
  newRequests(previous: PluginRecord, manifest: Manifest, asked: readonly string[]): Promise<string[]>;
  commit(pkg: PluginPackage, staging: string, previous: PluginRecord | undefined, asked: readonly string[], enable: boolean): Promise<unknown>;
  load(id: string, options?: { hook?: boolean }): Promise<void>;
  tryLoad(id: string): Promise<void>;
  event(event: PluginEvent): void;
  /** The registry state a serving plugin was loaded with, and the current one. */
  loadedState(id: string): string | undefined;
  stateOf(record: PluginRecord): Promise<string>;
}

/** A reload that could not be applied: the serving version (if any) keeps serving. */
function failed(ops: ReloadOps, id: string, e: unknown): ReloadResult {
  const message = e instanceof Error ? e.message : String(e);
  ops.errors.set(id, message);
  ops.event({ id, event: 'reload-failed', message });
  return { id, outcome: 'failed', message };
}

/** Parks a version that asks for more than the installed one until the operator consents. */
async function awaitConsent(ops: ReloadOps, pkg: PluginPackage, requests: readonly string[]): Promise<void> {
  const id = pkg.manifest.manifest.name;
  await ops.pending.put(pkg);
  await ops.store.plugins.update(id, { status: 'pending-consent' });
  ops.event({ id, event: 'pending-consent', message: `version ${pkg.manifest.manifest.version} requests ${requests.join(', ')}` });
}

/** Checks and swaps in the changed files of a registered plugin, or keeps the old version. */
async function upgradeFromFolder(ops: ReloadOps, record: PluginRecord, pkg: PluginPackage): Promise<ReloadResult> {
  const { id } = record;
  const staging = await makeStaging(ops.options.stagingDir);
  try {
    assertPackageAllowed(pkg, ops.options);
    if (pkg.manifest.manifest.name !== id) {
      throw new WardenError('INSTALL_REFUSED', `${ops.folder(record)} now holds plugin "${pkg.manifest.manifest.name}", not ${id}`, { data: { reasons: ['the plugin id changed'] } });
    }
    const requests = await ops.newRequests(record, pkg.manifest.manifest, []);
    if (requests.length > 0) {
      await awaitConsent(ops, pkg, requests);
      return { id, outcome: 'pending-consent', message: `requests ${requests.join(', ')}: enable it to accept` };
    }
    await ops.commit(pkg, staging, record, [], record.enabled);
    ops.event({ id, event: 'reloaded' });
    return { id, outcome: 'reloaded' };
  } catch (e) {
    return failed(ops, id, e);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Reloads one registered plugin from its folder. */
async function reloadOne(ops: ReloadOps, record: PluginRecord): Promise<ReloadResult> {
  const { id } = record;
  let pkg: PluginPackage;
  try {
    pkg = await readPluginPackage(ops.folder(record));
  } catch (e) {
    return failed(ops, id, e);
  }
  try {
    verifyInstalled(record, pkg);
  } catch {
    return upgradeFromFolder(ops, record, pkg);
  }
  if (record.enabled && !ops.serving.has(id) && record.status !== 'pending-consent') {
    await ops.tryLoad(id);
    return ops.serving.has(id) ? { id, outcome: 'reloaded' } : { id, outcome: 'failed', message: ops.errors.get(id) ?? 'load failed' };
  }
  return { id, outcome: 'unchanged' };
}

/** Registers the plugin found at `location` in place, with no grants beyond the config file's. */
async function adopt(ops: ReloadOps, location: string): Promise<ReloadResult> {
  const folder = join(ops.options.pluginsDir, ...location.split('/'));
  try {
    const pkg = await readPluginPackage(folder);
    assertPackageAllowed(pkg, ops.options);
    const { manifest } = pkg.manifest;
    if (await ops.store.plugins.get(manifest.name)) {
      throw new WardenError('INSTALL_REFUSED', `${folder} holds plugin "${manifest.name}", which is already installed elsewhere: remove one of the two`, { data: { reasons: ['duplicate plugin id'] } });
    }
    const enabled = ops.options.policies?.[manifest.name]?.enabled ?? ops.options.autoEnable ?? true;
    await ops.store.plugins.put({ id: manifest.name, version: manifest.version, status: 'installed', manifest: manifestJson(manifest), modules: pkg.modules.map((m) => ({ name: m.name, sha256: m.sha256 })), enabled, location });
    ops.event({ id: manifest.name, event: 'installed' });
    if (enabled) await ops.load(manifest.name, { hook: true }).catch(() => undefined);
    return { id: manifest.name, outcome: 'discovered' };
  } catch (e) {
    return failed(ops, location, e);
  }
}

/** Reloads `records` from their folders and, with `discover`, registers plugin folders no record points to. */
export async function reloadPlugins(ops: ReloadOps, records: readonly PluginRecord[], discover: boolean): Promise<ReloadResult[]> {
  const results: ReloadResult[] = [];
  for (const record of records) results.push(await reloadOne(ops, record));
  if (!discover) return results;
  const known = new Set(records.map((r) => r.location));
  for (const location of await findPluginFolders(ops.options.pluginsDir)) {
    if (!known.has(location)) results.push(await adopt(ops, location));
  }
  return results;
}

/** Applies the registry's current state to the serving plugins (see `Warden.sync`). */
export async function syncWithRegistry(ops: ReloadOps): Promise<void> {
  const records = await ops.store.plugins.list();
  const ids = new Set(records.map((r) => r.id));
  for (const loaded of ops.serving.all()) if (!ids.has(loaded.id)) ops.serving.retire(loaded.id);
  for (const record of records) {
    const serving = ops.serving.has(record.id);
    if (!record.enabled) {
      if (serving) ops.serving.retire(record.id);
    } else if (record.status === 'pending-consent') {
      // The installed version keeps serving until the operator consents.
    } else if (!serving) {
      if (!ops.options.lazy && record.status !== 'failed') await ops.tryLoad(record.id);
    } else if ((await ops.stateOf(record)) !== ops.loadedState(record.id)) {
      await ops.tryLoad(record.id);
    }
  }
}

/** Exported for install, which parks a widening upgrade the same way. */
export { awaitConsent };
