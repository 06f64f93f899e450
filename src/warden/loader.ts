/**
 * From an installed plugin to a running one: read its package once, check every module's sha256
 * and the manifest against what was recorded at install (on the exact bytes that are compiled),
 * work out its effective capabilities, config and limits, and load it with the host functions and
 * network rules those capabilities allow.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { WardenError, isWardenError } from '../errors.js';
import { capabilityOptions, findCapability, effectiveCapabilities, type ToolDispatcher } from '../capabilities/index.js';
import type { ChannelAdapter } from '../capabilities/channel/adapter.js';
import { effectiveLimits, riskOf, type Capability, type Manifest, type RiskLevel } from '../manifest/index.js';
import type { Host } from '../host.js';
import { DEFAULT_LIMITS, type PluginOptions } from '../runtime/options.js';
import type { Plugin } from '../runtime/plugin.js';
import type { PluginRecord, StateStore } from '../storage/driver.js';
import { readPluginPackage, type PluginPackage } from '../install/package.js';
import type { ResolvedWardenOptions } from './options.js';
import type { ModuleCache } from '../install/module-cache.js';
import { assertScanPassed } from '../install/scan.js';
import { cachedScan } from './scan-cache.js';

/** A plugin that is loaded and serving. */
export interface LoadedPlugin {
  id: string;
  record: PluginRecord;
  manifest: Manifest;
  effective: Capability[];
  risk: RiskLevel;
  /** Names of the tools it serves (its manifest's tools). */
  tools: ReadonlySet<string>;
  plugin: Plugin;
}

/** What loading needs from the Warden that owns the plugin. */
export interface LoadContext {
  options: ResolvedWardenOptions;
  store: StateStore;
  host: Host;
  tools: ToolDispatcher;
  channels: Record<string, ChannelAdapter>;
  /** Where scan reports are cached (every load re-checks the plugin under the current rules). */
  scanCache?: ModuleCache | undefined;
}

/** The canonical JSON of a manifest as the registry stores it. */
export function manifestJson(manifest: Manifest): unknown {
  return JSON.parse(JSON.stringify(manifest));
}

/** Checks that the package on disk is the one the registry recorded: same modules, same bytes, same manifest. */
export function verifyInstalled(record: PluginRecord, pkg: PluginPackage): void {
  const recorded = new Map(record.modules.map((m) => [m.name, m.sha256]));
  const problems: string[] = [];
  if (pkg.modules.length !== recorded.size) problems.push(`${pkg.modules.length} modules on disk, ${recorded.size} recorded`);
  for (const m of pkg.modules) {
    const expected = recorded.get(m.name);
    if (expected === undefined) problems.push(`module ${m.name} was not installed`);
    else if (expected !== m.sha256) problems.push(`module ${m.name} (${m.path}) has sha256 ${m.sha256}, installed as ${expected}`);
  }
  if (JSON.stringify(manifestJson(pkg.manifest.manifest)) !== JSON.stringify(record.manifest)) problems.push('the manifest differs from the installed one');
  if (problems.length) throw changedOnDisk(record, problems);
}

function changedOnDisk(record: PluginRecord, problems: string[]): WardenError {
  return new WardenError('HASH_MISMATCH', `plugin ${record.id} changed on disk since it was installed (${problems.join('; ')}): reinstall it, or restore its files`, {
    data: { plugin: record.id, problems },
  });
}

/**
 * The config values the plugin sees through `config_get`: each declared key's operator value,
 * else its default; keys the manifest does not declare are never passed. Nothing without the
 * `config` capability.
 */
export function pluginConfig(id: string, manifest: Manifest, effective: readonly Capability[], values: Record<string, unknown>): Record<string, string> {
  if (!findCapability(effective, 'config')) return {};
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, entry] of Object.entries(manifest.config)) {
    const value = Object.hasOwn(values, key) ? values[key] : entry.default;
    if (value === undefined) {
      if (entry.required) missing.push(key);
      continue;
    }
    out[key] = String(value);
  }
  if (missing.length) {
    throw new WardenError('INVALID_ARGUMENT', `plugin ${id} needs config ${missing.map((k) => `"${k}"`).join(', ')}: set ${missing.length > 1 ? 'them' : 'it'} with \`warden plugin config ${id} ${missing[0]} <value>\``, {
      data: { plugin: id, missing },
    });
  }
  return out;
}

function limitsFor(manifest: Manifest, options: ResolvedWardenOptions): PluginOptions['limits'] {
  const ceiling = { ...DEFAULT_LIMITS, ...options.limits };
  const wanted = effectiveLimits(manifest.limits, { memoryBytes: ceiling.memoryMaxBytes, timeoutMs: ceiling.timeoutMs });
  return { ...options.limits, memoryMaxBytes: wanted.memoryBytes, timeoutMs: wanted.timeoutMs };
}

async function wasiFor(id: string, effective: readonly Capability[], options: ResolvedWardenOptions): Promise<PluginOptions['wasi']> {
  if (findCapability(effective, 'filesystem')) {
    const dir = join(options.dataDir, 'files', id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return { dir };
  }
  return findCapability(effective, 'wasi') ? true : false;
}

/** Loads an installed, enabled plugin with exactly its effective capabilities. */
export async function loadInstalled(ctx: LoadContext, record: PluginRecord): Promise<LoadedPlugin> {
  const pkg = await readInstalled(ctx.options.pluginsDir, record);
  assertScanPassed(await cachedScan(ctx.scanCache, pkg, ctx.options.limits));
  return loadPackage(ctx, record, pkg, await ctx.store.grants.get(record.id));
}

/** Reads an installed plugin's package and checks it is the one recorded (`HASH_MISMATCH` otherwise). */
export async function readInstalled(pluginsDir: string, record: PluginRecord): Promise<PluginPackage> {
  const pkg = await readPluginPackage(join(pluginsDir, ...record.location.split('/')), new Map(record.modules.map((m) => [m.name, m.sha256]))).catch((e: unknown) => {
    throw isWardenError(e) && e.code === 'HASH_MISMATCH' ? changedOnDisk(record, [e.message]) : e;
  });
  verifyInstalled(record, pkg);
  return pkg;
}

/** Loads `pkg` (already read and checked) as plugin `record.id`, with `granted` (plus the config file's permissions). */
export async function loadPackage(ctx: LoadContext, record: PluginRecord, pkg: PluginPackage, granted: readonly string[]): Promise<LoadedPlugin> {
  const { options, store } = ctx;
  const id = record.id;
  const manifest = pkg.manifest.manifest;
  const policy = options.policies?.[id];
  const grants = [...granted, ...(policy?.permissions ?? [])];
  const effective = effectiveCapabilities(manifest.capabilities, grants, options.securityLevel);
  const config = pluginConfig(id, manifest, effective, { ...(await store.config.all(id)), ...policy?.config });
  const caps = capabilityOptions({
    plugin: id, effective, store, tools: ctx.tools, channels: ctx.channels,
    ...(options.cli && { cli: options.cli }),
    ...(options.rateLimits && { rateLimits: options.rateLimits }),
  });
  const plugin = await ctx.host.load({ modules: pkg.modules.map((m) => ({ name: m.name, bytes: m.bytes, sha256: m.sha256 })) }, {
    name: id,
    config,
    limits: limitsFor(manifest, options),
    wasi: await wasiFor(id, effective, options),
    ...(options.allowedAddresses && { allowedAddresses: options.allowedAddresses }),
    ...(options.logger && { logger: options.logger }),
    ...caps,
  });
  return { id, record, manifest, effective, risk: riskOf(effective), tools: new Set(manifest.tools.map((t) => t.name)), plugin };
}
