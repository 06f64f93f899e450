/**
 * The vocabulary every scan rule shares: findings, the context a rule reads, and how names that
 * come from the module (and so from a possibly hostile author) are shown in messages.
 */
import type { CapabilityKind } from '../manifest/capabilities.js';
import type { Manifest } from '../manifest/schema.js';
import type { ModuleInfo } from '../runtime/wasm/module-info.js';
import type { ScanLimits } from './scan-limits.js';

/** How bad a finding is: `refuse` blocks the install, the others inform the operator's consent. */
export type ScanSeverity = 'refuse' | 'high' | 'medium' | 'low' | 'info';

/** The severities from worst to mildest; findings are reported in this order. */
export const SCAN_SEVERITIES: readonly ScanSeverity[] = ['refuse', 'high', 'medium', 'low', 'info'];

/** One thing the scan found. */
export interface ScanFinding {
  severity: ScanSeverity;
  /** Stable kebab-case id of the rule, e.g. `unknown-import-module` (see docs/scan.md). */
  code: string;
  /** What was found and what to do about it. */
  message: string;
  /** The module the finding is about; absent for findings about the manifest or the whole plugin. */
  module?: string;
}

/** A module as the rules see it: `info` is undefined when its bytes could not be read. */
export interface ScannedModule {
  name: string;
  bytes: Uint8Array;
  info: ModuleInfo | undefined;
}

/** Everything a rule may read. */
export interface ScanContext {
  manifest: Manifest;
  modules: readonly ScannedModule[];
  /** The module whose exports are the plugin's functions: `main`, or the last one. */
  entry: ScannedModule | undefined;
  limits: ScanLimits;
  /** The capability kinds the manifest declares. */
  declared: ReadonlySet<CapabilityKind>;
}

/** Builds a finding; `module` is left out when undefined. */
export function finding(severity: ScanSeverity, code: string, message: string, module?: string): ScanFinding {
  return module === undefined ? { severity, code, message } : { severity, code, message, module };
}

const SHOWN_NAME = 64;
// Control, zero-width and bidirectional formatting characters: they can hide or reorder text in a
// terminal or a web page.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** `text` with control, invisible and bidirectional characters written as `\uXXXX` escapes. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A name chosen by the module's author, shown safely: quoted, cut to 64 characters, with control,
 * invisible and bidirectional characters escaped.
 *
 * @example quote('get\u202e') // '"get\\u202e"'
 */
export function quote(name: string): string {
  const cut = name.length > SHOWN_NAME ? `${name.slice(0, SHOWN_NAME)}…` : name;
  return escapeInvisible(JSON.stringify(cut));
}

const SHOWN_NAMES = 8;

/** Up to eight names, each {@link quote}d, then how many more there are. */
export function nameList(names: readonly string[]): string {
  const shown = names.slice(0, SHOWN_NAMES).map(quote).join(', ');
  return names.length > SHOWN_NAMES ? `${shown} and ${names.length - SHOWN_NAMES} more` : shown;
}

/**
 * Collects names under one finding per key, so a module that imports forty WASI functions
 * without the capability yields one finding that lists them, not forty.
 */
export class FindingGroups {
  private readonly groups = new Map<string, { names: Set<string>; make: (names: string) => ScanFinding }>();

  /** Adds `name` to the group `key`; the group's finding is `make(list of its names)`. */
  add(key: string, name: string, make: (names: string) => ScanFinding): void {
    const group = this.groups.get(key);
    if (group === undefined) this.groups.set(key, { names: new Set([name]), make });
    else group.names.add(name);
  }

  /** One finding per group, in the order the groups were first seen. */
  findings(): ScanFinding[] {
    return [...this.groups.values()].map((g) => g.make(nameList([...g.names])));
  }
}
