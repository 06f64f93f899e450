/**
 * Opening the Warden for a CLI command: the config file and data directory from the flags and
 * the environment, config warnings on stderr, plugins loaded at their first call.
 */
import { loadConfig, wardenOptions } from '../config/load.js';
import { Warden } from '../warden/warden.js';
import type { WardenOptions } from '../warden/options.js';
import { str, type CommandArgs } from './command.js';
import { warn } from './output.js';

/** Opens the Warden the command's `--data-dir` and `--config` name. */
export async function openWarden(args: CommandArgs, extra: Partial<WardenOptions> = {}): Promise<Warden> {
  const loaded = await loadConfig({ dataDir: str(args, 'data-dir'), configPath: str(args, 'config') });
  for (const w of loaded.warnings) warn(w);
  return Warden.open({ ...wardenOptions(loaded), lazy: true, ...extra });
}

/** Runs `fn` with an open Warden and closes it, whatever happens. */
export async function withWarden<T>(args: CommandArgs, fn: (warden: Warden) => Promise<T>, extra?: Partial<WardenOptions>): Promise<T> {
  const warden = await openWarden(args, extra);
  try {
    return await fn(warden);
  } finally {
    await warden.close();
  }
}
