/**
 * The Warden: installed plugins, their grants, loading and routing. Anything exported here is
 * public API.
 */
export { Warden, type InstallOptions, type InstallResult, type PluginSummary } from './warden.js';
export type { PluginChannel, WardenOptions } from './options.js';
export type { LoadedPlugin } from './loader.js';
