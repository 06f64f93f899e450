/**
 * The Warden: the host of the architecture diagram. It owns the state store and the runtime,
 * installs plugins, keeps their grants, loads each enabled one with exactly its effective
 * capabilities, routes tool calls between plugins and the host, and swaps instances when grants,
 * config or files change. The CLI, the REST API and MCP are thin adapters over this class.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { WardenError, isWardenError } from '../errors.js';
import { createToolRouter, type ToolDispatcher } from '../capabilities/tool.js';
import type { ChannelAdapter } from '../capabilities/channel/adapter.js';
import { effectiveCapabilities, grantStrings } from '../capabilities/grants.js';
import { riskOf, type Capability, type Manifest } from '../manifest/index.js';
import { Host } from '../host.js';
import type { PluginOutput } from '../runtime/plugin-output.js';
import type { CallInput, CallOptions } from '../runtime/plugin.js';
import { createSqliteStore } from '../storage/sqlite/store.js';
import type { AuditPage, AuditQuery, PluginRecord, RemoveOptions, StateStore } from '../storage/driver.js';
import { readPluginPackage, type PluginPackage } from '../install/package.js';
import { readSource } from '../install/source.js';
import { downloadPlugin, isRemoteSource, type DownloadOptions } from '../install/download.js';
import { assertPackageAllowed, checkSignature, inspectPackage, type PackageInspection } from '../install/check.js';
import type { SignatureCheck } from '../trust/index.js';
import type { ScanFinding } from '../install/scan.js';
import { commitPlugin, makeStaging, recoverStaging } from './commit.js';
import { WardenEmitter, type PluginEvent } from './events.js';
import { loadInstalled, loadPackage, manifestJson, type LoadContext, type LoadedPlugin } from './loader.js';
import { resolveWardenOptions, type ResolvedWardenOptions, type WardenOptions } from './options.js';
import { PendingUpgrades } from './pending.js';
import { tapAudit } from './audit-tap.js';
import { installResult } from './install-result.js';
import { pluginChannel } from './plugin-channel.js';
import { awaitConsent, reloadPlugins, syncWithRegistry, type ReloadOps, type ReloadResult } from './reload.js';
import { cachedScan, openScanCache } from './scan-cache.js';
import { ServingSet } from './serving.js';
import type { InstallOptions, InstallResult, PluginSummary, ToolInfo } from './types.js';
import { watchPluginsDir, type StopWatching } from './watch.js';

const HOOKS = { enable: 'on_enable', disable: 'on_disable' } as const;
/** Plugins loaded at once by `open`. */
const OPEN_CONCURRENCY = 4;
/** The delegation chain of a top-level call: no callers above it. */
const NO_CALLERS: readonly string[] = Object.freeze([]);

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inBatches<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}


export class Warden extends WardenEmitter {
  readonly store: StateStore;
  readonly options: ResolvedWardenOptions;
  readonly #host: Host;
  readonly #serving: ServingSet;
  readonly #errors = new Map<string, string>();
  readonly #router: ToolDispatcher;
  readonly #channels: Record<string, ChannelAdapter>;
  readonly #context: LoadContext;
  readonly #pending: PendingUpgrades;
  #stopWatching: StopWatching | undefined;
  /** Per serving plugin, the registry state it was loaded with (see {@link sync}). */
  readonly #loadedState = new Map<string, string>();
  #revision = -1;
  #closed = false;

  private constructor(options: ResolvedWardenOptions, store: StateStore) {
    super();
    this.options = options;
    this.store = store;
    this.#host = new Host({ ...options.runtime });
    this.#pending = new PendingUpgrades(join(options.dataDir, 'pending'));
    this.#serving = new ServingSet({
      onChange: () => this.emit('tools-changed'),
      onRuntimeFailure: (id, tool, e) => {
        // Kept in the audit log so `doctor` (in another process) sees it.
        void store.audit.append({ plugin: id, capability: 'runtime', detail: `${tool}: ${e.code}`, decision: 'deny', reason: e.message.slice(0, 512) }).catch(() => undefined);
      },
    });
    const tools = options.tools ?? {};
    this.#router = createToolRouter({
      plugin: (id) => {
        const loaded = this.#serving.get(id);
        return loaded && { plugin: { call: (tool, input, o) => this.#serving.call(id, tool, input, o) }, tools: loaded.tools, risk: loaded.risk };
      },
      hostTool: (name) => (Object.hasOwn(tools, name) ? tools[name] : undefined),
      load: (id) => this.#loadLazily(id),
    });
    const timeoutOf = (id: string): number => this.#serving.get(id)?.plugin.limits.timeoutMs ?? options.limits?.timeoutMs ?? 10_000;
    this.#channels = Object.fromEntries(Object.entries(options.channels ?? {}).map(([name, c]) => [name, 'send' in c ? c : pluginChannel(c, this.#router, timeoutOf)]));
    const tapped: StateStore = {
      kv: store.kv, vault: store.vault, audit: tapAudit(store.audit, (entry) => this.emit('denied', entry)), memory: store.memory, plugins: store.plugins, grants: store.grants, config: store.config, sessions: store.sessions,
      transaction: (fn) => store.transaction(fn), close: () => store.close(),
    };
    this.#context = { options, store: tapped, host: this.#host, tools: this.#router, channels: this.#channels };
  }

  /**
   * Opens the data directory (creating it), finishes or undoes any install a crash interrupted,
   * and loads every enabled plugin (unless `lazy`). A plugin that fails to load is marked
   * `failed` and the others still load.
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
    await mkdir(resolved.pluginsDir, { recursive: true });
    const store = options.store ?? createSqliteStore({
      dataDir: resolved.dataDir,
      ...(options.durability && { durability: options.durability }),
      ...(options.vaultKey && { vaultKey: options.vaultKey }),
    });
    const warden = new Warden(resolved, store);
    try {
      warden.#context.scanCache = await openScanCache(resolved.dataDir, resolved.pluginsDir);
      await recoverStaging(resolved.stagingDir, store);
      const toLoad: string[] = [];
      for (const record of await store.plugins.list()) {
        const enabled = resolved.policies?.[record.id]?.enabled ?? record.enabled;
        if (enabled !== record.enabled) await store.plugins.update(record.id, { enabled });
        if (enabled && !options.lazy) toLoad.push(record.id);
      }
      // A few at a time: each load waits on I/O and a worker booting, which overlap well.
      await inBatches(toLoad, OPEN_CONCURRENCY, (id) => warden.#tryLoad(id));
    } catch (e) {
      await warden.close();
      throw e;
    }
    return warden;
  }

  /**
   * Installs (or upgrades) the plugin at `path` — a plugin directory, a `.wasm` with an embedded
   * manifest, or a `.zip` / `.tar.gz` archive of one — and, unless `enable: false`, loads it.
   * Nothing is granted unless asked for. An upgrade that requests capabilities the serving
   * version neither requested nor holds waits for consent (see {@link InstallResult.pendingConsent}).
   */
  async install(path: string, options: InstallOptions = {}): Promise<InstallResult> {
    this.#open();
    const staging = await makeStaging(this.options.stagingDir);
    try {
      const remote = isRemoteSource(path);
      const pkg = await readSource(remote ? await this.#download(path, staging) : path, staging);
      const inspection = assertPackageAllowed(pkg, this.options);
      const id = pkg.manifest.manifest.name;
      const previous = await this.store.plugins.get(id);
      const asked = options.grant === 'all' ? grantStrings(pkg.manifest.manifest.capabilities) : [...(options.grant ?? [])];
      const newRequests = previous ? await this.#newRequests(previous, pkg.manifest.manifest, asked) : [];
      if (newRequests.length > 0) {
        await awaitConsent(this.#ops, pkg, newRequests);
        return installResult(pkg, inspection, await this.store.grants.get(id), asked, { upgraded: true, enabled: false, pendingConsent: newRequests });
      }
      // A plugin from the network lands disabled: the operator enables it after looking at it.
      const result = await this.#commit(pkg, staging, previous, asked, remote ? false : options.enable ?? true);
      return installResult(pkg, inspection, result.grants, asked, { upgraded: previous !== undefined, enabled: result.enabled });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Reads and checks the plugin at `path` as {@link install} would, without installing it: its
   * manifest, the scan's findings and the signature check. Refuses nothing (see `scan.refused`).
   */
  async inspect(path: string): Promise<{ manifest: Manifest; inspection: PackageInspection }> {
    this.#open();
    const staging = await makeStaging(this.options.stagingDir);
    try {
      const pkg = await readSource(isRemoteSource(path) ? await this.#download(path, staging) : path, staging);
      return { manifest: pkg.manifest.manifest, inspection: inspectPackage(pkg, this.options) };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /**
   * Downloads a plugin from an `https://` URL once (when `allowRemoteInstall` is on), under the
   * network rules plugins live by, so the operator can inspect and install the same bytes.
   * `cleanup` removes the file.
   */
  async fetchRemote(url: string, options: Pick<DownloadOptions, 'onProgress' | 'signal'> = {}): Promise<{ path: string; cleanup(): Promise<void> }> {
    this.#open();
    const staging = await makeStaging(this.options.stagingDir);
    try {
      const path = await this.#download(url, staging, options);
      return { path, cleanup: () => rm(staging, { recursive: true, force: true }) };
    } catch (e) {
      await rm(staging, { recursive: true, force: true });
      throw e;
    }
  }

  /** Every installed plugin, sorted by id. */
  async list(): Promise<PluginSummary[]> {
    this.#open();
    return Promise.all((await this.store.plugins.list()).map((r) => this.#summary(r)));
  }

  /** One installed plugin's record and state; `NOT_FOUND` for an unknown id. */
  async info(id: string): Promise<PluginSummary & { record: PluginRecord; granted: string[]; effective?: Capability[]; pending?: { version: string; requests: string[] } }> {
    const record = await this.#record(id);
    const effective = this.#serving.get(id)?.effective;
    const pending = record.status === 'pending-consent' ? await this.#pending.get(id).catch(() => undefined) : undefined;
    return {
      ...(await this.#summary(record)), record, granted: await this.store.grants.get(id), ...(effective && { effective }),
      ...(pending && { pending: { version: pending.manifest.manifest.version, requests: grantStrings(pending.manifest.manifest.capabilities) } }),
    };
  }

  /**
   * Enables a plugin: it loads, runs its `on_enable` hook, and serves. A pending upgrade is
   * accepted (with the grants it holds). A trap or timeout in `on_enable` marks it failed and
   * leaves it disabled.
   */
  async enable(id: string): Promise<void> {
    const record = await this.#record(id);
    if (record.status === 'pending-consent') {
      const pkg = await this.#pending.get(id);
      if (pkg) {
        const staging = await makeStaging(this.options.stagingDir);
        try {
          await this.#commit(pkg, staging, record, [], true);
        } finally {
          await rm(staging, { recursive: true, force: true });
        }
        await this.#pending.remove(id);
        return;
      }
    }
    await this.store.plugins.update(id, { enabled: true });
    await this.#load(id, { hook: true });
    this.#event({ id, event: 'enabled' });
  }

  /** Disables a plugin at once (after its `on_disable` hook): new calls are refused, calls in flight finish. */
  async disable(id: string): Promise<void> {
    await this.#record(id);
    await this.store.plugins.update(id, { enabled: false });
    await this.#stop(id);
    this.#event({ id, event: 'disabled' });
  }

  /** Removes a plugin, its files, grants and config, and its KV data unless `keepData`. */
  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    const record = await this.#record(id);
    await this.#stop(id);
    await this.store.plugins.remove(id, options);
    await rm(this.#folder(record), { recursive: true, force: true });
    await this.#pending.remove(id);
    this.#errors.delete(id);
    this.#event({ id, event: 'removed' });
  }

  /** Adds grants; a loaded plugin is swapped for one with the new grants (calls in flight finish). */
  async grant(id: string, grants: readonly string[]): Promise<string[]> {
    await this.#record(id);
    await this.store.grants.add(id, grants);
    await this.#reloadIfServing(id);
    return this.store.grants.get(id);
  }

  /** Revokes grants; returns how many there were. Takes effect at once, as {@link grant} does. */
  async revoke(id: string, grants: readonly string[]): Promise<number> {
    await this.#record(id);
    const n = await this.store.grants.revoke(id, grants);
    await this.#reloadIfServing(id);
    return n;
  }

  /** Sets an operator config value of a plugin (a key its manifest declares), typed as declared. */
  async setConfig(id: string, key: string, value: string | number | boolean): Promise<void> {
    const record = await this.#record(id);
    const config = (record.manifest as Manifest).config;
    const entry = Object.hasOwn(config, key) ? config[key] : undefined;
    if (!entry) throw new WardenError('NOT_FOUND', `plugin ${id} declares no config key "${key}": see \`warden plugin info ${id}\` for its keys`);
    const text = String(value);
    const typed = entry.type === 'number' ? Number(text) : entry.type === 'boolean' ? ({ true: true, false: false } as Record<string, boolean>)[text] : text;
    if (typed === undefined || (typeof typed === 'number' && (text.trim() === '' || !Number.isFinite(typed)))) {
      throw new WardenError('INVALID_ARGUMENT', `config "${key}" of ${id} is a ${entry.type}; got ${JSON.stringify(value)}`);
    }
    await this.store.config.set(id, key, typed);
    await this.#reloadIfServing(id);
  }

  /** Removes an operator config value (its default applies again); true when there was one. */
  async unsetConfig(id: string, key: string): Promise<boolean> {
    await this.#record(id);
    const removed = await this.store.config.delete(id, key);
    await this.#reloadIfServing(id);
    return removed;
  }

  /**
   * The installed files' security state, read once: the signature check and the scan's findings
   * (from the scan cache when this exact plugin was scanned under the same rules). Files that
   * cannot be read give an `invalid` signature and no findings.
   */
  async security(id: string): Promise<{ signature: SignatureCheck; findings?: ScanFinding[] }> {
    const record = await this.#record(id);
    let pkg: PluginPackage;
    try {
      pkg = await readPluginPackage(this.#folder(record));
    } catch (e) {
      return { signature: { status: 'invalid', message: e instanceof Error ? e.message : String(e) } };
    }
    const scan = await cachedScan(this.#context.scanCache, pkg, this.options.limits);
    return { signature: checkSignature(pkg, this.options.trustedKeys), findings: scan.findings };
  }

  /**
   * Calls a tool of an enabled plugin with its grants. Tool calls it delegates share this call's
   * deadline.
   */
  async call(id: string, tool: string, input?: CallInput, options: Omit<CallOptions, 'delegation'> = {}): Promise<PluginOutput> {
    this.#open();
    if (this.options.lazy) await this.#loadLazily(id);
    const loaded = this.#serving.get(id);
    if (!loaded) {
      const record = await this.store.plugins.get(id);
      if (!record) throw new WardenError('NOT_FOUND', `no plugin "${id}" is installed: see \`warden plugin list\``);
      throw new WardenError('NOT_FOUND', record.enabled ? `plugin ${id} failed to load (${this.#errors.get(id) ?? 'unknown error'}): run \`warden plugin doctor\`` : `plugin ${id} is disabled: enable it with \`warden plugin enable ${id}\``);
    }
    if (!loaded.tools.has(tool)) throw new WardenError('NOT_FOUND', `plugin ${id} has no tool "${tool}" (its tools: ${[...loaded.tools].join(', ') || 'none'})`);
    const timeoutMs = options.timeoutMs ?? loaded.plugin.limits.timeoutMs;
    const delegation = { chain: NO_CALLERS, deadline: Date.now() + timeoutMs };
    return await this.#serving.call(id, tool, input, { timeoutMs, context: options.context, signal: options.signal, delegation });
  }

  /** The loaded plugin `id`, loading it first if it is enabled and not loaded yet; undefined when disabled. Rejects with the load error. */
  async ensureLoaded(id: string): Promise<LoadedPlugin | undefined> {
    const record = await this.#record(id);
    if (!this.#serving.has(id) && record.enabled) await this.#load(id);
    return this.#serving.get(id);
  }

  /** Every tool of every loaded plugin, for MCP and the API. */
  tools(): ToolInfo[] {
    return this.#serving.all().flatMap((loaded) => loaded.manifest.tools.map((t) => ({ plugin: loaded.id, name: t.name, description: t.description, parameters: t.parameters })));
  }

  /** Audit records, newest first (filter by plugin, capability, decision, time). */
  audit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.store.audit.query(query);
  }

  /**
   * Brings the serving plugins in line with the plugins directory: a plugin whose files changed
   * is checked (scan, signature) and swapped in, or keeps its old version serving when the new
   * files are invalid or half-written; a new plugin folder is registered (enabled when
   * `autoEnable`, with only the config file's permissions). With `id`, only that plugin.
   */
  async reload(id?: string): Promise<ReloadResult[]> {
    this.#open();
    const records = id === undefined ? await this.store.plugins.list() : [await this.#record(id)];
    return reloadPlugins(this.#ops, records, id === undefined);
  }

  /**
   * Applies registry changes made elsewhere — by the CLI or another process sharing the data
   * directory: plugins enabled, disabled, installed, upgraded or removed, grants and config
   * changed. Cheap when nothing changed (one read of the registry's revision).
   */
  async sync(): Promise<void> {
    this.#open();
    const revision = await this.store.plugins.revision();
    if (revision === this.#revision) return;
    this.#revision = revision;
    await syncWithRegistry(this.#ops);
  }

  /**
   * Watches the plugins directory and reloads what changes, and polls the registry every
   * `syncMs` for changes made by other processes ({@link sync}); returns a function that stops both.
   */
  watch({ syncMs = 500 } = {}): StopWatching {
    this.#open();
    this.#stopWatching?.();
    const stopFiles = watchPluginsDir(this.options.pluginsDir, async () => {
      if (!this.#closed) await this.reload();
    });
    let syncing = false;
    const timer = setInterval(() => {
      if (syncing || this.#closed) return;
      syncing = true;
      void this.sync().catch(() => undefined).finally(() => (syncing = false));
    }, syncMs);
    timer.unref();
    const stop = (): void => {
      stopFiles();
      clearInterval(timer);
    };
    this.#stopWatching = stop;
    return () => {
      stop();
      if (this.#stopWatching === stop) this.#stopWatching = undefined;
    };
  }

  /** Stops watching, unloads every plugin (calls in flight end with `CLOSED`) and closes the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatching?.();
    await this.#host.close();
    this.#serving.clear();
    await this.store.close();
  }

  // --- internals ---

  /** The private operations reloading and syncing use (see reload.ts). */
  get #ops(): ReloadOps {
    return {
      options: this.options, store: this.store, serving: this.#serving, pending: this.#pending, errors: this.#errors,
      folder: (record) => this.#folder(record),
      newRequests: (previous, manifest, asked) => this.#newRequests(previous, manifest, asked),
      commit: (pkg, staging, previous, asked, enable) => this.#commit(pkg, staging, previous, asked, enable),
      load: (id, options) => this.#load(id, options),
      tryLoad: (id) => this.#tryLoad(id),
      event: (event) => this.#event(event),
      loadedState: (id) => this.#loadedState.get(id),
      stateOf: (record) => this.#stateOf(record),
    };
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

  /** The folder a plugin's files live in. */
  #folder(record: PluginRecord): string {
    return join(this.options.pluginsDir, ...record.location.split('/'));
  }

  async #download(url: string, staging: string, options: Pick<DownloadOptions, 'onProgress' | 'signal'> = {}): Promise<string> {
    if (!this.options.allowRemoteInstall) {
      throw new WardenError('PERMISSION_DENIED', 'installing from a URL is off: set allow_remote_install: true in the config, or download the file and install it from its path');
    }
    return downloadPlugin(url, staging, { ...options, ...(this.options.allowedAddresses && { allowedAddresses: this.options.allowedAddresses }) });
  }

  #event(event: PluginEvent): void {
    this.emit('plugin', event);
  }

  /** A plugin's summary; its risk is that of what it holds (requested ∩ granted ∩ level), loaded or not. */
  async #summary(record: PluginRecord): Promise<PluginSummary> {
    const manifest = record.manifest as Partial<Manifest>;
    const grants = [...(await this.store.grants.get(record.id)), ...(this.options.policies?.[record.id]?.permissions ?? [])];
    const error = this.#errors.get(record.id) ?? (record.status === 'failed' ? await this.#recordedFailure(record.id) : undefined);
    return {
      id: record.id, version: record.version, status: record.status, enabled: record.enabled, loaded: this.#serving.has(record.id),
      risk: riskOf(effectiveCapabilities(manifest.capabilities ?? [], grants, this.options.securityLevel)), tools: (manifest.tools ?? []).map((t) => t.name),
      ...(error !== undefined && { lastError: error }),
    };
  }

  /** Why the plugin last failed to load, from the audit log (written by whichever process saw it). */
  async #recordedFailure(id: string): Promise<string | undefined> {
    return (await this.store.audit.query({ plugin: id, capability: 'lifecycle', limit: 1 })).records[0]?.reason;
  }

  /** What `manifest` requests that the installed version neither requested nor holds, and that the operator did not grant now. */
  async #newRequests(previous: PluginRecord, manifest: Manifest, asked: readonly string[]): Promise<string[]> {
    const before = new Set([...grantStrings((previous.manifest as Manifest).capabilities ?? []), ...(await this.store.grants.get(previous.id)), ...asked]);
    return grantStrings(manifest.capabilities).filter((g) => !before.has(g));
  }

  /**
   * Commits `pkg` as its plugin and serves it. A serving plugin's new version is loaded before
   * anything is committed: if it cannot load, nothing changes and the old one keeps serving.
   */
  async #commit(pkg: PluginPackage, staging: string, previous: PluginRecord | undefined, asked: readonly string[], enable: boolean): Promise<{ grants: string[]; enabled: boolean }> {
    const { manifest } = pkg.manifest;
    const id = manifest.name;
    const requested = grantStrings(manifest.capabilities);
    const kept = previous ? (await this.store.grants.get(id)).filter((g) => requested.includes(g)) : [];
    const grants = [...new Set([...kept, ...asked])].sort();
    const record = { id, version: manifest.version, status: 'installed', manifest: manifestJson(manifest), modules: pkg.modules.map((m) => ({ name: m.name, sha256: m.sha256 })), enabled: enable };
    const upgradeInPlace = enable && this.#serving.has(id);
    const next = upgradeInPlace ? await loadPackage(this.#context, { ...record, location: id, installedAt: 0, updatedAt: 0 }, pkg, grants) : undefined;
    try {
      await commitPlugin({ pkg, grants, staging, store: this.store, pluginsDir: this.options.pluginsDir, previousLocation: previous?.location, record });
    } catch (e) {
      await next?.plugin.close();
      throw e;
    }
    await this.#pending.remove(id);
    this.#errors.delete(id);
    if (next) {
      this.#serving.swapIn(id, next);
      this.#loadedState.set(id, await this.#stateOf({ ...record, location: id, installedAt: 0, updatedAt: 0 }));
    }
    else if (enable) await this.#load(id, { hook: true });
    else this.#serving.retire(id);
    this.#event({ id, event: previous ? 'upgraded' : 'installed' });
    return { grants, enabled: enable };
  }

  /**
   * Loads the plugin and swaps it in; the previous version serves its calls in flight, then
   * closes. With `hook`, `on_enable` runs first and a failure there poisons the plugin.
   */
  async #load(id: string, { hook = false } = {}): Promise<void> {
    const record = await this.#record(id);
    let loaded: LoadedPlugin;
    try {
      loaded = await loadInstalled(this.#context, record);
      if (hook) await this.#runHook(loaded, HOOKS.enable);
    } catch (e) {
      await this.#fail(record, e, hook);
      throw e;
    }
    if (this.#closed) {
      await loaded.plugin.close();
      throw new WardenError('CLOSED', 'this Warden was closed while the plugin was loading');
    }
    this.#serving.swapIn(id, loaded);
    this.#loadedState.set(id, await this.#stateOf(record));
    this.#errors.delete(id);
    if (record.status === 'failed') await this.store.plugins.update(id, { status: 'installed' });
  }

  /** What a serving plugin depends on in the registry: its version and files, grants and config. */
  async #stateOf(record: PluginRecord): Promise<string> {
    return JSON.stringify([record.version, record.modules, record.location, await this.store.grants.get(record.id), await this.store.config.all(record.id)]);
  }

  /** Marks a plugin failed; a failed `on_enable` also disables it (its `on_disable` is never run). */
  async #fail(record: PluginRecord, e: unknown, disable: boolean): Promise<void> {
    const message = e instanceof Error ? e.message : String(e);
    this.#errors.set(record.id, message);
    this.#serving.retire(record.id);
    if (record.status !== 'failed' || (disable && record.enabled)) await this.store.plugins.update(record.id, { status: 'failed', ...(disable && { enabled: false }) });
    // Kept in the audit log too, so `info`, `list` and `doctor` in another process can say why.
    await this.store.audit.append({ plugin: record.id, capability: 'lifecycle', detail: 'load failed', decision: 'deny', reason: message.slice(0, 1024) }).catch(() => undefined);
    this.#event({ id: record.id, event: 'failed', message });
  }

  /** Runs a lifecycle export, if the plugin has it, under the call deadline. */
  async #runHook(loaded: LoadedPlugin, hook: (typeof HOOKS)[keyof typeof HOOKS]): Promise<void> {
    if (!loaded.plugin.has(hook)) return;
    await loaded.plugin.call(hook, undefined, { delegation: { chain: [], deadline: Date.now() + loaded.plugin.limits.timeoutMs } });
  }

  /** Runs `on_disable` (unless the plugin failed) and stops serving it. */
  async #stop(id: string): Promise<void> {
    const loaded = this.#serving.get(id);
    if (loaded) {
      try {
        await this.#runHook(loaded, HOOKS.disable);
      } catch (e) {
        this.#errors.set(id, `on_disable failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.#serving.retire(id);
  }

  /** With `lazy`, loads an enabled plugin at its first use (a call, or a delegation to it). */
  async #loadLazily(id: string): Promise<void> {
    if (!this.options.lazy || this.#serving.has(id) || this.#errors.has(id)) return;
    const record = await this.store.plugins.get(id);
    if (record?.enabled) await this.#tryLoad(id);
  }

  async #tryLoad(id: string): Promise<void> {
    try {
      await this.#load(id);
    } catch (e) {
      if (!isWardenError(e) || e.code === 'CLOSED') throw e;
    }
  }

  async #reloadIfServing(id: string): Promise<void> {
    if (this.#serving.has(id)) await this.#load(id);
  }


}
