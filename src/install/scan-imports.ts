/**
 * Rules about what a module imports. Every import must come from someone Warden knows: the
 * Extism kernel (with the ABI's exact signature), Warden's host functions, WASI preview 1, a
 * memory from `env`, or another module of the same plugin. A host function that belongs to a
 * capability needs that capability declared in the manifest: a plugin that imports more than it
 * asks for is refused at install (THREATS.md §13, §14), not left to fail at its first call.
 * Findings are grouped per module and reason, so a long list of imports yields one finding.
 */
import { BASELINE_KINDS } from '../capabilities/grants.js';
import type { CapabilityKind } from '../manifest/capabilities.js';
import { EXTISM_ENV_SIGNATURES, signatureMismatch, WASI_SIGNATURES } from '../runtime/abi-signatures.js';
import type { FuncType, Import, ModuleInfo } from '../runtime/wasm/module-info.js';
import {
  DECLARATION_EXAMPLES, ENV_FUNCTION_KINDS, ENV_NAMESPACE, isFilesystemFunction, MEMORY_NAMESPACE, USER_NAMESPACE,
  WARDEN_FUNCTION_KINDS, WARDEN_SIGNATURES, WASI_NAMESPACE,
} from './known-imports.js';
import { finding, FindingGroups, quote, type ScanContext, type ScanFinding, type ScanSeverity, type ScannedModule } from './scan-types.js';

const FUNCTION_NAMESPACES: ReadonlySet<string> = new Set([ENV_NAMESPACE, USER_NAMESPACE, WASI_NAMESPACE]);

/** Adds a name to a grouped finding; `text` receives the list of names. */
type Add = (severity: ScanSeverity, code: string, key: string, name: string, text: (names: string) => string) => void;

const exportKeyCache = new WeakMap<ModuleInfo, ReadonlySet<string>>();

/** `kind\0name` of every export of a module, computed once per module. */
function exportKeys(info: ModuleInfo): ReadonlySet<string> {
  let keys = exportKeyCache.get(info);
  if (keys === undefined) {
    keys = new Set(info.exports.map((e) => `${e.kind}\0${e.name}`));
    exportKeyCache.set(info, keys);
  }
  return keys;
}

/** Every import rule for one module. */
export function importFindings(m: ScannedModule, info: ModuleInfo, ctx: ScanContext): ScanFinding[] {
  const groups = new FindingGroups();
  const add: Add = (severity, code, key, name, text) =>
    groups.add(`${code}\0${key}`, name, (names) => finding(severity, code, text(names), m.name));
  const mod = `module ${quote(m.name)}`;
  const others = new Map(ctx.modules.filter((o) => o.name !== m.name).map((o) => [o.name, o]));

  const requireKind = (kind: CapabilityKind, name: string): void => {
    if (ctx.declared.has(kind) || BASELINE_KINDS.includes(kind)) return;
    add('refuse', 'capability-not-declared', kind, name, (names) =>
      `${mod} imports ${names} but the manifest does not declare the ${kind} capability; add "${DECLARATION_EXAMPLES[kind]}" to capabilities (the operator then decides whether to grant it), or remove the import`);
  };

  for (const imp of info.imports) {
    const other = others.get(imp.module);
    if (other !== undefined) {
      if (other.info && !exportKeys(other.info).has(`${imp.kind}\0${imp.name}`)) {
        add('refuse', 'module-import-missing', imp.module, imp.name, (names) =>
          `${mod} imports ${names} from module ${quote(imp.module)}, which does not export them (with that kind); export them from ${quote(imp.module)} or fix the import`);
      }
    } else if (FUNCTION_NAMESPACES.has(imp.module) && imp.kind !== 'function') {
      add('refuse', 'unsupported-import-kind', imp.module, `${imp.name} (${imp.kind})`, (names) =>
        `${mod} imports ${names} from ${imp.module}, which provides only functions; import a memory from "env" instead, or remove the import`);
    } else if (imp.kind === 'function' && imp.module === ENV_NAMESPACE) {
      envImport(imp.name, imp.type, add, mod, requireKind);
    } else if (imp.kind === 'function' && imp.module === USER_NAMESPACE) {
      userImport(imp.name, imp.type, add, mod, requireKind);
    } else if (imp.kind === 'function' && imp.module === WASI_NAMESPACE) {
      wasiImport(imp.name, imp.type, add, mod, ctx);
    } else if (imp.module !== MEMORY_NAMESPACE || imp.kind !== 'memory') {
      // An imported memory from env is served (its limits are checked with the module's memories).
      unknownModule(imp, add, mod);
    }
  }
  return groups.findings();
}

function wrongSignature(add: Add, code: string, ns: string, name: string, problem: string, mod: string, fix: string): void {
  add('refuse', code, name, name, () => `${mod} imports ${ns} ${quote(name)} with the wrong signature: ${problem}; ${fix}`);
}

function envImport(name: string, type: FuncType, add: Add, mod: string, requireKind: (k: CapabilityKind, n: string) => void): void {
  const problem = signatureMismatch(EXTISM_ENV_SIGNATURES, name, type);
  if (problem === 'no such function') {
    add('refuse', 'unknown-kernel-import', '', name, (names) =>
      `${mod} imports ${names} from ${ENV_NAMESPACE}, which are not functions of the Extism ABI; rebuild the plugin with a current Extism PDK, or remove the import`);
    return;
  }
  if (problem) wrongSignature(add, 'kernel-import-signature', ENV_NAMESPACE, name, problem, mod, 'rebuild the plugin with a current Extism PDK');
  const kind = ENV_FUNCTION_KINDS.get(name);
  if (kind) requireKind(kind, name);
}

function userImport(name: string, type: FuncType, add: Add, mod: string, requireKind: (k: CapabilityKind, n: string) => void): void {
  const kind = WARDEN_FUNCTION_KINDS.get(name);
  if (kind === undefined) {
    add('medium', 'unknown-host-function', '', name, (names) =>
      `${mod} imports ${names} from ${USER_NAMESPACE}, which are not Warden functions: only an application that embeds Warden and provides them can run this plugin (anywhere else it fails to load); install it only where such an application serves them`);
    return;
  }
  const problem = signatureMismatch(WARDEN_SIGNATURES, name, type);
  if (problem) wrongSignature(add, 'host-import-signature', USER_NAMESPACE, name, problem, mod, "declare it as docs/capabilities.md shows, or use Warden's SDK");
  requireKind(kind, name);
}

function wasiImport(name: string, type: FuncType, add: Add, mod: string, ctx: ScanContext): void {
  const problem = signatureMismatch(WASI_SIGNATURES, name, type);
  if (problem === 'no such function') {
    add('refuse', 'unknown-wasi-import', '', name, (names) =>
      `${mod} imports ${names} from ${WASI_NAMESPACE}, which are not WASI preview 1 functions; rebuild the plugin for wasm32-wasip1 (preview 1), or remove the import`);
  } else if (problem) {
    wrongSignature(add, 'wasi-import-signature', WASI_NAMESPACE, name, problem, mod, 'rebuild the plugin for wasm32-wasip1 (preview 1)');
  }
  // `filesystem` includes WASI, so a filesystem function only ever asks for `filesystem`.
  if (ctx.declared.has('filesystem')) return;
  if (isFilesystemFunction(name)) {
    add('refuse', 'filesystem-not-declared', '', name, (names) =>
      `${mod} imports WASI filesystem functions (${names}) but the manifest does not declare filesystem; add "- filesystem" to capabilities, or build the plugin without file access`);
  } else if (!ctx.declared.has('wasi')) {
    add('refuse', 'wasi-not-declared', '', name, (names) =>
      `${mod} imports WASI functions (${names}) but the manifest declares neither wasi nor filesystem; add "- wasi" to capabilities, or build the plugin without WASI (e.g. wasm32-unknown-unknown)`);
  }
}

function unknownModule(imp: Import, add: Add, mod: string): void {
  if (imp.module === MEMORY_NAMESPACE) {
    add('refuse', 'unknown-import-module', MEMORY_NAMESPACE, imp.name, (names) =>
      `${mod} imports ${names} from "env", which provides only an imported memory; these are usually C library or JavaScript glue functions: build the plugin with an Extism PDK or a plain wasm32 target instead`);
    return;
  }
  add('refuse', 'unknown-import-module', '', imp.module, (names) =>
    `${mod} imports from ${names}, which no one provides (Warden serves ${ENV_NAMESPACE}, ${USER_NAMESPACE}, ${WASI_NAMESPACE}, a memory from "env" and the plugin's other modules); rebuild the plugin without these imports, or add the missing module to the plugin`);
}
