// The SQLite driver: the shared conformance suite plus what only an embedded database has.
import { after } from 'node:test';
import { createSqliteStore } from '../../src/storage/index.js';
import { testStateStore } from './conformance.js';
import { durabilitySuite } from './sqlite-durability.js';
import { TEST_VAULT_KEY, tempDirs } from './sqlite-helpers.js';
import { vaultSuite } from './sqlite-vault.js';

const dirs = tempDirs();
after(() => dirs.removeAll());

testStateStore('sqlite', () => createSqliteStore({ dataDir: dirs.make(), env: { WARDEN_VAULT_KEY: TEST_VAULT_KEY } }));
durabilitySuite(dirs);
vaultSuite(dirs);
