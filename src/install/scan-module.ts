/**
 * Rules about one module's shape: its size and complexity against the caps, its memories
 * (shared and 64-bit memories are refused, as the runtime refuses them; a minimum above the cap
 * could never be instantiated) and a start function, which runs when the module is instantiated,
 * before any call and outside any tool's purpose.
 */
import type { MemoryLimits, ModuleInfo } from '../runtime/wasm/module-info.js';
import { finding, FindingGroups, quote, type ScanContext, type ScanFinding, type ScannedModule } from './scan-types.js';
import type { ScanLimits } from './scan-limits.js';

const PAGE = 65536;

interface SizeRule {
  code: string;
  /** What is counted, e.g. "functions"; the message reads "has 12 functions". */
  what: string;
  limit: keyof ScanLimits;
  value(info: ModuleInfo): number;
}

const SIZE_RULES: readonly SizeRule[] = [
  { code: 'too-many-functions', what: 'functions', limit: 'maxFunctions', value: (i) => i.definedFunctions },
  { code: 'code-too-large', what: 'bytes of code', limit: 'codeMaxBytes', value: (i) => i.codeBytes },
  { code: 'too-many-data-segments', what: 'data segments', limit: 'maxDataSegments', value: (i) => i.dataSegments },
  { code: 'data-too-large', what: 'bytes of data segments', limit: 'dataMaxBytes', value: (i) => i.dataBytes },
  { code: 'too-many-tables', what: 'tables', limit: 'maxTables', value: (i) => i.tables },
  { code: 'table-too-large', what: 'initial elements in its largest table', limit: 'tableMaxElements', value: (i) => i.definedTables.reduce((max, t) => Math.max(max, t.min), 0) },
  { code: 'too-many-imports', what: 'imports', limit: 'maxImports', value: (i) => i.imports.length },
  { code: 'too-many-exports', what: 'exports', limit: 'maxExports', value: (i) => i.exports.length },
];

function overCap(m: ScannedModule, code: string, what: string, value: number, limit: keyof ScanLimits, cap: number): ScanFinding {
  return finding('refuse', code, `module ${quote(m.name)} has ${value} ${what}, over the cap of ${cap}; make the plugin smaller, or raise the scan limit ${limit} if it is trusted to need this`, m.name);
}

/** The byte-size rule; it needs no readable module, so it also applies to bytes that fail to parse. */
export function byteSizeFindings(m: ScannedModule, limits: ScanLimits): ScanFinding[] {
  const cap = limits.moduleMaxBytes;
  return m.bytes.length > cap ? [overCap(m, 'module-too-large', 'bytes', m.bytes.length, 'moduleMaxBytes', cap)] : [];
}

/** Every other size and complexity cap. */
export function complexityFindings(m: ScannedModule, info: ModuleInfo, limits: ScanLimits): ScanFinding[] {
  return SIZE_RULES.flatMap((rule) => {
    const value = rule.value(info);
    const cap = limits[rule.limit];
    return value > cap ? [overCap(m, rule.code, rule.what, value, rule.limit, cap)] : [];
  });
}

/** The memory cap in pages: the scan limit, or the manifest's `limits.memory` when that is lower. */
function memoryCap(ctx: ScanContext): { pages: number; source: string } {
  const requested = ctx.manifest.limits.memoryBytes;
  return requested !== undefined && requested < ctx.limits.memoryMaxBytes
    ? { pages: Math.floor(requested / PAGE), source: "the manifest's limits.memory" }
    : { pages: Math.floor(ctx.limits.memoryMaxBytes / PAGE), source: 'the scan limit memoryMaxBytes' };
}

/**
 * Shared memory, 64-bit memory, and a minimum size above the cap, for defined and imported
 * memories; one finding per reason, naming every memory it applies to.
 */
export function memoryFindings(m: ScannedModule, info: ModuleInfo, ctx: ScanContext): ScanFinding[] {
  const cap = memoryCap(ctx);
  const mod = `module ${quote(m.name)}`;
  const groups = new FindingGroups();
  const check = (where: string, l: MemoryLimits): void => {
    if (l.shared) groups.add('shared', where, (names) => finding('refuse', 'shared-memory', `${mod} has shared memory (${names}); plugins may not use shared memory (threads are not supported): build the plugin without threads or atomics`, m.name));
    if (l.memory64) groups.add('64', where, (names) => finding('refuse', 'memory64', `${mod} has 64-bit memory (${names}), which Warden does not run: build the plugin for wasm32`, m.name));
    if (l.min > cap.pages) {
      groups.add('min', `${where} (${l.min} pages)`, (names) => finding('refuse', 'memory-too-large', `${mod} has memory whose minimum is above ${cap.source} (${cap.pages} pages of 64 KiB): ${names}; it could never be instantiated: lower the module's initial memory, or raise the cap if the plugin is trusted to need it`, m.name));
    }
  };
  for (const i of info.imports) if (i.kind === 'memory') check(`imported memory ${i.module}.${i.name}`, i.limits);
  info.memories.forEach((l, i) => check(`memory ${i}`, l));
  return groups.findings();
}

/** A start function runs at instantiation, before any call: worth the operator's attention. */
export function startFindings(m: ScannedModule, info: ModuleInfo): ScanFinding[] {
  if (!info.hasStart) return [];
  return [finding('high', 'start-function', `module ${quote(m.name)} has a start function, which runs as soon as the plugin is loaded, before any call; make sure the plugin is expected to do work at load time (Extism plugins normally use _initialize)`, m.name)];
}
