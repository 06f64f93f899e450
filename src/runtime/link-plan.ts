/**
 * Decides, before any worker starts, where every import of every module comes from, and in which
 * order the modules are instantiated. A module that imports something nobody provides is refused
 * here with the full list of what is missing and what to do about it.
 */
import { WardenError } from '../errors.js';
import { EXTISM_ENV_SIGNATURES, signatureMismatch, WASI_SIGNATURES } from './abi-signatures.js';
import { KERNEL_FUNCTIONS } from './kernel/kernel.js';
import type { ResolvedOptions } from './options.js';
import type { ImportSource, ModulePlan } from './protocol.js';
import { SLOT_COUNT } from './protocol.js';
import { SLOT_TYPES } from './slots.js';
import type { HostFunction } from './host-call-context.js';
import type { FuncType, Import, ModuleInfo } from './wasm/module-info.js';

const WASI_MODULES = new Set(['wasi_snapshot_preview1']);
const INITIALIZERS = ['_initialize', 'hs_init'];

export interface CompiledModule {
  name: string;
  module: WebAssembly.Module;
  info: ModuleInfo;
}

/** A host function the application provides, in the order the worker refers to them. */
export interface UserFunction {
  namespace: string;
  name: string;
  type: FuncType;
  fn: HostFunction;
}

export interface LinkPlan {
  modules: ModulePlan[];
  entry: CompiledModule;
  userFunctions: UserFunction[];
}

function signature(t: FuncType): string {
  return `(${t.params.join(',')})->(${t.results.join(',')})`;
}

function checkHostSignature(imp: Import & { kind: 'function' }): string | undefined {
  const types = [...imp.type.params, ...imp.type.results];
  if (types.some((t) => !SLOT_TYPES.has(t))) return 'only i32, i64, f32 and f64 can cross to a host function';
  if (imp.type.params.length > SLOT_COUNT || imp.type.results.length > SLOT_COUNT) return `at most ${SLOT_COUNT} parameters`;
  return undefined;
}

/** Orders modules so that every module comes after the ones it imports from. */
function order(modules: CompiledModule[]): CompiledModule[] {
  const byName = new Map(modules.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: CompiledModule[] = [];
  const visit = (m: CompiledModule, path: string[]): void => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) {
      throw new WardenError('LINK_ERROR', `modules import each other in a cycle: ${[...path, m.name].join(' -> ')}`);
    }
    visiting.add(m.name);
    for (const imp of m.info.imports) {
      const dep = byName.get(imp.module);
      if (dep && dep !== m) visit(dep, [...path, m.name]);
    }
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  for (const m of modules) visit(m, []);
  return out;
}

/** Resolves every import of `modules` against Warden's functions, WASI, the application's functions and each other. */
export function planLink(modules: CompiledModule[], options: ResolvedOptions, memoryMaxPages: number): LinkPlan {
  const names = new Set(modules.map((m) => m.name));
  const entry = modules.find((m) => m.name === 'main') ?? modules[modules.length - 1]!;
  const userFunctions: UserFunction[] = [];
  const userIndex = new Map<string, number>();
  const missing: string[] = [];

  const resolve = (m: CompiledModule, imp: Import): ImportSource | undefined => {
    const where = `${imp.module}.${imp.name}`;
    if (names.has(imp.module) && imp.module !== m.name) return { from: 'module', module: imp.module, name: imp.name };
    if (imp.kind === 'memory') {
      // prepare.ts has made every memory shared with a maximum; the host's memory must match.
      return { from: 'memory', initial: imp.limits.min, maximum: Math.min(imp.limits.max ?? memoryMaxPages, memoryMaxPages), shared: imp.limits.shared };
    }
    if (imp.kind !== 'function') return void missing.push(`${where} (${imp.kind}): only functions and memories can be provided`);
    if (imp.module === 'extism:host/env') {
      const problem = signatureMismatch(EXTISM_ENV_SIGNATURES, imp.name, imp.type);
      if (problem === 'no such function') return void missing.push(`${where}: not a function of the Extism ABI`);
      if (problem) return void missing.push(`${where}: ${problem}`);
      return KERNEL_FUNCTIONS.has(imp.name) ? { from: 'kernel', name: imp.name } : { from: 'env', name: imp.name };
    }
    if (WASI_MODULES.has(imp.module)) {
      if (!options.wasi) return void missing.push(`${where}: the plugin needs WASI; enable it with the wasi option (--wasi)`);
      const problem = signatureMismatch(WASI_SIGNATURES, imp.name, imp.type);
      if (problem) return void missing.push(`${where}: ${problem === 'no such function' ? 'not a WASI preview 1 function' : problem}`);
      return { from: 'wasi', name: imp.name };
    }
    const fn = options.functions.get(imp.module)?.get(imp.name);
    if (!fn) return void missing.push(`${where}: no host function with this name was provided`);
    const problem = checkHostSignature(imp);
    if (problem) return void missing.push(`${where} ${signature(imp.type)}: ${problem}`);
    const key = `${imp.module}\0${imp.name}\0${signature(imp.type)}`;
    let index = userIndex.get(key);
    if (index === undefined) {
      index = userFunctions.push({ namespace: imp.module, name: imp.name, type: imp.type, fn }) - 1;
      userIndex.set(key, index);
    }
    return { from: 'user', index, type: imp.type };
  };

  const plans = order(modules).map((m): ModulePlan => {
    const imports = m.info.imports.flatMap((imp) => {
      const source = resolve(m, imp);
      return source ? [{ module: imp.module, name: imp.name, source }] : [];
    });
    const initializers = INITIALIZERS.filter((n) => m.info.exports.some((e) => e.kind === 'function' && e.name === n));
    return { name: m.name, module: m.module, imports, initializers };
  });

  if (missing.length > 0) {
    const shown = missing.slice(0, 10).map((s) => `  - ${s}`).join('\n');
    const more = missing.length > 10 ? `\n  … and ${missing.length - 10} more` : '';
    throw new WardenError('LINK_ERROR', `plugin ${options.name} imports what no one provides:\n${shown}${more}`, {
      data: { missing },
    });
  }
  return { modules: plans, entry, userFunctions };
}
