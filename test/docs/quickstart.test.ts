// docs/quickstart.md is run as written: its `sh` blocks, in order, in one shell, with `warden` on
// the PATH and a fresh data directory; every `# → …` line must appear in the output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WARDEN_BIN } from '../helpers/cli.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());
const doc = readFileSync(fileURLToPath(new URL('../../../docs/quickstart.md', import.meta.url)), 'utf8');

/** The `sh` blocks of a Markdown document, in order (`text` blocks are illustrations, not run). */
function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('docs/quickstart.md', () => {
  it('runs as written and prints what it says', async () => {
    const blocks = shellBlocks(doc);
    assert.ok(blocks.length >= 3, 'the quickstart has its shell blocks');
    const work = dirs.make();
    const bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'warden'), `#!/bin/sh\nexec "${process.execPath}" "${WARDEN_BIN}" "$@"\n`);
    chmodSync(join(bin, 'warden'), 0o755);
    const script = `set -e\n${blocks.join('\n')}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: work,
      timeout: 300_000,
      env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, HOME: work, WARDEN_DATA_DIR: join(work, 'data'), WARDEN_VAULT_KEY: TEST_VAULT_KEY },
    });
    const expected = blocks.join('\n').split('\n').filter((l) => l.startsWith('# → ')).map((l) => l.slice(4));
    assert.ok(expected.length >= 2);
    for (const line of expected) assert.ok(stdout.includes(line), `expected "${line}" in:\n${stdout}`);
  });
});
