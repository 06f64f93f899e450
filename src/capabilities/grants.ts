/**
 * Grants and security levels: what a plugin really gets. Effective privileges are
 * requested ∩ granted by the operator ∩ the security level's ceiling, computed here by pure
 * functions. The operator's grants are the strings the state store keeps (`storage:kv`,
 * `network:api.example.com`, `vault:example_api_key`, `context`); see docs/capabilities.md.
 */
import { CAPABILITY_RISK, type Capability, type CapabilityKind } from '../manifest/capabilities.js';
import { parseHostPattern } from '../runtime/http/host-pattern.js';

/**
 * How much the host trusts plugins. `paranoid`: no network, vault, tool delegation, WASI,
 * filesystem or cli, whatever was granted. `strict`: what was requested and granted.
 * `relaxed`: everything requested is granted.
 */
export type SecurityLevel = 'paranoid' | 'strict' | 'relaxed';

/** The security levels, from most to least restrictive. */
export const SECURITY_LEVELS: readonly SecurityLevel[] = ['paranoid', 'strict', 'relaxed'];

/** The level used when none is configured. */
export const DEFAULT_SECURITY_LEVEL: SecurityLevel = 'strict';

/**
 * Capabilities every plugin has without asking, unless the level's ceiling removes them. Logging
 * is baseline too but is not a capability kind: the runtime always serves `log_*` (its level and
 * volume are capped by `PluginOptions.logLevel` and the log limits).
 */
export const BASELINE_KINDS: readonly CapabilityKind[] = ['config', 'context'];

const ALL_KINDS = Object.keys(CAPABILITY_RISK) as CapabilityKind[];
const PARANOID_REFUSED: ReadonlySet<CapabilityKind> = new Set(['network', 'vault', 'tool', 'wasi', 'filesystem', 'cli']);

/** The kinds a level allows at most, whatever was requested or granted. */
export function levelCeiling(level: SecurityLevel): ReadonlySet<CapabilityKind> {
  return new Set(level === 'paranoid' ? ALL_KINDS.filter((k) => !PARANOID_REFUSED.has(k)) : ALL_KINDS);
}

/** True when `value` names a security level. */
export function isSecurityLevel(value: unknown): value is SecurityLevel {
  return typeof value === 'string' && (SECURITY_LEVELS as readonly string[]).includes(value);
}

/**
 * The grant strings that grant exactly `caps`: what `relaxed` grants on install, and what an
 * operator's "grant all requested" writes to the store.
 *
 * @example grantStrings([{ kind: 'vault', risk: 'high', keys: ['a'] }, { kind: 'context', risk: 'low' }])
 * // ['vault:a', 'context']
 */
export function grantStrings(caps: readonly Capability[]): string[] {
  return caps.flatMap((c) => itemsOf(c).map((item) => (item === undefined ? c.kind : `${c.kind}:${item}`)));
}

/** One grantable item of a requested capability, with its kind and risk (what consent dialogs list). */
export interface RequestedGrant {
  grant: string;
  kind: CapabilityKind;
  risk: Capability['risk'];
}

/** Every grantable item of `caps`: `network:api.example.com`, `storage:kv`, … with kind and risk. */
export function requestedGrants(caps: readonly Capability[]): RequestedGrant[] {
  return caps.flatMap((c) => grantStrings([c]).map((grant) => ({ grant, kind: c.kind, risk: c.risk })));
}

/**
 * Effective capabilities: each requested capability narrowed to the items the operator granted
 * (hosts, vault keys, tools, commands), dropped when nothing of it is left, plus the baseline;
 * then everything above the level's ceiling removed. Under `relaxed` the grants are not consulted.
 * A grant never adds anything that was not requested.
 *
 * @example
 * effectiveCapabilities([{ kind: 'vault', risk: 'high', keys: ['a', 'b'] }], ['vault:b'], 'strict')
 * // [{ kind: 'vault', risk: 'high', keys: ['b'] }, { kind: 'config', … }, { kind: 'context', … }]
 */
export function effectiveCapabilities(
  requested: readonly Capability[],
  granted: readonly string[],
  level: SecurityLevel = DEFAULT_SECURITY_LEVEL,
): Capability[] {
  const ceiling = levelCeiling(level);
  const grants = new Set(granted.map(normaliseGrant));
  const out = new Map<CapabilityKind, Capability>();
  for (const cap of requested) {
    if (!ceiling.has(cap.kind)) continue;
    const narrowed = level === 'relaxed' ? cap : narrow(cap, grants);
    if (narrowed) out.set(cap.kind, narrowed);
  }
  for (const kind of BASELINE_KINDS) {
    if (ceiling.has(kind) && !out.has(kind)) out.set(kind, { kind, risk: CAPABILITY_RISK[kind] } as Capability);
  }
  return [...out.values()];
}

/** The effective capability of `kind`, if any. */
export function findCapability<K extends CapabilityKind>(caps: readonly Capability[], kind: K): Extract<Capability, { kind: K }> | undefined {
  return caps.find((c) => c.kind === kind) as Extract<Capability, { kind: K }> | undefined;
}

/** The per-item grant keys of a capability; `undefined` for a kind granted as a whole. */
function itemsOf(cap: Capability): (string | undefined)[] {
  switch (cap.kind) {
    case 'network': return cap.hosts.map((h) => h.text);
    case 'vault': return cap.keys;
    case 'tool': return cap.names;
    case 'cli': return cap.commands.map((c) => c.command);
    case 'storage': return [cap.store];
    case 'memory':
    case 'channel': return [cap.access];
    default: return [undefined];
  }
}

function narrow(cap: Capability, grants: ReadonlySet<string>): Capability | undefined {
  const has = (item: string | undefined): boolean => grants.has(item === undefined ? cap.kind : `${cap.kind}:${item}`);
  switch (cap.kind) {
    case 'network': {
      const hosts = cap.hosts.filter((h) => has(h.text));
      return hosts.length ? { ...cap, hosts } : undefined;
    }
    case 'vault': {
      const keys = cap.keys.filter(has);
      return keys.length ? { ...cap, keys } : undefined;
    }
    case 'tool': {
      const names = cap.names.filter(has);
      return names.length ? { ...cap, names } : undefined;
    }
    case 'cli': {
      const commands = cap.commands.filter((c) => has(c.command));
      return commands.length ? { ...cap, commands } : undefined;
    }
    default:
      return itemsOf(cap).every(has) ? cap : undefined;
  }
}

/**
 * Normalises a `network:` grant the way the manifest normalises its hosts, so `network:API.example.com`
 * grants `api.example.com`. Other grants are compared exactly; a grant that does not parse grants nothing.
 */
function normaliseGrant(grant: string): string {
  if (!grant.startsWith('network:')) return grant;
  const parsed = parseHostPattern(grant.slice('network:'.length));
  return typeof parsed === 'string' ? `invalid:${grant}` : `network:${parsed.text}`;
}
