/**
 * Plugin manifests: what a plugin is, which tools it offers, what it asks for. Everything
 * exported here is public API.
 */
export { parseManifest, manifestErrorLines, MAX_MANIFEST_BYTES, MAX_ALIAS_COUNT } from './parse.js';
export type { ParsedManifest, ParseManifestOptions, ManifestOrigin } from './parse.js';
export { ManifestSchema, manifestSchema, MANIFEST_KEYS, PLUGIN_ID, RESERVED_IDS, TOOL_NAME } from './schema.js';
export type { Manifest, ConfigEntry, WarningSink } from './schema.js';
export { normaliseParameters, PARAMETER_TYPES, MAX_SCHEMA_DEPTH } from './parameters.js';
export type { JsonSchema, ParametersSchema, ParameterType, ParameterIssue } from './parameters.js';
export { parseCapabilities, riskOf, CAPABILITY_RISK } from './capabilities.js';
export type { Capability, CapabilityKind, RiskLevel, ParsedCapabilities } from './capabilities.js';
export { parseHostPattern, hostAllows, hostsAllow } from '../runtime/http/host-pattern.js';
export type { HostPattern } from '../runtime/http/host-pattern.js';
export { parseCliCommand, cliArgsAllowed } from './cli-command.js';
export type { CliCommand } from './cli-command.js';
export { effectiveLimits, parseByteSize, parseDuration, MIN_MEMORY_BYTES, MAX_MEMORY_BYTES, MAX_REQUESTED_TIMEOUT_MS } from './limits.js';
export type { RequestedLimits } from './limits.js';
export { readEmbeddedManifest, embedManifest, resolveManifest, MANIFEST_SECTION } from './embedded.js';
export type { ResolvedManifest } from './embedded.js';
export { formatPath, formatProblem, MESSAGE_PROBLEM_LIMIT } from './problems.js';
export type { ManifestProblem, FieldPath } from './problems.js';
