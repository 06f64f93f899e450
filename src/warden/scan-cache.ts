/**
 * Every load re-checks a plugin against the scan rules of the Warden that is running — a newer
 * Warden may refuse what an older one let in. The scan reports are cached under `.cache` in the
 * plugins directory, keyed by the modules' content hashes, the manifest, the scan limits, Warden's
 * version and the host ABI version, so a change of any of them never reuses a stale report. An
 * entry is authenticated with a key kept in the data directory (outside the plugins directory),
 * so whoever can write `.cache` cannot forge a passing report; a corrupt entry is dropped and the
 * scan runs again. The folder is safe to delete.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scanPackage } from '../install/check.js';
import type { PluginPackage } from '../install/package.js';
import { ModuleCache } from '../install/module-cache.js';
import type { ScanReport } from '../install/scan.js';
import { HOST_ABI_VERSION } from '../runtime/abi-signatures.js';
import type { PluginLimits } from '../runtime/options.js';
import { canonicalJson } from '../trust/canonical-json.js';
import { WARDEN_VERSION } from '../version.js';

/** The cache's authentication key: 32 random bytes in `<dataDir>/cache.key` (mode 0600), made on first use. */
async function cacheKey(dataDir: string): Promise<Uint8Array> {
  const file = join(dataDir, 'cache.key');
  const existing = await readFile(file).catch(() => undefined);
  if (existing?.length === 32) return existing;
  const key = randomBytes(32);
  await writeFile(file, key, { mode: 0o600 });
  return key;
}

/** The scan cache of a Warden. */
export async function openScanCache(dataDir: string, pluginsDir: string): Promise<ModuleCache> {
  return new ModuleCache({ dir: join(pluginsDir, '.cache'), wardenVersion: WARDEN_VERSION, abiVersion: HOST_ABI_VERSION, integrityKey: await cacheKey(dataDir) });
}

/** The scan report of `pkg`, from the cache when this exact plugin was scanned under the same rules. */
export async function cachedScan(cache: ModuleCache | undefined, pkg: PluginPackage, limits: PluginLimits | undefined): Promise<ScanReport> {
  if (!cache) return scanPackage(pkg, limits);
  const entry = pkg.modules.find((m) => m.name === 'main') ?? pkg.modules.at(-1)!;
  const plugin = createHash('sha256').update(canonicalJson({ manifest: pkg.manifest.manifest, modules: pkg.modules.map((m) => [m.name, m.sha256]), limits: limits ?? {} })).digest('hex');
  const variant = { plugin };
  const hit = await cache.get(entry.sha256, variant);
  if (hit?.scan) return hit.scan as ScanReport;
  const report = scanPackage(pkg, limits);
  if (!report.refused) await cache.set(entry.sha256, { prepared: new Uint8Array(0), scan: report, meta: { plugin: pkg.manifest.manifest.name } }, variant);
  return report;
}
