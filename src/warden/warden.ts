/**
 * The Warden: the host of the architecture diagram. It owns the state store and the runtime,
 * installs plugins, keeps their grants, loads each enabled one with exactly its effective
 * capabilities, routes tool calls between plugins and the host, and swaps instances when grants
 * or config change. The CLI, the REST API and MCP are thin adapters over this class.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WardenError, isWardenError } from '../errors.js';
import { createToolRouter, currentDelegation, runInChain, type ToolDispatcher } from '../capabilities/tool.js';
import type { ChannelAdapter } from '../capabilities/channel/adapter.js';
import { grantStrings } from '../capabilities/grants.js';
import { riskOf, type Capability, type Manifest, type RiskLevel } from '../manifest/index.js';
import { Host } from '../host.js';
import type { PluginOutput } from '../runtime/plugin-output.js';
import type { CallInput, CallOptions } from '../runtime/plugin.js';
import { createSqliteStore } from '../storage/sqlite/store.js';
import type { AuditPage, AuditQuery, PluginRecord, RemoveOptions, StateStore } from '../storage/driver.js';
import { readPluginPackage, type PluginPackage } from '../install/package.js';
import { readSource } from '../install/source.js';
import { assertPackageAllowed, checkSignature, inspectPackage, type PackageInspection } from '../install/check.js';
import type { ScanFinding } from '../install/scan.js';
import type { SignatureCheck } from '../trust/index.js';
import { commitPlugin, makeStaging, recoverStaging } from './commit.js';
import { loadInstalled, loadPackage, manifestJson, type LoadContext, type LoadedPlugin } from './loader.js';
import { resolveWardenOptions, type PluginChannel, type ResolvedWardenOptions, type WardenOptions } from './options.js';

/** Options of {@link Warden.install}. */
export interface InstallOptions {
  /** Grant strings (`storage:kv`, `network:api.example.com`), or `'all'` for everything requested. Nothing by default. */
  grant?: readonly string[] | 'all';
  /** Enable (load) the plugin once installed. @default true */
  enable?: boolean;
}

/** What {@link Warden.install} did. */
export interface InstallResult {
  id: string;
  version: string;
  /** The capabilities the manifest requests, with their risk. */
  requested: Capability[];
  /** The grants the plugin holds now. */
  granted: string[];
  /** The highest risk among the requested capabilities. */
  risk: RiskLevel;
  /** Non-fatal findings (manifest warnings, grants that match nothing requested). */
  warnings: string[];
  /** What the scan flagged (nothing refused, or the install would have failed). */
  findings: ScanFinding[];
  /** The signature check (`missing` when unsigned). */
  signature: SignatureCheck;
  /** True when an earlier version was replaced. */
  upgraded: boolean;
  enabled: boolean;
}

/** One installed plugin, as `list` shows it. */
export interface PluginSummary {
  id: string;
  version: string;
  /** `installed`, or `failed` when it could not be loaded. */
  status: string;
  enabled: boolean;
  /** True when an instance is serving. */
  loaded: boolean;
  /** The highest risk among its effective capabilities when loaded, else among those requested. */
  risk: RiskLevel;
  tools: string[];
  /** Why it failed, when it did. */
  lastError?: string;
}


/** Failures that mean the plugin misbehaved (not a denial, not bad input): `doctor` reports them. */
const RUNTIME_FAILURES: ReadonlySet<string> = new Set(['TRAP', 'TIMEOUT', 'STACK_OVERFLOW', 'MEMORY_LIMIT', 'WORKER_CRASHED', 'INVALID_MEMORY_ACCESS']);

interface Active {
  loaded: LoadedPlugin;
  inFlight: number;
  retired: boolean;
}

export class Warden {
  readonly store: StateStore;
  readonly options: ResolvedWardenOptions;
  readonly #host: Host;
  readonly #active = new Map<string, Active>();
  readonly #errors = new Map<string, string>();
  readonly #router: ToolDispatcher;
  readonly #channels: Record<string, ChannelAdapter>;
  #closed = false;

  private constructor(options: ResolvedWardenOptions, store: StateStore) {
    this.options = options;
    this.store = store;
    this.#host = new Host({ ...options.runtime });
    const tools = options.tools ?? {};
    this.#router = createToolRouter({
      plugin: (id) => {
        const a = this.#active.get(id);
        return a && { plugin: { call: (tool, input, o) => this.#invoke(a, tool, input, o) }, tools: a.loaded.tools, risk: a.loaded.risk };
      },
      hostTool: (name) => (Object.hasOwn(tools, name) ? tools[name] : undefined),
      load: (id) => this.#loadLazily(id),
    });
    this.#channels = Object.fromEntries(Object.entries(options.channels ?? {}).map(([name, c]) => [name, 'send' in c ? c : this.#pluginChannel(c)]));
  }

  /**
   * Opens the data directory (creating it), finishes or undoes any install a crash interrupted,
   * and loads every enabled plugin. A plugin that fails to load is marked `failed` and the others
   * still load.
   *
   * @example
   * ```ts
   * const warden = await Warden.open({ dataDir: '/var/lib/warden' });
   * await warden.install('./hello-world', { grant: ['storage:kv'] });
   * console.log((await warden.call('hello-world', 'hello', '{"name":"Ada"}')).text());
   * await warden.close();
   * ```
   */
  static async open(options: WardenOptions): Promise<Warden> {
    const resolved = resolveWardenOptions(options);
    await mkdir(resolved.dataDir, { recursive: true, mode: 0o700 });
    const store = options.store ?? createSqliteStore({
      dataDir: resolved.dataDir,
      ...(options.durability && { durability: options.durability }),
      ...(options.vaultKey && { vaultKey: options.vaultKey }),
    });
    const warden = new Warden(resolved, store);
    try {
      await recoverStaging(resolved.stagingDir, store);
      for (const record of await store.plugins.list()) {
        const enabled = resolved.policies?.[record.id]?.enabled ?? record.enabled;
        if (enabled !== record.enabled) await store.plugins.update(record.id, { enabled });
        if (enabled && !options.lazy) await warden.#tryLoad(record);
      }
    } catch (e) {
      await warden.close();
      throw e;
    }
    return warden;
  }

  /**
   * Installs (or upgrades) the plugin at `path` — a plugin directory or a `.wasm` with an embedded
   * manifest — and, unless `enable: false`, loads it. Nothing is granted unless asked for.
   */
  async install(path: string, options: InstallOptions = {}): Promise<InstallResult> {
    this.#open();
    const staging = await makeStaging(this.options.stagingDir);
    let next: LoadedPlugin | undefined;
    try {
      const pkg = await readSource(path, staging);
      const inspection = assertPackageAllowed(pkg, this.options);
      const { manifest } = pkg.manifest;
      const id = manifest.name;
      const previous = await this.store.plugins.get(id);
      const requested = grantStrings(manifest.capabilities);
      const asked = options.grant === 'all' ? requested : [...(options.grant ?? [])];
      const warnings = [...inspection.warnings, ...inspection.scan.findings.map((f) => `${f.severity}: ${f.message}`)];
      for (const g of asked) if (!requested.includes(g)) warnings.push(`grant "${g}" matches nothing ${id} requests; it has no effect`);
      const kept = previous ? await this.store.grants.get(id) : [];
      const grants = [...new Set([...kept.filter((g) => requested.includes(g)), ...asked])].sort();
      const enabled = options.enable ?? true;
      const record = { id, version: manifest.version, status: 'installed', manifest: manifestJson(manifest), modules: pkg.modules.map((m) => ({ name: m.name, sha256: m.sha256 })), enabled };
      // An upgrade of a serving plugin is loaded before anything is committed: if the new version
      // cannot load, the upgrade is refused and the old one never stops serving.
      if (enabled && this.#active.has(id)) next = await this.#loadPackage({ ...record, installedAt: 0, updatedAt: 0 }, pkg, grants);
      await commitPlugin({ pkg, grants, staging, store: this.store, pluginsDir: this.options.pluginsDir, record });
      this.#errors.delete(id);
      if (next) this.#swapIn(id, next);
      else if (enabled) await this.#load(id);
      else this.#retire(id);
      return {
        id, version: manifest.version, requested: manifest.capabilities, granted: grants, risk: riskOf(manifest.capabilities), warnings,
        upgraded: previous !== undefined, enabled, findings: inspection.scan.findings, signature: inspection.signature,
      };
    } catch (e) {
      await next?.plugin.close();
      throw e;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Reads and checks the plugin at `path` as {@link install} would, without installing it: its
   * manifest, the scan's findings and the signature check. Refuses nothing (see `report.refused`).
   */
  async inspect(path: string): Promise<{ manifest: Manifest; inspection: PackageInspection }> {
    this.#open();
    const staging = await makeStaging(this.options.stagingDir);
    try {
      const pkg = await readSource(path, staging);
      return { manifest: pkg.manifest.manifest, inspection: inspectPackage(pkg, this.options) };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** Every installed plugin, sorted by id. */
  async list(): Promise<PluginSummary[]> {
    this.#open();
    return (await this.store.plugins.list()).map((r) => this.#summary(r));
  }

  /** One installed plugin's record and state; `NOT_FOUND` for an unknown id. */
  async info(id: string): Promise<PluginSummary & { record: PluginRecord; granted: string[]; effective?: Capability[] }> {
    const record = await this.#record(id);
    const effective = this.#active.get(id)?.loaded.effective;
    return { ...this.#summary(record), record, granted: await this.store.grants.get(id), ...(effective && { effective }) };
  }

  /** Enables and loads a plugin; a load failure marks it `failed` and rejects with the cause. */
  async enable(id: string): Promise<void> {
    await this.#record(id);
    await this.store.plugins.update(id, { enabled: true });
    await this.#load(id);
  }

  /** Disables a plugin at once: new calls are refused, calls in flight finish. */
  async disable(id: string): Promise<void> {
    await this.#record(id);
    await this.store.plugins.update(id, { enabled: false });
    this.#retire(id);
  }

  /** Removes a plugin, its files, grants and config, and its KV data unless `keepData`. */
  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.#record(id);
    this.#retire(id);
    await this.store.plugins.remove(id, options);
    await rm(join(this.options.pluginsDir, id), { recursive: true, force: true });
    this.#errors.delete(id);
  }

  /** Adds grants; a loaded plugin is swapped for one with the new grants (calls in flight finish). */
  async grant(id: string, grants: readonly string[]): Promise<string[]> {
    await this.#record(id);
    await this.store.grants.add(id, grants);
    await this.#reloadIfActive(id);
    return this.store.grants.get(id);
  }

  /** Revokes grants; returns how many there were. Takes effect at once, as {@link grant} does. */
  async revoke(id: string, grants: readonly string[]): Promise<number> {
    await this.#record(id);
    const n = await this.store.grants.revoke(id, grants);
    await this.#reloadIfActive(id);
    return n;
  }

  /** Sets an operator config value of a plugin (a key its manifest declares). */
  async setConfig(id: string, key: string, value: string | number | boolean): Promise<void> {
    const record = await this.#record(id);
    const entry = (record.manifest as { config?: Record<string, { type: string }> }).config?.[key];
    if (!entry || !Object.hasOwn((record.manifest as { config: object }).config, key)) {
      throw new WardenError('NOT_FOUND', `plugin ${id} declares no config key "${key}": see \`warden plugin info ${id}\` for its keys`);
    }
    const typed = entry.type === 'number' ? Number(value) : entry.type === 'boolean' ? (value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined) : String(value);
    if (typed === undefined || (typeof typed === 'number' && !Number.isFinite(typed))) {
      throw new WardenError('INVALID_ARGUMENT', `config "${key}" of ${id} is a ${entry.type}; got ${JSON.stringify(value)}`);
    }
    await this.store.config.set(id, key, typed);
    await this.#reloadIfActive(id);
  }

  /** Removes an operator config value (its default applies again); true when there was one. */
  async unsetConfig(id: string, key: string): Promise<boolean> {
    await this.#record(id);
    const removed = await this.store.config.delete(id, key);
    await this.#reloadIfActive(id);
    return removed;
  }

  /** The signature check of the installed files (a plugin whose files cannot be read is `invalid`). */
  async signatureOf(id: string): Promise<SignatureCheck> {
    await this.#record(id);
    try {
      return checkSignature(await readPluginPackage(join(this.options.pluginsDir, id)), this.options.trustedKeys);
    } catch (e) {
      return { status: 'invalid', message: e instanceof Error ? e.message : String(e) };
    }
  }

  /**
   * Calls a tool of an enabled plugin with its grants. Tool calls it delegates share this call's
   * deadline.
   */
  async call(id: string, tool: string, input?: CallInput, options: CallOptions = {}): Promise<PluginOutput> {
    this.#open();
    await this.#loadLazily(id);
    const active = this.#active.get(id);
    if (!active) {
      const record = await this.store.plugins.get(id);
      if (!record) throw new WardenError('NOT_FOUND', `no plugin "${id}" is installed: see \`warden plugin list\``);
      throw new WardenError('NOT_FOUND', record.enabled ? `plugin ${id} failed to load (${this.#errors.get(id) ?? 'unknown error'}): run \`warden plugin doctor\`` : `plugin ${id} is disabled: enable it with \`warden plugin enable ${id}\``);
    }
    if (!active.loaded.tools.has(tool)) throw new WardenError('NOT_FOUND', `plugin ${id} has no tool "${tool}" (its tools: ${[...active.loaded.tools].join(', ') || 'none'})`);
    const timeoutMs = options.timeoutMs ?? active.loaded.plugin.limits.timeoutMs;
    return runInChain({ chain: [], deadline: Date.now() + timeoutMs }, () => this.#invoke(active, tool, input, { ...options, timeoutMs }));
  }

  /** The loaded plugin `id`, loading it first if it is enabled and not loaded yet; undefined when disabled. Rejects with the load error. */
  async ensureLoaded(id: string): Promise<LoadedPlugin | undefined> {
    const record = await this.#record(id);
    if (!this.#active.has(id) && record.enabled) await this.#load(id);
    return this.#active.get(id)?.loaded;
  }

  /** Every tool of every loaded plugin, for MCP and the API. */
  tools(): { plugin: string; name: string; description: string; parameters: unknown }[] {
    return [...this.#active.values()].flatMap(({ loaded }) => loaded.manifest.tools.map((t) => ({ plugin: loaded.id, name: t.name, description: t.description, parameters: t.parameters })));
  }

  /** Audit records, newest first (filter by plugin, capability, decision, time). */
  audit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.store.audit.query(query);
  }

  /** Unloads every plugin (calls in flight are ended with `CLOSED`) and closes the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#host.close();
    this.#active.clear();
    await this.store.close();
  }

  #open(): void {
    if (this.#closed) throw new WardenError('CLOSED', 'this Warden is closed');
  }

  async #record(id: string): Promise<PluginRecord> {
    this.#open();
    const record = await this.store.plugins.get(id);
    if (!record) throw new WardenError('NOT_FOUND', `no plugin "${id}" is installed: see \`warden plugin list\``);
    return record;
  }

  #summary(record: PluginRecord): PluginSummary {
    const loaded = this.#active.get(record.id)?.loaded;
    const manifest = record.manifest as { tools?: { name: string }[]; capabilities?: Capability[] };
    const error = this.#errors.get(record.id);
    return {
      id: record.id, version: record.version, status: record.status, enabled: record.enabled, loaded: loaded !== undefined,
      risk: loaded?.risk ?? riskOf(manifest.capabilities ?? []), tools: (manifest.tools ?? []).map((t) => t.name),
      ...(error !== undefined && { lastError: error }),
    };
  }

  async #invoke(active: Active, tool: string, input: CallInput, options: CallOptions): Promise<PluginOutput> {
    active.inFlight++;
    try {
      return await active.loaded.plugin.call(tool, input, options);
    } catch (e) {
      // The host ended the call: kept in the audit log so `doctor` (in another process) sees it.
      if (isWardenError(e) && RUNTIME_FAILURES.has(e.code)) {
        await this.store.audit.append({ plugin: active.loaded.id, capability: 'runtime', detail: `${tool}: ${e.code}`, decision: 'deny', reason: e.message.slice(0, 512) }).catch(() => undefined);
      }
      throw e;
    } finally {
      if (--active.inFlight === 0 && active.retired) void active.loaded.plugin.close();
    }
  }

  /** Loads a package that is not installed yet (an upgrade), with the grants it will have. */
  async #loadPackage(record: PluginRecord, pkg: PluginPackage, grants: readonly string[]): Promise<LoadedPlugin> {
    return loadPackage(this.#context(), record, pkg, grants);
  }

  #context(): LoadContext {
    return { options: this.options, store: this.store, host: this.#host, tools: this.#router, channels: this.#channels };
  }

  #swapIn(id: string, loaded: LoadedPlugin): void {
    this.#retire(id);
    this.#active.set(id, { loaded, inFlight: 0, retired: false });
  }

  /** Loads the plugin and swaps it in; the previous instance serves its calls in flight, then closes. */
  async #load(id: string): Promise<void> {
    const record = await this.#record(id);
    let loaded: LoadedPlugin;
    try {
      loaded = await loadInstalled(this.#context(), record);
    } catch (e) {
      this.#errors.set(id, e instanceof Error ? e.message : String(e));
      if (record.status !== 'failed') await this.store.plugins.update(id, { status: 'failed' });
      throw e;
    }
    if (this.#closed) {
      await loaded.plugin.close();
      throw new WardenError('CLOSED', 'this Warden was closed while the plugin was loading');
    }
    this.#swapIn(id, loaded);
    this.#errors.delete(id);
    if (record.status !== 'installed') await this.store.plugins.update(id, { status: 'installed' });
  }

  /** With `lazy`, loads an enabled plugin at its first use (a call, or a delegation to it). */
  async #loadLazily(id: string): Promise<void> {
    if (!this.options.lazy || this.#active.has(id) || this.#errors.has(id)) return;
    const record = await this.store.plugins.get(id);
    if (record?.enabled) await this.#tryLoad(record);
  }

  async #tryLoad(record: PluginRecord): Promise<void> {
    try {
      await this.#load(record.id);
    } catch (e) {
      if (!isWardenError(e) || e.code === 'CLOSED') throw e;
    }
  }

  async #reloadIfActive(id: string): Promise<void> {
    if (this.#active.has(id)) await this.#load(id);
  }

  #retire(id: string): void {
    const old = this.#active.get(id);
    if (!old) return;
    this.#active.delete(id);
    old.retired = true;
    if (old.inFlight === 0) void old.loaded.plugin.close();
  }

  /** A channel implemented by a plugin's tool, reached through the router (so grants, risk and cycles are checked). */
  #pluginChannel(target: PluginChannel): ChannelAdapter {
    return {
      send: async (message, sendOptions) => {
        const input = new TextEncoder().encode(JSON.stringify({ plugin: message.plugin, channel: message.channel, text: message.text }));
        const outer = currentDelegation();
        const deadline = outer?.deadline ?? Date.now() + (this.#active.get(message.plugin)?.loaded.plugin.limits.timeoutMs ?? 10_000);
        await this.#router.call({
          caller: message.plugin, tool: `${target.plugin}.${target.tool ?? 'send'}`, input, chain: [...(outer?.chain ?? []), message.plugin], deadline,
          signal: sendOptions?.signal ?? new AbortController().signal,
        });
      },
    };
  }
}
