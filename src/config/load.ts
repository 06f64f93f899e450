/**
 * Finding and reading the config file, and turning it into {@link WardenOptions}. Precedence for
 * the data directory: the `--data-dir` flag, then `WARDEN_DATA_DIR`, then the file's `data_dir`,
 * then `~/.local/share/warden` (or `$XDG_DATA_HOME/warden`). The config file is `--config`, then
 * `WARDEN_CONFIG`, then `config.yaml` in the data directory; no file means the defaults. The vault
 * key comes from `WARDEN_VAULT_KEY` or the key file (see storage.md).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { WardenError } from '../errors.js';
import { readYamlDocument } from '../manifest/parse.js';
import { formatProblem, problem, problemsFromZod, zodMessage, type ManifestProblem } from '../manifest/problems.js';
import type { WardenOptions } from '../warden/options.js';
import { configSchema, type WardenConfig } from './schema.js';

/** The config file's name inside the data directory. */
export const CONFIG_FILE = 'config.yaml';

/** A config file read and validated, with where it came from. */
export interface LoadedConfig {
  config: WardenConfig;
  /** The file read, or undefined when none exists (defaults). */
  path: string | undefined;
  dataDir: string;
  /** Non-fatal findings, one line each (`plugins.x.permissions[0]: unknown permission …`). */
  warnings: string[];
}

/** Where to look: flags first, then the environment. */
export interface ConfigLocation {
  dataDir?: string | undefined;
  configPath?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
}

function configError(errors: ManifestProblem[], source: string): WardenError {
  const lines = errors.slice(0, 20).map((p) => `  - ${formatProblem(p)}`);
  return new WardenError('CONFIG_INVALID', [`${source} is not a valid Warden config (${errors.length} problem${errors.length === 1 ? '' : 's'}):`, ...lines, 'Fix the fields named above (the reference is docs/config.md).'].join('\n'), {
    data: { source, errors },
  });
}

/** Validates config text. Throws `CONFIG_INVALID` listing every problem with its path. */
export function parseConfig(text: string, source = CONFIG_FILE): { config: WardenConfig; warnings: string[] } {
  const data = readYamlDocument(text, source, configError) ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) throw configError([problem([], 'expected a mapping of settings')], source);
  const warnings: ManifestProblem[] = [];
  const result = configSchema((path, message) => warnings.push(problem(path, message))).safeParse(data, { error: zodMessage });
  if (!result.success) throw configError(problemsFromZod(result.error.issues), source);
  return { config: result.data, warnings: warnings.map(formatProblem) };
}

function defaultDataDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share'), 'warden');
}

/** Finds, reads and validates the config file. */
export async function loadConfig(location: ConfigLocation = {}): Promise<LoadedConfig> {
  const env = location.env ?? process.env;
  const explicit = location.configPath ?? env['WARDEN_CONFIG'];
  let dataDir = location.dataDir ?? env['WARDEN_DATA_DIR'];
  const path = explicit ? resolve(explicit) : join(resolve(dataDir ?? defaultDataDir(env)), CONFIG_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (explicit || code !== 'ENOENT') throw new WardenError('CONFIG_INVALID', `cannot read the config file ${path} (${code ?? 'error'}): check the path given with --config or WARDEN_CONFIG`);
  }
  const { config, warnings } = text === undefined ? parseConfig('{}') : parseConfig(text, path);
  // data_dir in the file is relative to the file; the flag and the environment override it.
  if (dataDir === undefined && config.data_dir !== undefined && explicit) dataDir = isAbsolute(config.data_dir) ? config.data_dir : join(dirname(path), config.data_dir);
  return { config, path: text === undefined ? undefined : path, dataDir: resolve(dataDir ?? defaultDataDir(env)), warnings };
}

/** The {@link WardenOptions} a loaded config stands for. */
export function wardenOptions(loaded: LoadedConfig): WardenOptions {
  const { config, dataDir } = loaded;
  const base = loaded.path ? dirname(loaded.path) : dataDir;
  return {
    dataDir,
    ...(config.plugins_dir && { pluginsDir: isAbsolute(config.plugins_dir) ? config.plugins_dir : join(base, config.plugins_dir) }),
    securityLevel: config.security_level,
    autoEnable: config.auto_enable,
    trustedKeys: config.trusted_keys,
    allowRemoteInstall: config.allow_remote_install,
    ...(config.allowed_addresses.length && { allowedAddresses: config.allowed_addresses }),
    limits: {
      ...(config.limits.memory && { memoryMaxBytes: config.limits.memory }),
      ...(config.limits.timeout && { timeoutMs: config.limits.timeout }),
      ...(config.limits.instances && { maxInstances: config.limits.instances }),
      ...(config.limits.module_size && { moduleMaxBytes: config.limits.module_size }),
    },
    policies: config.plugins,
  };
}
