/**
 * What an operator (or an embedding application) configures a Warden with.
 */
import { join, resolve } from 'node:path';
import { WardenError } from '../errors.js';
import { DEFAULT_SECURITY_LEVEL, isSecurityLevel, type SecurityLevel } from '../capabilities/grants.js';
import type { ChannelAdapter } from '../capabilities/channel/adapter.js';
import type { CliOptions } from '../capabilities/cli.js';
import type { RateLimit } from '../capabilities/rate-limit.js';
import type { HostTool } from '../capabilities/tool.js';
import type { CapabilityKind } from '../manifest/capabilities.js';
import type { HostOptions } from '../host.js';
import type { PluginLimits, PluginOptions } from '../runtime/options.js';
import type { StateStore } from '../storage/driver.js';
import type { Durability } from '../storage/sqlite/open.js';

/** A channel served by a plugin: the tool receives `{"plugin","channel","text"}` as JSON. */
export interface PluginChannel {
  plugin: string;
  /** @default "send" */
  tool?: string;
}

/** The operator's policy for one plugin (a table of the config file). */
export interface PluginPolicy {
  enabled?: boolean | undefined;
  permissions?: string[] | undefined;
  config?: Record<string, string | number | boolean> | undefined;
}

/** Options of {@link Warden.open}. */
export interface WardenOptions {
  /** Where the database, the vault key file, staging and (by default) the plugins live. */
  dataDir: string;
  /** Where installed plugins live, one folder per id. @default `<dataDir>/plugins` */
  pluginsDir?: string;
  /** The ceiling on every plugin's privileges. @default 'strict' */
  securityLevel?: SecurityLevel;
  /** Limits for every plugin; a manifest may ask for less memory or time, never more. */
  limits?: PluginLimits;
  /** Addresses (IPs or CIDRs) plugins may reach even though they are loopback or private. */
  allowedAddresses?: string[];
  /** Named channels for `channel: send`: an adapter, or a plugin that implements the channel. */
  channels?: Record<string, ChannelAdapter | PluginChannel>;
  /** The host's own tools, reached from plugins by bare name (`tool: [name]`). */
  tools?: Record<string, HostTool>;
  /** Working directory, deadline and output cap of `cli` commands. */
  cli?: CliOptions;
  /** Rate limits per capability, per plugin. */
  rateLimits?: Partial<Record<CapabilityKind, RateLimit>>;
  /** The vault's 32-byte key; default: `WARDEN_VAULT_KEY`, else the key file in the data directory. */
  vaultKey?: Uint8Array;
  /** A state store to use instead of the SQLite one in `dataDir` (Warden closes it on close). */
  store?: StateStore;
  /** SQLite durability. @default 'full' */
  durability?: Durability;
  /**
   * The config file's table per plugin id: `enabled` overrides the stored state at start-up,
   * `permissions` are granted on top of the stored grants, `config` values override stored ones.
   */
  policies?: Record<string, PluginPolicy>;
  /** Enable plugins found in the plugins directory that were never installed. @default true */
  autoEnable?: boolean;
  /** Public keys (`ed25519:<base64>` or PEM) whose plugin signatures are trusted. */
  trustedKeys?: string[];
  /** Allow `install` from https:// URLs. @default false */
  allowRemoteInstall?: boolean;
  /**
   * Load plugins at their first call instead of at open (what a one-shot CLI command wants).
   * @default false
   */
  lazy?: boolean;
  /** Worker tuning of the runtime. */
  runtime?: Pick<HostOptions, 'spinMicros' | 'spareWorkers'>;
  /** Receives plugin log lines. */
  logger?: PluginOptions['logger'];
}

/** Options with every default applied. */
export interface ResolvedWardenOptions extends WardenOptions {
  dataDir: string;
  pluginsDir: string;
  stagingDir: string;
  securityLevel: SecurityLevel;
}

/** Applies defaults and checks the options. */
export function resolveWardenOptions(options: WardenOptions): ResolvedWardenOptions {
  if (typeof options?.dataDir !== 'string' || options.dataDir === '') throw new WardenError('INVALID_ARGUMENT', 'dataDir is required: the directory Warden keeps its state in');
  const level = options.securityLevel ?? DEFAULT_SECURITY_LEVEL;
  if (!isSecurityLevel(level)) throw new WardenError('INVALID_ARGUMENT', `securityLevel must be paranoid, strict or relaxed, got ${JSON.stringify(level)}`);
  const dataDir = resolve(options.dataDir);
  return {
    ...options,
    dataDir,
    pluginsDir: resolve(options.pluginsDir ?? join(dataDir, 'plugins')),
    stagingDir: join(dataDir, 'staging'),
    securityLevel: level,
  };
}
