/**
 * `prepareModule` through a {@link ModuleCache}. The caps are part of the key (the rewritten
 * memory maximum is the memory cap, and the structure caps decide what is refused), so a module
 * prepared under other caps is never reused. A hit is not trusted: the cached bytes are read
 * again and must hold what `prepareModule` guarantees (every memory shared, 32-bit, with a
 * maximum within the cap; counts within the caps) or the entry is dropped and the module prepared
 * afresh. V8 still validates them at compile time. What a hit cannot prove is that the bytes are
 * this module's code: only the cache's `integrityKey` does that.
 */
import { readModuleInfo, type MemoryLimits, type ModuleInfo } from '../runtime/wasm/module-info.js';
import { prepareModule, type ModuleCaps, type PreparedModule } from '../runtime/wasm/prepare.js';
import type { ModuleCache } from './module-cache.js';

/**
 * The prepared form of `bytes`, from `cache` when it holds a sound entry, else from
 * `prepareModule` (and then cached). Throws exactly as `prepareModule` does; nothing refused is
 * ever cached.
 *
 * @param sha256 the sha256 (hex) of these exact `bytes`, as the loader checked it against the
 *   install record; an entry is found by it, so a wrong hash would serve another module
 */
export async function prepareModuleCached(bytes: Uint8Array, sha256: string, caps: ModuleCaps, cache: ModuleCache | undefined): Promise<PreparedModule> {
  // The byte cap applies to the original bytes, hit or miss.
  if (cache === undefined || bytes.length > caps.maxModuleBytes) return prepareModule(bytes, caps);
  const variant = { ...caps };
  const hit = await cache.get(sha256, variant);
  if (hit !== undefined) {
    const info = soundPrepared(hit.prepared, caps);
    if (info !== undefined) return { bytes: hit.prepared, info };
    await cache.delete(sha256, variant);
  }
  const prepared = prepareModule(bytes, caps);
  await cache.set(sha256, { prepared: prepared.bytes, meta: { originalBytes: bytes.length } }, variant);
  return prepared;
}

/** The module info of `prepared` when it holds what `prepareModule` guarantees under `caps`, else undefined. */
export function soundPrepared(prepared: Uint8Array, caps: ModuleCaps): ModuleInfo | undefined {
  let info: ModuleInfo;
  try {
    info = readModuleInfo(prepared);
  } catch {
    return undefined;
  }
  const memories: MemoryLimits[] = [...info.memories, ...info.imports.flatMap((i) => (i.kind === 'memory' ? [i.limits] : []))];
  const capped = (m: MemoryLimits): boolean => m.shared && !m.memory64 && m.max !== undefined && m.max <= caps.maxMemoryPages && m.min <= m.max;
  const within = info.definedFunctions <= caps.maxFunctions && info.tables <= caps.maxTables && info.dataSegments <= caps.maxDataSegments
    && info.imports.length <= caps.maxImports && info.exports.length <= caps.maxExports;
  return within && memories.every(capped) ? info : undefined;
}
