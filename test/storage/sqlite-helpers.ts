/**
 * Helpers for the SQLite driver's tests: temporary data directories and a fixed vault key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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
