/**
 * What the Warden's methods take and return.
 */
import type { ScanFinding } from '../install/scan.js';
import type { Capability, RiskLevel } from '../manifest/index.js';
import type { SignatureCheck } from '../trust/index.js';

/** Options of `Warden.install`. */
export interface InstallOptions {
  /** Grant strings (`storage:kv`, `network:api.example.com`), or `'all'` for everything requested. Nothing by default. */
  grant?: readonly string[] | 'all';
  /** Enable (load) the plugin once installed. @default true */
  enable?: boolean;
}

/** What `Warden.install` did. */
export interface InstallResult {
  id: string;
  version: string;
  /** The capabilities the manifest requests, with their risk. */
  requested: Capability[];
  /** The grants the plugin holds now. */
  granted: string[];
  /** The highest risk among the requested capabilities. */
  risk: RiskLevel;
  /** Non-fatal findings (manifest warnings, scan flags, grants that match nothing requested). */
  warnings: string[];
  /** What the scan flagged (nothing refused, or the install would have failed). */
  findings: ScanFinding[];
  /** The signature check (`missing` when unsigned). */
  signature: SignatureCheck;
  /** True when an earlier version was replaced (or is waiting to be). */
  upgraded: boolean;
  enabled: boolean;
  /**
   * Set when this is an upgrade that requests capabilities the serving version neither requested
   * nor was granted: it waits, disabled, for `enable` (or an install with those grants), and the
   * old version keeps serving. Lists the new requests.
   */
  pendingConsent?: string[];
}

/** One installed plugin, as `list` shows it. */
export interface PluginSummary {
  id: string;
  version: string;
  /** `installed`, `failed` (it could not be loaded) or `pending-consent` (an upgrade waits). */
  status: string;
  enabled: boolean;
  /** True when an instance is serving. */
  loaded: boolean;
  /** The highest risk among its effective capabilities when loaded, else among those requested. */
  risk: RiskLevel;
  tools: string[];
  /** Why it failed, when it did. */
  lastError?: string;
}

/** A tool of a loaded plugin, as MCP and the API list it. */
export interface ToolInfo {
  plugin: string;
  name: string;
  description: string;
  parameters: unknown;
}
