/**
 * Public plugin options and their resolution into a complete internal config. Every option is
 * optional and documented with its default; contradictions are rejected here, before anything
 * is compiled or spawned.
 */
import { WardenError } from '../errors.js';
import type { HostFunction } from './host-call-context.js';
import type { DeniedEvent } from './http/http-client.js';
import { LOG_LEVELS, LOG_OFF, type LogLevel, type LogRecord } from './protocol.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Resource caps for one plugin. Every field is optional. */
export interface PluginLimits {
  /** Deadline of one call, including host functions and waiting for an instance. @default 10000 */
  timeoutMs?: number;
  /** Cap on each of the guest's linear memories. @default 64 MiB */
  memoryMaxBytes?: number;
  /** Cap on the kernel memory (input, output and every block the plugin allocates). @default 64 MiB */
  kernelMemoryMaxBytes?: number;
  /** Largest module accepted, in bytes. @default 32 MiB */
  moduleMaxBytes?: number;
  /** Most functions a module may define. @default 50000 */
  maxFunctions?: number;
  /** Largest call input. @default 16 MiB */
  inputMaxBytes?: number;
  /** Largest call output. @default 16 MiB */
  outputMaxBytes?: number;
  /** Total bytes of keys and values in a plugin instance's vars. @default 1 MiB */
  varMaxBytes?: number;
  /** Log text kept per call; the rest is dropped and counted. @default 256 KiB */
  logMaxBytesPerCall?: number;
  /** Largest HTTP response body, counted after decompression. @default 16 MiB */
  httpResponseMaxBytes?: number;
  /** The worker's JavaScript heap (not the guest's memory, which memoryMaxBytes caps). @default 64 */
  workerHeapMaxMb?: number;
  /** Host calls (application functions and HTTP) one plugin call may make. @default 100000 */
  maxHostCallsPerCall?: number;
  /** Most instances (worker threads) of this plugin running at once. @default 2 */
  maxInstances?: number;
  /** Calls waiting for an instance before new calls get a BUSY error. @default 64 */
  maxQueuedCalls?: number;
}

/** WASI preview 1 settings; WASI is off unless this is given. */
export interface WasiOptions {
  /** argv. @default [] */
  args?: string[];
  /** Environment variables. @default {} */
  env?: Record<string, string>;
  /** A host directory mounted as the guest's `/`; no filesystem at all when absent. */
  dir?: string;
  /** Clock granularity in milliseconds (coarse clocks blunt timing attacks). @default 1 */
  clockGranularityMs?: number;
}

/** Options for loading one plugin. */
export interface PluginOptions {
  /** Name used in logs and errors. @default the file name, or "plugin" */
  name?: string;
  /** Expected sha256 (hex) of the module bytes, checked on the exact bytes that are compiled. */
  sha256?: string;
  /** Values the plugin reads with `config_get`. @default {} */
  config?: Record<string, string>;
  /**
   * Hosts the plugin may reach with `http_request`: `host`, `host:port`, `*.domain` (one or more
   * labels in front of `domain`, not `domain` itself). @default [] (none)
   */
  allowedHosts?: string[];
  /**
   * Loopback, private, link-local or reserved addresses (or CIDR ranges) the plugin may connect
   * through a name in `allowedHosts`; all others of those kinds are refused when a name resolves
   * to them. (An IP literal in `allowedHosts` allows requests to that literal address only.)
   * @default []
   */
  allowedAddresses?: string[];
  /** `true` or settings to enable WASI. @default false */
  wasi?: boolean | WasiOptions;
  /** Host functions by import namespace, e.g. `{ 'extism:host/user': { add(ctx, a, b) { … } } }`. */
  functions?: Record<string, Record<string, HostFunction>>;
  /** Lowest level of plugin log lines that are kept. @default 'info' */
  logLevel?: LogLevel | 'off';
  /** Receives the plugin's log lines. @default discards them */
  logger?: (record: LogRecord & { plugin: string }) => void;
  /** Told about every request Warden refuses the plugin (network), e.g. to audit it. */
  onDenied?: (event: DeniedEvent) => void;
  /** Resource caps. */
  limits?: PluginLimits;
}

/** The complete internal config. */
export interface ResolvedOptions {
  name: string;
  sha256: string | undefined;
  config: [string, string][];
  allowedHosts: string[];
  allowedAddresses: string[];
  wasi: { args: string[]; env: [string, string][]; dir: string | undefined; clockGranularityMs: number } | null;
  functions: Map<string, Map<string, HostFunction>>;
  logLevel: number;
  logger: ((record: LogRecord & { plugin: string }) => void) | undefined;
  onDenied: ((event: DeniedEvent) => void) | undefined;
  limits: Required<PluginLimits>;
}

export const DEFAULT_LIMITS: Required<PluginLimits> = {
  timeoutMs: 10_000,
  memoryMaxBytes: 64 * MiB,
  kernelMemoryMaxBytes: 64 * MiB,
  moduleMaxBytes: 32 * MiB,
  maxFunctions: 50_000,
  inputMaxBytes: 16 * MiB,
  outputMaxBytes: 16 * MiB,
  varMaxBytes: 1 * MiB,
  logMaxBytesPerCall: 256 * KiB,
  httpResponseMaxBytes: 16 * MiB,
  workerHeapMaxMb: 64,
  maxHostCallsPerCall: 100_000,
  maxInstances: 2,
  maxQueuedCalls: 64,
};

/**
 * Structural caps on every module, checked before it is compiled (prepare.ts) and by the install
 * scan. They are not per-plugin options: a real plugin stays far below them, and they exist so a
 * hostile module cannot make parsing, validation or linking expensive.
 */
export const MODULE_STRUCTURE_CAPS = {
  maxTables: 100,
  maxDataSegments: 100_000,
  maxImports: 10_000,
  maxExports: 10_000,
} as const;

/** Longest deadline a Node timer can hold (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Largest memory a wasm32 module can address. */
const MAX_WASM32_BYTES = 4 * 1024 * MiB;

function bad(message: string): never {
  throw new WardenError('INVALID_ARGUMENT', message);
}

function resolveLimits(limits: PluginLimits = {}): Required<PluginLimits> {
  const out = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits) as [keyof PluginLimits, unknown][]) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) bad(`limits.${key} is not a known limit (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) bad(`limits.${key} must be a positive number, got ${String(value)}`);
    out[key] = Math.floor(value);
  }
  if (out.memoryMaxBytes > MAX_WASM32_BYTES) bad('limits.memoryMaxBytes cannot exceed 4 GiB (wasm32)');
  if (out.kernelMemoryMaxBytes > MAX_WASM32_BYTES) bad('limits.kernelMemoryMaxBytes cannot exceed 4 GiB (wasm32)');
  if (out.inputMaxBytes > out.kernelMemoryMaxBytes) bad('limits.inputMaxBytes cannot exceed limits.kernelMemoryMaxBytes (the input lives there)');
  if (out.memoryMaxBytes < 65536) bad('limits.memoryMaxBytes must be at least one 64 KiB page');
  if (out.timeoutMs > MAX_TIMEOUT_MS) bad(`limits.timeoutMs cannot exceed ${MAX_TIMEOUT_MS} (about 24 days)`);
  return out;
}

function resolveWasi(wasi: PluginOptions['wasi']): ResolvedOptions['wasi'] {
  if (wasi === undefined || wasi === false) return null;
  const w: WasiOptions = wasi === true ? {} : wasi;
  const granularity = w.clockGranularityMs ?? 1;
  if (!(granularity > 0)) bad('wasi.clockGranularityMs must be positive');
  return { args: [...(w.args ?? [])], env: Object.entries(w.env ?? {}), dir: w.dir, clockGranularityMs: granularity };
}

function resolveFunctions(functions: PluginOptions['functions'] = {}): ResolvedOptions['functions'] {
  const out = new Map<string, Map<string, HostFunction>>();
  for (const [ns, fns] of Object.entries(functions)) {
    if (ns === 'extism:host/env' || ns.startsWith('wasi_')) bad(`functions: namespace "${ns}" is reserved for Warden; use "extism:host/user"`);
    const map = new Map<string, HostFunction>();
    for (const [name, fn] of Object.entries(fns)) {
      if (typeof fn !== 'function') bad(`functions["${ns}"].${name} must be a function`);
      map.set(name, fn);
    }
    out.set(ns, map);
  }
  return out;
}

/** Validates `options` and fills in every default. Throws INVALID_ARGUMENT on bad input. */
export function resolveOptions(options: PluginOptions = {}, fallbackName = 'plugin'): ResolvedOptions {
  if (options.sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(options.sha256)) bad('sha256 must be 64 hexadecimal characters');
  const level = options.logLevel ?? 'info';
  const logLevel = level === 'off' ? LOG_OFF : LOG_LEVELS.indexOf(level);
  if (logLevel < 0) bad(`logLevel must be one of ${LOG_LEVELS.join(', ')}, off`);
  for (const [k, v] of Object.entries(options.config ?? {})) {
    if (typeof v !== 'string') bad(`config.${k} must be a string`);
  }
  return {
    name: options.name ?? fallbackName,
    sha256: options.sha256?.toLowerCase(),
    config: Object.entries(options.config ?? {}),
    allowedHosts: [...(options.allowedHosts ?? [])],
    allowedAddresses: [...(options.allowedAddresses ?? [])],
    wasi: resolveWasi(options.wasi),
    functions: resolveFunctions(options.functions),
    logLevel,
    logger: options.logger,
    onDenied: options.onDenied,
    limits: resolveLimits(options.limits),
  };
}
