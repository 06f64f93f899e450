/**
 * Putting a checked plugin in place, atomically. The files are written from the bytes that were
 * scanned and verified (never copied again from the source), into a staging folder on the same
 * file system; then a journal is written, the old folder moved aside, the new one renamed in, and
 * the registry row and grants committed in one transaction. {@link recoverStaging} finishes or
 * undoes whatever a crash interrupted, so an install either happened completely or left no trace.
 */
import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PluginRecordInput, StateStore } from '../storage/driver.js';
import { MANIFEST_FILE, readPluginPackage, type PluginPackage } from '../install/package.js';
import { SIGNATURE_FILE } from '../trust/signature-file.js';
import { verifyInstalled } from './loader.js';

const JOURNAL = 'journal.json';

interface Journal {
  id: string;
  /** Where the new version goes: `<pluginsDir>/<id>`. */
  target: string;
  /** The previous version's folder when it lived elsewhere (a plugin found in the plugins directory). */
  displaced?: string | undefined;
  record: PluginRecordInput;
}

/** A fresh staging folder under `stagingDir` (same file system as the plugins, so renames are atomic). */
export async function makeStaging(stagingDir: string): Promise<string> {
  const dir = join(stagingDir, `${process.pid}-${randomUUID()}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

function parseJournal(text: string | undefined): Journal | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as Journal);
  } catch {
    return undefined; // half-written: it was written before anything moved, so there is nothing to undo
  }
}

/** Writes the package's files (manifest, modules, signature) from memory into `dir` (which must not exist yet). */
export async function writePackage(pkg: PluginPackage, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const write = async (rel: string, data: string | Uint8Array): Promise<void> => {
    const path = join(dir, ...rel.split('/'));
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await writeFile(path, data, { mode: 0o644, flag: 'wx', flush: true });
  };
  if (pkg.manifestText !== undefined) await write(MANIFEST_FILE, pkg.manifestText);
  for (const m of pkg.modules) await write(m.path, m.bytes);
  if (pkg.signatureText !== undefined) await write(SIGNATURE_FILE, pkg.signatureText);
}

/**
 * Installs `pkg` as plugin `record.id` under `pluginsDir`, replacing any previous version, and
 * commits `record` with `grants` (and `config` defaults untouched) in one store transaction.
 */
export async function commitPlugin(options: {
  pkg: PluginPackage;
  record: PluginRecordInput;
  grants: readonly string[] | undefined;
  pluginsDir: string;
  /** The previous version's location inside `pluginsDir`, if any. */
  previousLocation?: string | undefined;
  staging: string;
  store: StateStore;
}): Promise<void> {
  const { pkg, record, staging, store } = options;
  const fresh = join(staging, 'new');
  const target = join(options.pluginsDir, record.id);
  const displaced = options.previousLocation && options.previousLocation !== record.id ? join(options.pluginsDir, options.previousLocation) : undefined;
  await writePackage(pkg, fresh);
  // The package as it will be loaded must pass the same check a load does.
  verifyInstalled({ ...record, location: record.id, installedAt: 0, updatedAt: 0 }, await readPluginPackage(fresh));
  await mkdir(options.pluginsDir, { recursive: true });
  const journal: Journal = { id: record.id, target, displaced, record: { ...record, location: record.id } };
  await writeFile(join(staging, JOURNAL), JSON.stringify(journal), { flush: true });
  try {
    if (await exists(target)) await rename(target, join(staging, 'old'));
    if (displaced && (await exists(displaced))) await rename(displaced, join(staging, 'displaced'));
    await rename(fresh, target);
    await store.transaction(async (tx) => {
      await tx.plugins.put(journal.record);
      if (options.grants) await tx.grants.set(record.id, options.grants);
    });
  } catch (e) {
    await rollBack(staging, journal);
    throw e;
  }
  await rm(staging, { recursive: true, force: true });
}

/** Undoes an uncommitted install: the new folder leaves the plugins directory, the old one comes back. */
async function rollBack(staging: string, journal: Journal): Promise<void> {
  if (!(await exists(join(staging, 'new')))) await rm(journal.target, { recursive: true, force: true });
  if (await exists(join(staging, 'old'))) await rename(join(staging, 'old'), journal.target);
  if (journal.displaced && (await exists(join(staging, 'displaced')))) await rename(join(staging, 'displaced'), journal.displaced);
}

/** True when a staging folder's name says another process that is still running made it. */
function ownedByLiveProcess(name: string): boolean {
  const pid = Number(/^(\d+)-/.exec(name)?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the registry holds exactly the journal's record and the files on disk match it. */
async function committed(journal: Journal, store: StateStore): Promise<boolean> {
  const row = await store.plugins.get(journal.id);
  if (!row || row.version !== journal.record.version || JSON.stringify(row.modules) !== JSON.stringify(journal.record.modules)) return false;
  try {
    verifyInstalled(row, await readPluginPackage(journal.target));
    return true;
  } catch {
    return false;
  }
}

/**
 * Finishes or rolls back every install a crash interrupted, then empties the staging folder.
 * Returns the ids whose install was rolled back.
 */
export async function recoverStaging(stagingDir: string, store: StateStore): Promise<string[]> {
  const rolledBack: string[] = [];
  const entries = await readdir(stagingDir).catch(() => [] as string[]);
  for (const name of entries) {
    if (ownedByLiveProcess(name)) continue; // another Warden (a server, a CLI) is installing right now
    const dir = join(stagingDir, name);
    const text = await readFile(join(dir, JOURNAL), 'utf8').catch(() => undefined);
    const journal = parseJournal(text);
    if (journal && !(await committed(journal, store))) {
      await rollBack(dir, journal);
      rolledBack.push(journal.id);
    }
    await rm(dir, { recursive: true, force: true });
  }
  return rolledBack;
}
