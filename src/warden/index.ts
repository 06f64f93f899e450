/**
 * The Warden: installed plugins, their grants, loading and routing. Anything exported here is
 * public API.
 */
export { Warden } from './warden.js';
export type { ReloadResult } from './reload.js';
export type { InstallOptions, InstallResult, PluginSummary, ToolInfo } from './types.js';
export type { PluginEvent, WardenEvents } from './events.js';
export { runDoctor, type DoctorReport, type DoctorCheck, type PluginDiagnosis } from './doctor.js';
export type { PluginChannel, WardenOptions } from './options.js';
export type { LoadedPlugin } from './loader.js';
