/**
 * Rules that hold the manifest against the modules and against itself: every declared tool is
 * an exported function of the entry module that Warden can call, tool delegation names exact
 * tools, and the capabilities that deserve an operator's second look are pointed out.
 */
import { CAPABILITY_RISK, type Capability } from '../manifest/capabilities.js';
import type { FuncType } from '../runtime/wasm/module-info.js';
import { LIFECYCLE_EXPORTS } from './known-imports.js';
import { finding, nameList, quote, type ScanContext, type ScanFinding, type ScannedModule } from './scan-types.js';

/** Warden calls plugin functions as `() -> i32` (the Extism convention) or `() -> ()`. */
function callable(t: FuncType): boolean {
  return t.params.length === 0 && (t.results.length === 0 || (t.results.length === 1 && t.results[0] === 'i32'));
}

/** Every declared tool must be a callable function export of the entry module. */
export function toolFindings(ctx: ScanContext): ScanFinding[] {
  const entry = ctx.entry;
  if (entry?.info === undefined) return [];
  const info = entry.info;
  const mod = `module ${quote(entry.name)}`;
  const functions = new Map(info.exports.filter((e) => e.kind === 'function').map((e) => [e.name, info.functionTypes[e.index]]));
  return ctx.manifest.tools.flatMap((tool) => {
    if (!functions.has(tool.name)) {
      return [finding('refuse', 'tool-not-exported', `tool ${quote(tool.name)} is declared in the manifest but the entry ${mod} does not export a function of that name; export it (e.g. #[plugin_fn] in Rust) or remove the tool from the manifest`, entry.name)];
    }
    const type = functions.get(tool.name);
    if (type === undefined || !callable(type)) {
      return [finding('refuse', 'tool-export-signature', `tool ${quote(tool.name)} is exported by ${mod} with parameters or results Warden cannot call; a plugin function takes no parameters and returns an i32 (read the input with the PDK's input functions)`, entry.name)];
    }
    return [];
  });
}

/** Entry exports that are neither declared tools nor lifecycle hooks: callable by name, but undeclared. */
export function exportFindings(ctx: ScanContext): ScanFinding[] {
  const entry = ctx.entry;
  if (entry?.info === undefined) return [];
  const tools = new Set(ctx.manifest.tools.map((t) => t.name));
  const extra = entry.info.exports.filter((e) => e.kind === 'function' && !tools.has(e.name) && !LIFECYCLE_EXPORTS.has(e.name)).map((e) => e.name);
  if (extra.length === 0) return [];
  return [finding('info', 'undeclared-export', `module ${quote(entry.name)} exports functions that are neither declared tools nor lifecycle hooks (${nameList(extra)}); declare the ones callers should use as tools, and stop exporting the others`, entry.name)];
}

/** Refuses wildcard delegation (the manifest parser refuses it too, but a Manifest can be built by hand). */
export function delegationFindings(ctx: ScanContext): ScanFinding[] {
  return ctx.manifest.capabilities.flatMap((c) => {
    if (c.kind !== 'tool') return [];
    const wild = c.names.filter((n) => n.includes('*'));
    if (wild.length === 0) return [];
    return [finding('refuse', 'wildcard-tool-delegation', `the tool capability lists ${nameList(wild)}: delegation to wildcard tool names is refused; list each tool this plugin calls by its exact name ("plugin.tool")`)];
  });
}

/** The capabilities an operator should look at twice before granting them. */
export function capabilityFindings(ctx: ScanContext): ScanFinding[] {
  const out: ScanFinding[] = [];
  if (ctx.declared.has('vault') && ctx.declared.has('network')) {
    out.push(finding('high', 'vault-with-network', 'the plugin asks for both vault and network: it could send the secrets it reads to an allowed host; grant both only if the plugin needs to call that host with those secrets, and keep the host list short'));
  }
  for (const c of ctx.manifest.capabilities) {
    if (CAPABILITY_RISK[c.kind] === 'high' || c.risk === 'high') {
      out.push(finding('medium', 'high-risk-capability', `the plugin asks for the high-risk capability ${c.kind}${detail(c)}; grant it only if you trust the plugin's author with it`));
    }
  }
  return out;
}

function detail(c: Capability): string {
  if (c.kind === 'vault') return ` (secrets ${nameList(c.keys)})`;
  if (c.kind === 'cli') return ` (programs ${nameList(c.commands.map((x) => x.command))})`;
  return '';
}

/** Rules about the plugin as a whole: at least one module, unique names. */
export function moduleListFindings(modules: readonly ScannedModule[]): ScanFinding[] {
  if (modules.length === 0) return [finding('refuse', 'no-modules', 'the plugin has no WebAssembly module; list its .wasm file(s) under wasm in the manifest')];
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const m of modules) (seen.has(m.name) ? dup : seen).add(m.name);
  if (dup.size === 0) return [];
  return [finding('refuse', 'duplicate-module-name', `several modules are named ${nameList([...dup])}; give every module a unique name in the manifest`)];
}
