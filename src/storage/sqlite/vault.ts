/**
 * The vault on SQLite. Only ciphertext is ever bound to a statement, so no plaintext reaches
 * the database file, the WAL or a temporary file. The key is loaded on first use, so a store
 * with a locked vault still serves everything else.
 */
import type Database from 'better-sqlite3';
import { WardenError } from '../../errors.js';
import type { Sync } from '../driver.js';
import { checkLimit } from '../limits.js';
import type { VaultStore } from '../record-types.js';
import { bytesArg, nameArg } from '../validate.js';
import { keyMatches, seal, sealCheck, unseal, type Sealed } from '../vault-crypto.js';
import { loadVaultKey, locked } from '../vault-key.js';

/** Where the vault finds its key. */
export interface SqliteVaultOptions {
  dataDir: string;
  /** Used instead of the environment and the key file (32 bytes). */
  key?: Uint8Array;
  /** Read instead of `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Bytes of one secret. */
  maxSecretBytes: number;
}

/** The synchronous vault implementation over `db`. */
export function createSqliteVault(db: Database.Database, options: SqliteVaultOptions): Sync<VaultStore> {
  const q = {
    check: db.prepare('SELECT nonce, check_value AS ciphertext FROM vault_meta WHERE id = 1'),
    putCheck: db.prepare('INSERT INTO vault_meta (id, nonce, check_value) VALUES (1, ?, ?)'),
    count: db.prepare('SELECT count(*) FROM vault').pluck(),
    get: db.prepare('SELECT nonce, ciphertext FROM vault WHERE name = ?'),
    put: db.prepare(`INSERT INTO vault (name, nonce, ciphertext, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`),
    list: db.prepare('SELECT name FROM vault ORDER BY name').pluck(),
    delete: db.prepare('DELETE FROM vault WHERE name = ?'),
  };
  let unlocked: Buffer | undefined;

  /** The key, checked against the vault's check value (written on first use). */
  const key = (): Buffer => {
    if (unlocked) return unlocked;
    return db.transaction(() => {
      const check = q.check.get() as Sealed | undefined;
      const empty = check === undefined && (q.count.get() as number) === 0;
      let found: { key: Buffer; origin: string };
      if (options.key) {
        if (options.key.length !== 32) throw locked('the vault key option is not 32 bytes', 'pass 32 random bytes');
        found = { key: Buffer.from(options.key), origin: 'the vaultKey option' };
      } else {
        found = loadVaultKey({ dataDir: options.dataDir, env: options.env, mayCreate: empty });
      }
      if (check && !keyMatches(found.key, check)) {
        throw locked(`the key from ${found.origin} does not open this vault`, 'use the key the vault was created with');
      }
      if (!check) {
        const c = sealCheck(found.key);
        q.putCheck.run(c.nonce, c.ciphertext);
      }
      unlocked = found.key;
      return found.key;
    }).immediate();
  };

  return {
    set(name, secret) {
      nameArg(name, 'key');
      const plaintext = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : bytesArg(secret, 'secret');
      checkLimit('vaultMaxSecretBytes', plaintext.length, options.maxSecretBytes, `vault secret ${JSON.stringify(name)}`);
      const sealed = seal(key(), plaintext, name);
      const now = Date.now();
      q.put.run(name, sealed.nonce, sealed.ciphertext, now, now);
    },
    get(name) {
      nameArg(name, 'key');
      const k = key();
      const row = q.get.get(name) as Sealed | undefined;
      if (!row) return undefined;
      const plaintext = unseal(k, row, name);
      if (!plaintext) {
        // The key opened the check value, so this entry was altered or moved to another name.
        throw new WardenError('STORAGE_ERROR', `vault entry ${JSON.stringify(name)} failed authentication (tampered or corrupt)`, {
          data: { key: name },
        });
      }
      return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.length);
    },
    list: () => q.list.all() as string[],
    delete: (name) => q.delete.run(nameArg(name, 'key')).changes > 0,
  };
}
