/**
 * SQLite-only tests of what survives: reopening, migrations, a process killed mid-write, a
 * corrupt file, and the file modes of the database.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createSqliteStore, DATABASE_FILE, SCHEMA_VERSION, type Durability } from '../../src/storage/index.js';
import { MIGRATIONS, migrate } from '../../src/storage/sqlite/migrations.js';
import { rejectsWithCode, throwsWithCode } from '../helpers/errors.js';
import { bytes, text } from './conformance.js';
import { pluginRecord } from './conformance-registry.js';
import { crashValue } from './crash-writer.js';
import { TEST_VAULT_KEY, type TempDirs } from './sqlite-helpers.js';

const env = { WARDEN_VAULT_KEY: TEST_VAULT_KEY };
const raw = (dir: string) => new Database(join(dir, DATABASE_FILE));

/** Registers the durability tests; data directories come from `dirs`. */
export function durabilitySuite(dirs: TempDirs): void {
  describe('sqlite: durability and schema', () => {
    it('keeps every kind of state across close and reopen', async () => {
      const dataDir = dirs.make();
      const first = createSqliteStore({ dataDir, env });
      await first.plugins.put(pluginRecord('p'));
      await first.grants.set('p', ['storage:kv']);
      await first.config.set('p', 'k', { v: 1 });
      await first.kv.set('p', 'key', bytes('value'));
      await first.vault.set('token', 'abc');
      await first.audit.append({ plugin: 'p', capability: 'kv', detail: 'x', decision: 'deny' });
      await first.memory.add({ text: 'persistent memory' });
      await first.close();
      const second = createSqliteStore({ dataDir, env });
      assert.equal((await second.plugins.get('p'))?.id, 'p');
      assert.deepEqual(await second.grants.get('p'), ['storage:kv']);
      assert.deepEqual(await second.config.get('p', 'k'), { v: 1 });
      assert.equal(text(await second.kv.get('p', 'key')), 'value');
      assert.deepEqual(await second.kv.usage('p'), { keys: 1, bytes: 8 });
      assert.equal(text(await second.vault.get('token')), 'abc');
      assert.equal((await second.audit.query()).total, 1);
      assert.equal((await second.memory.search('memory')).length, 1);
      await second.close();
    });

    it('migrates a fresh database once, records it, and is a no-op on reopen', async () => {
      const dataDir = dirs.make();
      await createSqliteStore({ dataDir, env }).close();
      await createSqliteStore({ dataDir, env }).close();
      const db = raw(dataDir);
      const rows = db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all();
      assert.deepEqual(rows, MIGRATIONS.map((m) => m.version));
      assert.equal(rows.at(-1), SCHEMA_VERSION);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      db.close();
    });

    it('rolls a failing migration back whole', () => {
      const dataDir = dirs.make();
      const db = raw(dataDir);
      const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, description: 'broken', sql: 'CREATE TABLE half (a); SELEC oops;' }];
      assert.throws(() => migrate(db, 'test.db', broken));
      assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get(), 0);
      assert.equal(db.prepare('SELECT max(version) FROM schema_version').pluck().get(), SCHEMA_VERSION);
      db.close();
    });

    it('refuses a database from a newer Warden, naming the file and versions', async () => {
      const dataDir = dirs.make();
      await createSqliteStore({ dataDir, env }).close();
      const db = raw(dataDir);
      db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 0)").run();
      db.close();
      const e = await throwsWithCode(() => createSqliteStore({ dataDir, env }), 'STORAGE_ERROR', DATABASE_FILE);
      assert.deepEqual([e.data['version'], e.data['supported']], [999, SCHEMA_VERSION]);
    });

    it('reports a corrupt file as STORAGE_ERROR naming it', async () => {
      const dataDir = dirs.make();
      writeFileSync(join(dataDir, DATABASE_FILE), 'this is not a database '.repeat(200));
      const e = await throwsWithCode(() => createSqliteStore({ dataDir, env }), 'STORAGE_ERROR', join(dataDir, DATABASE_FILE));
      assert.equal(e.data['file'], join(dataDir, DATABASE_FILE));
    });

    it('creates the data directory 0700 and the database 0600', { skip: process.platform === 'win32' }, async () => {
      const dataDir = join(dirs.make(), 'nested', 'data');
      const store = createSqliteStore({ dataDir, env });
      await store.kv.set('p', 'k', bytes('v'));
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      for (const f of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) assert.equal(statSync(join(dataDir, f)).mode & 0o777, 0o600, f);
      await store.close();
    });

    it('drops a transaction killed halfway through, keeping everything before it', async () => {
      const dataDir = dirs.make();
      const last = await runAndKill(dataDir, 'full', Infinity, 50);
      assert.equal(last, 49);
      const store = createSqliteStore({ dataDir, env });
      assert.deepEqual(await store.kv.usage('crash'), { keys: 100, bytes: 100 * 4096 + (10 * 3 + 40 * 4) * 2 });
      assert.equal(await store.kv.get('crash', 'a/50'), undefined, 'the first write of the open transaction is gone');
      assert.deepEqual(await store.kv.get('crash', 'a/49'), crashValue(49));
      await store.close();
    });

    for (const durability of ['full', 'normal'] as const) {
      it(`loses no committed transaction and keeps none half-written when killed (${durability})`, async () => {
        const dataDir = dirs.make();
        const lastReported = await runAndKill(dataDir, durability, 120);
        const db = raw(dataDir);
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        db.close();
        const store = createSqliteStore({ dataDir, env });
        const a = (await store.kv.list('crash', 'a/', { limit: 1000 })).keys;
        const b = (await store.kv.list('crash', 'b/', { limit: 1000 })).keys;
        assert.ok(a.length >= lastReported + 1 && a.length <= lastReported + 2, `${a.length} commits, ${lastReported + 1} reported`);
        assert.deepEqual(b.map((k) => k.slice(2)), a.map((k) => k.slice(2)), 'both writes of a transaction, or neither');
        for (let i = 0; i < a.length; i++) assert.deepEqual(await store.kv.get('crash', `a/${i}`), crashValue(i));
        assert.deepEqual(await store.kv.usage('crash'), { keys: 2 * a.length, bytes: a.reduce((n, k) => n + 2 * (k.length + 4096), 0) });
        assert.equal((await store.audit.query({ plugin: 'crash' })).total, a.length);
        await rejectsWithCode(store.kv.get('crash', ''), 'INVALID_ARGUMENT');
        await store.close();
      });
    }
  });
}

/** Runs the crash writer until it reports `atLeast` commits, SIGKILLs it, returns the last reported. */
function runAndKill(dataDir: string, durability: Durability, atLeast: number, holdAt?: number): Promise<number> {
  const script = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
  const args = [script, dataDir, durability, ...(holdAt === undefined ? [] : [String(holdAt)])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let last = -1;
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line === 'hold') child.kill('SIGKILL');
        else last = Number(line);
      }
      if (last >= atLeast && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`crash writer exited on its own (code ${code})`));
      else resolve(last);
    });
  });
}
