/**
 * The `capabilities` list of a manifest: what a plugin asks for. Each entry becomes one typed,
 * normalised {@link Capability} with a risk level; the operator's grant and the security level
 * decide later what the plugin really gets. An unknown capability name is ignored with a warning
 * (a manifest written for a newer Warden still loads, with less); a known capability written
 * wrongly is an error, because guessing what it meant could grant the wrong thing.
 */
import { parseHostPattern, type HostPattern } from '../runtime/http/host-pattern.js';
import { parseCliCommand, type CliCommand } from './cli-command.js';
import type { FieldPath } from './problems.js';

/** How much harm a capability can do in a hostile plugin's hands. */
export type RiskLevel = 'low' | 'medium' | 'high';

/** A requested capability, normalised. */
export type Capability =
  | { kind: 'network'; risk: RiskLevel; hosts: HostPattern[] }
  | { kind: 'storage'; risk: RiskLevel; store: 'kv' }
  | { kind: 'vault'; risk: RiskLevel; keys: string[] }
  | { kind: 'tool'; risk: RiskLevel; names: string[] }
  | { kind: 'memory'; risk: RiskLevel; access: 'read' }
  | { kind: 'channel'; risk: RiskLevel; access: 'send' }
  | { kind: 'context' | 'config' | 'wasi' | 'filesystem'; risk: RiskLevel }
  | { kind: 'cli'; risk: RiskLevel; commands: CliCommand[] };

/** Every capability kind. */
export type CapabilityKind = Capability['kind'];

/**
 * The risk of each capability kind. Low: reads only what the operator or the caller chose to
 * hand this plugin. Medium: reaches data or effects beyond the plugin (persistent state, other
 * tools, the network, the host's memory store, a file tree). High: secrets, or running host
 * programs. See docs/manifest.md for the reasoning per kind.
 */
export const CAPABILITY_RISK: Readonly<Record<CapabilityKind, RiskLevel>> = {
  config: 'low',
  context: 'low',
  memory: 'medium',
  storage: 'medium',
  channel: 'medium',
  tool: 'medium',
  network: 'medium',
  wasi: 'medium',
  filesystem: 'medium',
  vault: 'high',
  cli: 'high',
};

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/** The highest risk among `caps`; `low` for none. */
export function riskOf(caps: readonly Capability[]): RiskLevel {
  return caps.reduce<RiskLevel>((max, c) => (RANK[c.risk] > RANK[max] ? c.risk : max), 'low');
}

/** Result of {@link parseCapabilities}; paths are relative to `capabilities`. */
export interface ParsedCapabilities {
  capabilities: Capability[];
  errors: { path: FieldPath; message: string }[];
  warnings: { path: FieldPath; message: string }[];
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64})?$/;
const VAULT_KEY = /^[A-Za-z0-9_.-]{1,128}$/;
const FLAGS = new Set(['context', 'config', 'wasi', 'filesystem']);

/**
 * Parses a manifest's `capabilities` list. Entries are a bare name (`- context`) or a one-key
 * mapping (`- network: [api.example.com]`). A kind listed twice is merged into one entry.
 *
 * @example parseCapabilities([{ storage: 'kv' }, 'context']).capabilities
 * // [{ kind: 'storage', risk: 'medium', store: 'kv' }, { kind: 'context', risk: 'low' }]
 */
export function parseCapabilities(input: unknown): ParsedCapabilities {
  const out: ParsedCapabilities = { capabilities: [], errors: [], warnings: [] };
  if (input === undefined || input === null) return out;
  if (!Array.isArray(input)) {
    out.errors.push({ path: [], message: 'expected a list such as [context, { storage: kv }]' });
    return out;
  }
  const byKind = new Map<CapabilityKind, Capability>();
  input.forEach((entry: unknown, i) => {
    const fail = (path: FieldPath, message: string): void => void out.errors.push({ path: [i, ...path], message });
    let name: string;
    let value: unknown;
    if (typeof entry === 'string') name = entry;
    else if (typeof entry === 'object' && entry !== null && !Array.isArray(entry) && Object.keys(entry).length === 1) {
      [name, value] = Object.entries(entry)[0]!;
    } else return fail([], 'expected a capability name or a mapping with one key, e.g. { network: [api.example.com] }');
    if (!Object.hasOwn(CAPABILITY_RISK, name)) {
      out.warnings.push({ path: [i], message: `unknown capability "${name.slice(0, 64)}" ignored` });
      return;
    }
    const kind = name as CapabilityKind;
    const cap = parseOne(kind, value, (path, message) => fail([kind, ...path], message));
    if (cap) byKind.set(kind, merge(byKind.get(kind), cap));
  });
  out.capabilities = [...byKind.values()];
  return out;
}

type Fail = (path: FieldPath, message: string) => void;

/** A list item that failed its check, with the reason. */
interface Invalid {
  error: string;
}

const text = (noun: string, check: (s: string) => string | undefined) => (item: unknown): string | Invalid => {
  if (typeof item !== 'string') return { error: `expected a ${noun} name` };
  const error = item.includes('*') ? `wildcards are refused: list each ${noun} by its exact name` : check(item);
  return error === undefined ? item : { error };
};

const checkVaultKey = text('secret key', (s) => (VAULT_KEY.test(s) ? undefined : 'a secret key is 1–128 letters, digits, "_", "." or "-"'));
const checkToolName = text('tool', (s) => (TOOL_NAME.test(s) ? undefined : 'expected "tool" or "plugin.tool" (letters, digits, "_", "-")'));

function checkHost(item: unknown): HostPattern | Invalid {
  if (typeof item !== 'string') return { error: 'expected a host name such as api.example.com' };
  const parsed = parseHostPattern(item);
  return typeof parsed === 'string' ? { error: parsed } : parsed;
}

function checkCli(item: unknown): CliCommand | Invalid {
  const parsed = parseCliCommand(item);
  return typeof parsed === 'string' ? { error: parsed } : parsed;
}

function parseOne(kind: CapabilityKind, value: unknown, fail: Fail): Capability | undefined {
  const risk = CAPABILITY_RISK[kind];
  const word = (expected: string): boolean => (value === expected ? true : (fail([], `expected "${expected}"`), false));
  switch (kind) {
    case 'network': {
      const hosts = list(value, fail, 'host', checkHost, (h) => h.text);
      return hosts && { kind, risk, hosts };
    }
    case 'vault': {
      const keys = list(value, fail, 'secret key', checkVaultKey, String);
      return keys && { kind, risk, keys };
    }
    case 'tool': {
      const names = list(value, fail, 'tool', checkToolName, String);
      return names && { kind, risk, names };
    }
    case 'cli': {
      const commands = list(value, fail, 'command', checkCli, (c) => JSON.stringify(c));
      return commands && { kind, risk, commands };
    }
    case 'storage':
      return word('kv') ? { kind, risk, store: 'kv' } : undefined;
    case 'memory':
      return word('read') ? { kind, risk, access: 'read' } : undefined;
    case 'channel':
      return word('send') ? { kind, risk, access: 'send' } : undefined;
    default:
      if (FLAGS.has(kind) && (value === undefined || value === null || value === true)) return { kind, risk } as Capability;
      fail([], `takes no value: write "- ${kind}"`);
      return undefined;
  }
}

/** Reads a non-empty list (a single item counts as a list of one), checked and de-duplicated. */
function list<T>(value: unknown, fail: Fail, what: string, check: (item: unknown) => T | Invalid, key: (t: T) => string): T[] | undefined {
  const items: unknown[] = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  if (items.length === 0) return void fail([], `lists at least one ${what}`);
  const out: T[] = [];
  items.forEach((item, j) => {
    const parsed = check(item);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) fail(Array.isArray(value) ? [j] : [], parsed.error);
    else out.push(parsed);
  });
  return out.length === items.length ? uniq(out, key) : undefined;
}

function uniq<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((t) => [key(t), t])).values()];
}

function merge(prev: Capability | undefined, next: Capability): Capability {
  if (prev === undefined) return next;
  if (prev.kind === 'network' && next.kind === 'network') return { ...prev, hosts: uniq([...prev.hosts, ...next.hosts], (h) => h.text) };
  if (prev.kind === 'vault' && next.kind === 'vault') return { ...prev, keys: uniq([...prev.keys, ...next.keys], String) };
  if (prev.kind === 'tool' && next.kind === 'tool') return { ...prev, names: uniq([...prev.names, ...next.names], String) };
  if (prev.kind === 'cli' && next.kind === 'cli') return { ...prev, commands: uniq([...prev.commands, ...next.commands], (c) => JSON.stringify(c)) };
  return prev;
}
