/**
 * Warden's state store: the storage-driver interface and the embedded SQLite driver. Anything
 * exported here is the storage package's public API.
 */
export type * from './driver.js';
export { DEFAULT_LIMITS, resolveLimits, type StoreLimits, type StoreLimitsOptions } from './limits.js';
export { createSqliteStore, SQLITE_DRIVER, type SqliteStoreOptions } from './sqlite/store.js';
export { DATABASE_FILE, type Durability } from './sqlite/open.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './sqlite/migrations.js';
export { VAULT_KEY_ENV, VAULT_KEY_FILE, parseVaultKey } from './vault-key.js';
