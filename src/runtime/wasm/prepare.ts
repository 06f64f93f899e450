/**
 * Turns untrusted module bytes into bytes that are safe to compile: size and complexity caps are
 * checked, shared and 64-bit memories are refused, and every memory's maximum (defined or
 * imported) is rewritten to at most the plugin's cap, because Node cannot cap a module-defined
 * memory once it is compiled.
 *
 * Every memory is also rewritten as *shared* (after refusing modules that declare one shared).
 * The guest cannot tell — plain loads and stores are the same and it has no way to start a
 * thread — but V8 reserves a shared memory's maximum up front, so `memory.grow` only moves a
 * bound. An unshared memory instead triggers a garbage collection on every grow past a few dozen
 * MiB: measured here, growing to 512 MiB took ~36 s of CPU and delayed `worker.terminate()` by
 * seconds, against 11 ms and an immediate terminate for the shared one.
 */
import { WardenError } from '../../errors.js';
import { encodeU32 } from './reader.js';
import { readModuleInfo, type MemoryLimits, type ModuleInfo } from './module-info.js';

/** Caps applied to one module before it is compiled. */
export interface ModuleCaps {
  maxModuleBytes: number;
  maxFunctions: number;
  maxMemoryPages: number;
  maxTables: number;
  maxDataSegments: number;
  maxImports: number;
  maxExports: number;
}

/** A module whose limits were checked and rewritten; `bytes` are what gets compiled. */
export interface PreparedModule {
  bytes: Uint8Array;
  info: ModuleInfo;
}

function tooLarge(what: string, value: number, cap: number, option: string): never {
  throw new WardenError(
    'MODULE_TOO_LARGE',
    `module has ${value} ${what}, over the cap of ${cap}; raise limits.${option} if this plugin is trusted to need it`,
    { data: { what, value, cap } },
  );
}

function checkCaps(bytes: Uint8Array, info: ModuleInfo, caps: ModuleCaps): void {
  if (info.definedFunctions > caps.maxFunctions) tooLarge('functions', info.definedFunctions, caps.maxFunctions, 'maxFunctions');
  if (info.tables > caps.maxTables) tooLarge('tables', info.tables, caps.maxTables, 'maxTables');
  if (info.dataSegments > caps.maxDataSegments) tooLarge('data segments', info.dataSegments, caps.maxDataSegments, 'maxDataSegments');
  if (info.imports.length > caps.maxImports) tooLarge('imports', info.imports.length, caps.maxImports, 'maxImports');
  if (info.exports.length > caps.maxExports) tooLarge('exports', info.exports.length, caps.maxExports, 'maxExports');
  void bytes;
}

function clamp(limits: MemoryLimits, capPages: number, where: string): MemoryLimits {
  if (limits.shared) {
    throw new WardenError('INVALID_WASM', `${where} is a shared memory; plugins may not use shared memory (threads are not supported)`);
  }
  if (limits.memory64) {
    throw new WardenError('INVALID_WASM', `${where} is a 64-bit memory, which Warden does not run`);
  }
  if (limits.min > capPages) {
    throw new WardenError(
      'MEMORY_LIMIT',
      `${where} needs at least ${limits.min} pages (${limits.min * 64} KiB) but the cap is ${capPages} pages; raise limits.memoryMaxBytes`,
      { data: { minPages: limits.min, capPages } },
    );
  }
  const max = limits.max !== undefined && limits.max <= capPages ? limits.max : capPages;
  return { ...limits, max, shared: true };
}

/** Limits flags: 0x01 has a maximum, 0x02 shared. */
function encodeLimits(l: MemoryLimits): number[] {
  return [0x03, ...encodeU32(l.min), ...encodeU32(l.max!)];
}

/**
 * Checks caps, refuses declared shared memories, clamps every memory maximum to
 * `caps.maxMemoryPages` and marks every memory shared. Returns the module unchanged when it has
 * no memory at all.
 */
export function prepareModule(bytes: Uint8Array, caps: ModuleCaps): PreparedModule {
  if (bytes.length > caps.maxModuleBytes) tooLarge('bytes', bytes.length, caps.maxModuleBytes, 'maxModuleBytes');
  const info = readModuleInfo(bytes);
  checkCaps(bytes, info, caps);

  // Replacement byte ranges inside the module: [start, end, newBytes].
  const edits: [number, number, number[]][] = [];
  info.imports.forEach((imp) => {
    if (imp.kind !== 'memory') return;
    const c = clamp(imp.limits, caps.maxMemoryPages, `imported memory ${imp.module}.${imp.name}`);
    edits.push([imp.limits.range[0], imp.limits.range[1], encodeLimits(c)]);
  });
  info.memories.forEach((m, i) => {
    edits.push([m.range[0], m.range[1], encodeLimits(clamp(m, caps.maxMemoryPages, `memory ${i}`))]);
  });
  if (edits.length === 0) return { bytes, info };
  const rewritten = applyEdits(bytes, info, edits);
  return { bytes: rewritten, info: readModuleInfo(rewritten) };
}

/** Splices the edits in and re-encodes the size of every section that contains one. */
function applyEdits(bytes: Uint8Array, info: ModuleInfo, edits: [number, number, number[]][]): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let cursor = 8;
  for (const section of info.sections) {
    const [start, end] = section.range;
    const inside = edits.filter(([s]) => s >= start && s < end).sort((a, b) => a[0] - b[0]);
    if (inside.length === 0) {
      parts.push(bytes.subarray(cursor, end));
    } else {
      // Only memory (5) and import (2) sections are edited; their payload starts at range[0].
      const payload: Uint8Array[] = [];
      let p = start;
      for (const [s, e, repl] of inside) {
        payload.push(bytes.subarray(p, s), Uint8Array.from(repl));
        p = e;
      }
      payload.push(bytes.subarray(p, end));
      const size = payload.reduce((n, b) => n + b.length, 0);
      parts.push(Uint8Array.from([section.id, ...encodeU32(size)]), ...payload);
    }
    cursor = end;
  }
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of parts) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}
