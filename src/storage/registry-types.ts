/**
 * Registry rows: installed plugins, the capabilities granted to them and their operator-set
 * config. Grants and config belong to a registered plugin and go when it is removed.
 */

/** A module of a plugin and the sha256 of its exact bytes. */
export interface ModuleHash {
  name: string;
  /** Lowercase hex. */
  sha256: string;
}

/** An installed plugin. */
export interface PluginRecord {
  /** The plugin id (the manifest's `name`). */
  id: string;
  version: string;
  /** Lifecycle state chosen by the host, e.g. `installed`, `failed`, `pending-consent`. */
  status: string;
  /** The validated manifest, as JSON. */
  manifest: unknown;
  /** Every module with its sha256. */
  modules: ModuleHash[];
  enabled: boolean;
  /** The plugin's folder inside the plugins directory, `/`-separated (the id for installed plugins). */
  location: string;
  /** Milliseconds since the epoch; set by the store. */
  installedAt: number;
  /** Milliseconds since the epoch; set by the store on every change. */
  updatedAt: number;
}

/** What {@link PluginRegistry.put} takes: the store sets the timestamps; `location` defaults to the id. */
export type PluginRecordInput = Omit<PluginRecord, 'installedAt' | 'updatedAt' | 'location'> & { location?: string };

/** Options of {@link PluginRegistry.remove}. */
export interface RemoveOptions {
  /** Keep the plugin's KV data for a later reinstall. @default false */
  keepData?: boolean;
}

/** Installed plugins. */
export interface PluginRegistry {
  /** The record, or `undefined`. */
  get(id: string): Promise<PluginRecord | undefined>;
  /** Every record, sorted by id. */
  list(): Promise<PluginRecord[]>;
  /** Inserts or replaces the record (keeping `installedAt` of an existing one). */
  put(record: PluginRecordInput): Promise<PluginRecord>;
  /** Changes status and/or enabled; `NOT_FOUND` for an unknown id. */
  update(id: string, change: Partial<Pick<PluginRecord, 'status' | 'enabled'>>): Promise<PluginRecord>;
  /** Removes the plugin with its grants and config, and its KV data unless `keepData`. True when it existed. */
  remove(id: string, options?: RemoveOptions): Promise<boolean>;
  /**
   * A number that changes whenever a plugin record, a grant or a config value changes, in this
   * process or another one sharing the store: a long-running host polls it to pick up what the CLI did.
   */
  revision(): Promise<number>;
}

/** Capability strings granted by the operator, per plugin (e.g. `network:api.example.com`). */
export interface GrantStore {
  /** Granted capabilities, sorted. Empty for an unknown plugin. */
  get(plugin: string): Promise<string[]>;
  /** Replaces the plugin's grants; `NOT_FOUND` when the plugin is not registered. */
  set(plugin: string, capabilities: readonly string[]): Promise<void>;
  /** Adds grants; `NOT_FOUND` when the plugin is not registered. */
  add(plugin: string, capabilities: readonly string[]): Promise<void>;
  /** Removes grants; returns how many were removed. */
  revoke(plugin: string, capabilities: readonly string[]): Promise<number>;
}

/** Operator-set config values (JSON), per plugin. */
export interface ConfigStore {
  /** The value, or `undefined`. */
  get(plugin: string, key: string): Promise<unknown>;
  /** Every key → value, in a prototype-less object. */
  all(plugin: string): Promise<Record<string, unknown>>;
  /** Sets a JSON value; `NOT_FOUND` when the plugin is not registered. */
  set(plugin: string, key: string, value: unknown): Promise<void>;
  /** Removes a key; true when it existed. */
  delete(plugin: string, key: string): Promise<boolean>;
}
