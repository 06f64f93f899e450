/**
 * SQLite-only vault tests: the plaintext never reaches the database or its WAL, the key file is
 * created owner-only and refused otherwise, and a wrong or missing key locks the vault.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createSqliteStore, DATABASE_FILE, VAULT_KEY_FILE } from '../../src/storage/index.js';
import { rejectsWithCode } from '../helpers/errors.js';
import { bytes, text } from './conformance.js';
import { filesContaining, TEST_VAULT_KEY, type TempDirs } from './sqlite-helpers.js';

const posix = process.platform !== 'win32';

/** Registers the vault tests; data directories come from `dirs`. */
export function vaultSuite(dirs: TempDirs): void {
  describe('sqlite: vault at rest', () => {
    it('never writes a secret\'s plaintext to the database, the WAL or the key file', async () => {
      const dataDir = dirs.make();
      const secret = `canary-${randomBytes(16).toString('hex')}`;
      const store = createSqliteStore({ dataDir, env: {} });
      await store.vault.set('api_key', secret);
      await store.transaction(async (tx) => tx.vault.set('other', `${secret}-2`));
      await store.kv.set('p', 'visible', bytes('kv-is-not-encrypted'));
      assert.ok(existsSync(join(dataDir, `${DATABASE_FILE}-wal`)), 'the WAL is there to grep');
      assert.deepEqual(filesContaining(dataDir, 'kv-is-not-encrypted'), [`${DATABASE_FILE}-wal`], 'the grep does find plain data');
      assert.deepEqual(filesContaining(dataDir, secret), []);
      assert.equal(text(await store.vault.get('api_key')), secret);
      await store.close();
      assert.deepEqual(filesContaining(dataDir, secret), []);
    });

    it('seals each value with its own nonce, bound to its name', async () => {
      const dataDir = dirs.make();
      const store = createSqliteStore({ dataDir, env: { WARDEN_VAULT_KEY: TEST_VAULT_KEY } });
      await store.vault.set('one', 'same secret');
      await store.vault.set('two', 'same secret');
      const db = new Database(join(dataDir, DATABASE_FILE));
      const rows = db.prepare('SELECT name, nonce, ciphertext FROM vault ORDER BY name').all() as { nonce: Buffer; ciphertext: Buffer }[];
      assert.equal(rows[0]!.nonce.length, 12);
      assert.ok(!rows[0]!.nonce.equals(rows[1]!.nonce) && !rows[0]!.ciphertext.equals(rows[1]!.ciphertext));
      // Moving a ciphertext to another name, or flipping a bit, fails authentication.
      db.prepare("UPDATE vault SET nonce = ?, ciphertext = ? WHERE name = 'two'").run(rows[0]!.nonce, rows[0]!.ciphertext);
      await rejectsWithCode(store.vault.get('two'), 'STORAGE_ERROR');
      const flipped = Buffer.from(rows[0]!.ciphertext);
      flipped[0] = flipped[0]! ^ 1;
      db.prepare("UPDATE vault SET ciphertext = ? WHERE name = 'one'").run(flipped);
      const e = await rejectsWithCode(store.vault.get('one'), 'STORAGE_ERROR');
      assert.ok(!e.message.includes('same secret'));
      db.close();
      await store.close();
    });

    it('creates vault.key with mode 0600 and refuses it once group or others can read it', { skip: !posix }, async () => {
      const dataDir = dirs.make();
      const first = createSqliteStore({ dataDir, env: {} });
      assert.ok(!existsSync(join(dataDir, VAULT_KEY_FILE)), 'no key file before the vault is used');
      await first.vault.set('k', 'v');
      await first.close();
      const keyFile = join(dataDir, VAULT_KEY_FILE);
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      assert.match(readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/);
      chmodSync(keyFile, 0o640);
      const second = createSqliteStore({ dataDir, env: {} });
      const e = await rejectsWithCode(second.vault.get('k'), 'VAULT_LOCKED', 'chmod 600');
      assert.ok(String(e.data['advice']).includes('chmod 600'));
      await second.kv.set('p', 'k', bytes('the rest of the store still works'));
      await second.close();
      chmodSync(keyFile, 0o600);
      const third = createSqliteStore({ dataDir, env: {} });
      assert.equal(text(await third.vault.get('k')), 'v');
      await third.close();
    });

    it('refuses a key file that is a symlink', { skip: !posix }, async () => {
      const dataDir = dirs.make();
      const elsewhere = dirs.make();
      const setup = createSqliteStore({ dataDir: elsewhere, env: {} });
      await setup.vault.set('k', 'v');
      await setup.close();
      symlinkSync(join(elsewhere, VAULT_KEY_FILE), join(dataDir, VAULT_KEY_FILE));
      const store = createSqliteStore({ dataDir, env: {} });
      await rejectsWithCode(store.vault.set('k', 'v'), 'VAULT_LOCKED', 'not a regular file');
      await store.close();
    });

    it('locks the vault with a wrong key, never echoing the key or a secret', async () => {
      const dataDir = dirs.make();
      const right = createSqliteStore({ dataDir, env: { WARDEN_VAULT_KEY: TEST_VAULT_KEY } });
      await right.vault.set('api_key', 'hunter2-secret');
      await right.close();
      const wrongKey = 'aa'.repeat(32);
      const wrong = createSqliteStore({ dataDir, env: { WARDEN_VAULT_KEY: wrongKey } });
      for (const call of [() => wrong.vault.get('api_key'), () => wrong.vault.set('new', 'x'), () => wrong.vault.get('missing')]) {
        const e = await rejectsWithCode(call(), 'VAULT_LOCKED');
        const shown = JSON.stringify({ m: e.message, d: e.data });
        assert.ok(!shown.includes('hunter2') && !shown.includes(wrongKey) && !shown.includes(TEST_VAULT_KEY), shown);
      }
      assert.deepEqual(await wrong.vault.list(), ['api_key'], 'names stay listable');
      await wrong.close();
      const viaOption = createSqliteStore({ dataDir, env: {}, vaultKey: Buffer.from(TEST_VAULT_KEY, 'hex') });
      assert.equal(text(await viaOption.vault.get('api_key')), 'hunter2-secret');
      await viaOption.close();
      const base64 = createSqliteStore({ dataDir, env: { WARDEN_VAULT_KEY: Buffer.from(TEST_VAULT_KEY, 'hex').toString('base64') } });
      assert.equal(text(await base64.vault.get('api_key')), 'hunter2-secret');
      await base64.close();
    });

    it('refuses a malformed key, and never replaces a lost key file while secrets exist', async () => {
      const bad = createSqliteStore({ dataDir: dirs.make(), env: { WARDEN_VAULT_KEY: 'not-a-key-SECRETISH' } });
      const e = await rejectsWithCode(bad.vault.set('k', 'v'), 'VAULT_LOCKED', 'WARDEN_VAULT_KEY');
      assert.ok(!e.message.includes('SECRETISH'));
      await bad.close();
      const dataDir = dirs.make();
      const first = createSqliteStore({ dataDir, env: {} });
      await first.vault.set('k', 'v');
      await first.close();
      renameSync(join(dataDir, VAULT_KEY_FILE), join(dataDir, 'vault.key.bak'));
      const second = createSqliteStore({ dataDir, env: {} });
      await rejectsWithCode(second.vault.set('k2', 'v2'), 'VAULT_LOCKED', 'restore the key file');
      assert.ok(!existsSync(join(dataDir, VAULT_KEY_FILE)), 'no new key was generated');
      await second.close();
    });
  });
}
