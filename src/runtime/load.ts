/**
 * From bytes to a running plugin: read each module once, check its hash on those exact bytes,
 * apply the caps and rewrite memory limits, compile off the main thread, resolve every import,
 * and start the first instance (its start function and `_initialize` under the deadline).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { WardenError } from '../errors.js';
import { AddressPolicy } from './http/address-policy.js';
import { parseAllowList } from './http/allow-list.js';
import { createHttpAgent } from './http/http-client.js';
import { Instance, type InstanceSpec } from './instance.js';
import { planLink, type CompiledModule } from './link-plan.js';
import { MODULE_STRUCTURE_CAPS, resolveOptions, type PluginOptions, type ResolvedOptions } from './options.js';
import { Plugin } from './plugin.js';
import { InstancePool } from './pool.js';
import { prepareModule } from './wasm/prepare.js';
import { exportedFunctionType } from './wasm/module-info.js';
import type { SpareWorkers } from './worker-thread.js';

/** One module of a multi-module plugin. */
export interface ModuleSource {
  /** Name other modules import it by; `main` is the entry. @default "main" for the last module */
  name?: string;
  bytes?: Uint8Array;
  path?: string;
  /** Expected sha256 (hex) of this module's bytes. */
  sha256?: string;
}

/** A module's bytes, a path to a `.wasm` file, or several named modules. */
export type PluginSource = Uint8Array | ArrayBuffer | string | { modules: ModuleSource[] };

async function readSource(source: ModuleSource): Promise<Uint8Array> {
  if (source.bytes) return source.bytes;
  if (!source.path) throw new WardenError('INVALID_ARGUMENT', 'a module needs bytes or a path');
  try {
    return new Uint8Array(await readFile(source.path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WardenError(code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT', `cannot read ${source.path}: ${code ?? (e as Error).message}`);
  }
}

function normalize(source: PluginSource, options: PluginOptions): ModuleSource[] {
  if (typeof source === 'string') return [{ name: 'main', path: source, ...(options.sha256 ? { sha256: options.sha256 } : {}) }];
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    return [{ name: 'main', bytes: new Uint8Array(source), ...(options.sha256 ? { sha256: options.sha256 } : {}) }];
  }
  if (!Array.isArray(source?.modules) || source.modules.length === 0) {
    throw new WardenError('INVALID_ARGUMENT', 'a plugin source is bytes, a file path, or { modules: [...] } with at least one module');
  }
  const names = new Set<string>();
  return source.modules.map((m, i) => {
    const name = m.name ?? (i === source.modules.length - 1 ? 'main' : `module${i}`);
    if (names.has(name)) throw new WardenError('INVALID_ARGUMENT', `two modules are named "${name}"`);
    names.add(name);
    return { ...m, name };
  });
}

function checkHash(bytes: Uint8Array, expected: string | undefined, name: string): void {
  if (expected === undefined) return;
  if (!/^[0-9a-f]{64}$/i.test(expected)) throw new WardenError('INVALID_ARGUMENT', `sha256 of module ${name} must be 64 hexadecimal characters`);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected.toLowerCase()) {
    throw new WardenError('HASH_MISMATCH', `module ${name} has sha256 ${actual}, expected ${expected.toLowerCase()}; the file changed or the expected hash is wrong — refusing to load it`, {
      data: { module: name, expected: expected.toLowerCase(), actual },
    });
  }
}

async function compileOne(source: ModuleSource, options: ResolvedOptions): Promise<CompiledModule> {
  const name = source.name!;
  const original = await readSource(source);
  checkHash(original, source.sha256, name);
  const { limits } = options;
  const prepared = prepareModule(original, {
    maxModuleBytes: limits.moduleMaxBytes,
    maxFunctions: limits.maxFunctions,
    maxMemoryPages: Math.floor(limits.memoryMaxBytes / 65536),
    ...MODULE_STRUCTURE_CAPS,
  });
  try {
    return { name, module: await WebAssembly.compile(prepared.bytes as Uint8Array<ArrayBuffer>), info: prepared.info };
  } catch (e) {
    throw new WardenError('INVALID_WASM', `module ${name} is not valid WebAssembly: ${(e as Error).message}`, { cause: e });
  }
}

/** Plugin functions are exports of type `() -> i32` or `() -> ()`. */
function callableExports(entry: CompiledModule): string[] {
  return entry.info.exports.flatMap((e) => {
    if (e.kind !== 'function') return [];
    const t = exportedFunctionType(entry.info, e.name);
    const ok = t !== undefined && t.params.length === 0 && (t.results.length === 0 || (t.results.length === 1 && t.results[0] === 'i32'));
    return ok ? [e.name] : [];
  });
}

/** Defaults a host applies to every plugin it loads. */
export interface LoadDefaults {
  options: PluginOptions;
  spinMicros: number;
  spares: SpareWorkers;
  /** Called once when the plugin is closed. */
  onClose(plugin: Plugin): void;
}

/** Loads a plugin and starts its first instance. */
export async function loadPlugin(source: PluginSource, options: PluginOptions, defaults: LoadDefaults): Promise<Plugin> {
  const merged: PluginOptions = {
    ...defaults.options, ...options,
    limits: { ...defaults.options.limits, ...options.limits },
  };
  defaults.spares.warm();
  const fallbackName = typeof source === 'string' ? basename(source).replace(/\.wasm$/, '') : 'plugin';
  const resolved = resolveOptions(merged, fallbackName);
  let allow;
  let addresses;
  try {
    allow = parseAllowList(resolved.allowedHosts);
    addresses = new AddressPolicy(resolved.allowedAddresses);
  } catch (e) {
    throw new WardenError('INVALID_ARGUMENT', (e as Error).message);
  }
  const modules = await Promise.all(normalize(source, merged).map((m) => compileOne(m, resolved)));
  const plan = planLink(modules, resolved, Math.floor(resolved.limits.memoryMaxBytes / 65536));
  const exports = callableExports(plan.entry);
  const agent = createHttpAgent(addresses);
  const spec: InstanceSpec = {
    options: resolved, plan, exports, spinMicros: defaults.spinMicros, spares: defaults.spares,
    http: { allow, addresses, agent, maxResponseBytes: resolved.limits.httpResponseMaxBytes, plugin: resolved.name, onDenied: resolved.onDenied },
  };
  const { limits } = resolved;
  let first: Instance;
  try {
    first = await Instance.start(spec, limits.timeoutMs);
  } catch (e) {
    void agent.close();
    throw e;
  }
  const pool = new InstancePool(() => Instance.start(spec, limits.timeoutMs), {
    name: resolved.name, max: limits.maxInstances, maxQueued: limits.maxQueuedCalls,
  });
  pool.adopt(first);
  const plugin: Plugin = new Plugin(resolved, pool, exports, () => {
    void agent.close();
    defaults.onClose(plugin);
  });
  return plugin;
}
