/**
 * Warden's public API. Anything exported here is public and versioned; everything else is
 * internal.
 */
export { createHost, Host, type HostOptions } from './host.js';
export { WardenError, ERROR_CODES, isWardenError, type ErrorCode, type SerializedError } from './errors.js';
export { Plugin, freezeContext, type CallInput, type CallOptions } from './runtime/plugin.js';
export { PluginOutput } from './runtime/plugin-output.js';
export type { PoolStats } from './runtime/pool.js';
export { HostCallContext, type HostFunction, type HostResult, type CallInfo } from './runtime/host-call-context.js';
export type { DeniedEvent } from './runtime/http/http-client.js';
export type { PluginOptions, PluginLimits, WasiOptions } from './runtime/options.js';
export { DEFAULT_LIMITS } from './runtime/options.js';
export type { PluginSource, ModuleSource } from './runtime/load.js';
export type { LogLevel, LogRecord } from './runtime/protocol.js';
export type { WasmValue } from './runtime/slots.js';
export {
  parseManifest, readEmbeddedManifest, embedManifest, resolveManifest, riskOf, CAPABILITY_RISK,
  type Manifest, type ParsedManifest, type Capability, type RiskLevel, type ResolvedManifest,
} from './manifest/index.js';
export { createSqliteStore, type StateStore } from './storage/index.js';
export {
  capabilityFunctions, capabilityOptions, allowedHosts, effectiveCapabilities, type SecurityLevel,
} from './capabilities/index.js';
export {
  Warden, runDoctor, type InstallOptions, type InstallResult, type PluginSummary, type PluginChannel, type WardenOptions, type ReloadResult, type ToolInfo,
  type PluginEvent, type WardenEvents, type DoctorReport,
} from './warden/index.js';
export type { HostTool, ToolCallRequest } from './capabilities/index.js';
