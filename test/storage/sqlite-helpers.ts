/**
 * Helpers for the SQLite driver's tests: temporary data directories, a fixed vault key, and a
 * search of a directory's files for bytes that must not be stored.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A valid `WARDEN_VAULT_KEY` (64 hex characters) for tests. */
export const TEST_VAULT_KEY = '0f'.repeat(32);

/** Temporary directories made by a test file. */
export interface TempDirs {
  /** A new empty directory. */
  make(): string;
  /** Removes every directory made. */
  removeAll(): void;
}

/** Temporary directories made by a test file, removed together at the end. */
export function tempDirs(): TempDirs {
  const made: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), 'warden-storage-'));
      made.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of made) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every file directly in `dir` whose bytes contain `needle` (text as UTF-8 or UTF-16, or bytes as they are). */
export function filesContaining(dir: string, needle: string | Uint8Array): string[] {
  const forms = typeof needle === 'string' ? [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')] : [Buffer.from(needle)];
  return readdirSync(dir, { withFileTypes: true }).filter((entry) => {
    if (!entry.isFile()) return false;
    const content = readFileSync(join(dir, entry.name));
    return forms.some((form) => content.includes(form));
  }).map((entry) => entry.name);
}
