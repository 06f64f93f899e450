/**
 * Capabilities: what a plugin may do beyond computing, decided by one gate per plugin and
 * contributed to the runtime as host functions and options. Anything exported here is the
 * capabilities package's public API.
 */
import type { Capability, CapabilityKind } from '../manifest/capabilities.js';
import type { PluginOptions } from '../runtime/options.js';
import type { HostFunction } from '../runtime/host-call-context.js';
import type { StateStore } from '../storage/driver.js';
import { createGate, type Gate, type GateOptions } from './gate.js';
import type { RateLimit } from './rate-limit.js';
import { findCapability } from './grants.js';
import { kvFunctions } from './kv.js';
import { vaultFunctions } from './vault.js';
import { toolFunctions, type ToolDispatcher } from './tool.js';
import { cliFunctions, type CliOptions } from './cli.js';
import { contextFunctions } from './context.js';
import { memoryFunctions } from './memory.js';
import { channelFunctions, type ChannelFunctionsOptions } from './channel/index.js';

export { createGate, MAX_DETAIL, type Gate, type GateOptions, type Permit } from './gate.js';
export {
  BASELINE_KINDS, DEFAULT_SECURITY_LEVEL, SECURITY_LEVELS, effectiveCapabilities, findCapability, grantStrings,
  isSecurityLevel, levelCeiling, requestedGrants, type RequestedGrant, type SecurityLevel,
} from './grants.js';
export { KV_FUNCTIONS, kvFunctions, type KvFunctionsOptions } from './kv.js';
export { VAULT_FUNCTIONS, vaultFunctions, type VaultFunctionsOptions } from './vault.js';
export {
  DEFAULT_MAX_DEPTH, TOOL_FUNCTIONS, createToolRouter, toolFunctions,
  type Delegation, type HostTool, type RoutablePlugin, type RouteTarget, type ToolCallRequest, type ToolDirectory, type ToolDispatcher,
  type ToolFunctionsOptions,
} from './tool.js';
export { CLI_ENV, CLI_FUNCTIONS, cliFunctions, type CliFunctionsOptions, type CliOptions } from './cli.js';
export { CONTEXT_FUNCTIONS, contextFunctions, type ContextFunctionsOptions } from './context.js';
export { MAX_MEMORY_RESULTS, MEMORY_FUNCTIONS, memoryFunctions, type MemoryFunctionsOptions, type MemorySearchHit } from './memory.js';
export {
  CHANNEL_FUNCTIONS, CHANNEL_STATUS, DEFAULT_CHANNEL_MESSAGE_BYTES, DEFAULT_JSONL_LINE_BYTES, DEFAULT_WEBHOOK_RESPONSE_BYTES,
  DEFAULT_WEBHOOK_TIMEOUT_MS, channelFunctions, jsonlChannel, logChannel, webhookChannel, type ChannelAdapter,
  type ChannelFunctionsOptions, type ChannelMessage, type ChannelSendOptions, type JsonlChannelOptions, type WebhookChannelOptions,
} from './channel/index.js';
export { createRateLimiter, type RateLimit, type RateLimiter } from './rate-limit.js';

/** The namespace of Warden's host functions (the one Extism PDKs' `host_fn` imports from). */
export const USER_NAMESPACE = 'extism:host/user';

/**
 * Rate limits that apply unless the operator sets others: messages leave the host through
 * channels, so a plugin must not be able to flood them. Other kinds are bounded by their own
 * quotas and by the per-call host-call cap.
 */
export const DEFAULT_RATE_LIMITS: Partial<Record<CapabilityKind, RateLimit>> = {
  channel: { perSecond: 10, burst: 20 },
};

/** Options of {@link capabilityFunctions}. */
export interface CapabilityFunctionsOptions extends Pick<GateOptions, 'rateLimits' | 'auditAllowed' | 'onAuditError'> {
  /** The plugin id: scopes KV data and names audit records. */
  plugin: string;
  /** The plugin's effective capabilities (`effectiveCapabilities(requested, granted, level)`). */
  effective: readonly Capability[];
  /** The state store holding KV data, the vault and the audit log. */
  store: StateStore;
  /** A gate to reuse (so rate limits span several sets of functions); default: a new one. */
  gate?: Gate;
  /** Serves `warden_tool_call` (e.g. {@link createToolRouter}); without one granted calls fail with NOT_FOUND. */
  tools?: ToolDispatcher;
  /** Most plugins above a delegated callee. @default 8 */
  maxToolDepth?: number;
  /** Working directory, deadline and output cap of `warden_cli_run`. */
  cli?: CliOptions;
  /** The operator's named channels for `warden_channel_send` (see `logChannel`, `webhookChannel`, `jsonlChannel`). */
  channels?: ChannelFunctionsOptions['channels'];
  /** Told about each failed channel delivery (the plugin only gets status 1). */
  onChannelError?: ChannelFunctionsOptions['onError'];
}

function gateFor(options: CapabilityFunctionsOptions): Gate {
  const { plugin, effective, store } = options;
  return createGate({
    plugin, effective, audit: store.audit,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
    ...(options.auditAllowed && { auditAllowed: options.auditAllowed }),
    ...(options.onAuditError && { onAuditError: options.onAuditError }),
  });
}

/**
 * Every Warden host function, bound to one plugin's gate, ready for `PluginOptions.functions`.
 * All of them are linked whatever was granted: a function whose capability is missing is linked
 * to a denial that is audited on every call (THREATS.md §13), so a plugin that imports more than
 * it got still loads and finds out at the first use.
 *
 * @example
 * ```ts
 * const effective = effectiveCapabilities(manifest.capabilities, await store.grants.get(id), 'strict');
 * const plugin = await host.load(bytes, { name: id, functions: capabilityFunctions({ plugin: id, effective, store }) });
 * ```
 */
export function capabilityFunctions(options: CapabilityFunctionsOptions): Record<string, Record<string, HostFunction>> {
  const { store } = options;
  const gate = options.gate ?? gateFor(options);
  return {
    [USER_NAMESPACE]: {
      ...kvFunctions({ gate, kv: store.kv }),
      ...vaultFunctions({ gate, vault: store.vault }),
      ...toolFunctions({ gate, ...(options.tools && { dispatcher: options.tools }), ...(options.maxToolDepth && { maxDepth: options.maxToolDepth }) }),
      ...cliFunctions({ gate, ...options.cli }),
      ...contextFunctions({ gate }),
      ...memoryFunctions({ gate, memory: store.memory }),
      ...channelFunctions({ gate, ...(options.channels && { channels: options.channels }), ...(options.onChannelError && { onError: options.onChannelError }) }),
    },
  };
}

/**
 * The runtime's `allowedHosts` for the effective `network` capability: the normalised host
 * patterns (`api.example.com`, `*.example.com:8443`), which the runtime parses with the same
 * syntax. Empty without the capability, so `http_request` refuses every host.
 */
export function allowedHosts(effective: readonly Capability[]): string[] {
  return findCapability(effective, 'network')?.hosts.map((h) => h.text) ?? [];
}

/**
 * Everything the runtime needs to enforce one plugin's effective capabilities, as
 * `PluginOptions`: Warden's host functions, the network allow-list, and a denial hook that
 * audits the requests the runtime refuses itself.
 *
 * @example
 * ```ts
 * const plugin = await host.load(bytes, { name: id, ...capabilityOptions({ plugin: id, effective, store }) });
 * ```
 */
export function capabilityOptions(options: CapabilityFunctionsOptions): Pick<PluginOptions, 'functions' | 'allowedHosts' | 'onDenied'> {
  const gate = options.gate ?? gateFor(options);
  return {
    functions: capabilityFunctions({ ...options, gate }),
    allowedHosts: allowedHosts(options.effective),
    onDenied: (event) => void gate.recordDenial(event.capability as CapabilityKind, event.detail, event.reason),
  };
}
