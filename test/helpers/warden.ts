/**
 * Wardens for tests: each on a temporary data directory with a fixed vault key, all closed and
 * removed when the test file ends.
 */
import { after } from 'node:test';
import { Warden, type WardenOptions } from '../../src/warden/index.js';
import { TEST_VAULT_KEY, tempDirs, type TempDirs } from '../storage/sqlite-helpers.js';

/** The vault key every test Warden uses. */
export const TEST_VAULT_KEY_BYTES = Buffer.from(TEST_VAULT_KEY, 'hex');

/** A test file's Wardens and temporary directories; registers the cleanup with `after`. */
export function wardenHarness(): { dirs: TempDirs; open(options?: Partial<WardenOptions>): Promise<Warden> } {
  const dirs = tempDirs();
  const wardens: Warden[] = [];
  after(async () => {
    await Promise.all(wardens.map((w) => w.close()));
    dirs.removeAll();
  });
  return {
    dirs,
    async open(options = {}) {
      const w = await Warden.open({ dataDir: dirs.make(), vaultKey: TEST_VAULT_KEY_BYTES, durability: 'normal', ...options });
      wardens.push(w);
      return w;
    },
  };
}
