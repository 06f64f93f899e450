// `warden new` end to end: scaffold a project of each language into a temporary folder, build it
// and run its own test as its author would, then install and call the result with the CLI.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runWarden, WARDEN_BIN, type CliResult } from '../helpers/cli.js';
import { TEST_VAULT_KEY, tempDirs } from '../storage/sqlite-helpers.js';

const dirs = tempDirs();
after(() => dirs.removeAll());
const WARDEN_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

const ok = (r: CliResult): CliResult => {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
};

/** Runs a build tool in the project, as its author would; resolves with stdout. */
async function inProject(dir: string, command: string, args: string[]): Promise<string> {
  const { stdout } = await run(command, args, { cwd: dir, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' }, timeout: 300_000 });
  return stdout;
}

/** What `npm install` would link, without the network: the registry package from Warden's node_modules, the file: ones where package.json points. */
function linkDependencies(dir: string): void {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  mkdirSync(join(dir, 'node_modules'));
  for (const [name, spec] of Object.entries(pkg.devDependencies)) {
    const target = spec.startsWith('file:') ? resolve(dir, spec.slice('file:'.length)) : join(WARDEN_ROOT, 'node_modules', name);
    symlinkSync(target, join(dir, 'node_modules', name), 'dir');
  }
}

/** Installs the built plugin at `path` into a fresh data directory and calls greet. */
async function installAndGreet(path: string, id: string): Promise<string> {
  const env = { WARDEN_DATA_DIR: dirs.make(), WARDEN_VAULT_KEY: TEST_VAULT_KEY };
  ok(await runWarden(['plugin', 'install', path, '--yes'], { env }));
  return ok(await runWarden(['plugin', 'call', id, 'greet', '{"name":"Ada"}'], { env })).stdout;
}

describe('warden new', () => {
  it('assemblyscript: npm run build gives an installable .wasm; npm test passes', async () => {
    const dir = join(dirs.make(), 'as-greeter');
    const created = ok(await runWarden(['new', 'as-greeter', '--lang', 'assemblyscript', '--dir', dir]));
    assert.match(created.stdout, /created as-greeter \(assemblyscript\)/);
    for (const f of ['.gitignore', 'README.md', 'assembly/index.ts', 'package.json', 'test/plugin.test.mjs', 'warden.yaml']) assert.match(created.stdout, new RegExp(`^  ${f.replace('.', '\\.')}$`, 'm'));
    linkDependencies(dir);
    assert.match(await inProject(dir, 'npm', ['run', 'build']), /built build\/as-greeter\.wasm \(manifest embedded\)/);
    assert.match(await inProject(dir, 'npm', ['test']), /# pass 2/);
    assert.equal(await installAndGreet(join(dir, 'build', 'as-greeter.wasm'), 'as-greeter'), '{"message":"Hello, Ada!"}');
  });

  it('c: make gives an installable build/ folder; make test passes', async () => {
    const dir = join(dirs.make(), 'c-greeter');
    ok(await runWarden(['new', 'c-greeter', '--lang', 'c', '--dir', dir]));
    assert.equal(readFileSync(join(dir, 'warden.h'), 'utf8'), readFileSync(join(WARDEN_ROOT, 'sdk/c/warden.h'), 'utf8'));
    await inProject(dir, 'make', []);
    assert.match(await inProject(dir, 'make', ['test', `WARDEN=${process.execPath} ${WARDEN_BIN}`]), /1 passed, 0 failed/);
    assert.equal(await installAndGreet(join(dir, 'build'), 'c-greeter'), '{"message":"Hello, Ada!"}');
  });

  it('refuses a bad name, an unknown language and a folder in use', async () => {
    const parent = dirs.make();
    const bad = await runWarden(['new', 'Bad.Name', '--lang', 'c', '--dir', join(parent, 'x')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a plugin name/);
    const lang = await runWarden(['new', 'ok', '--lang', 'cobol']);
    assert.equal(lang.code, 2);
    assert.match(lang.stderr, /--lang must be assemblyscript or c/);
    writeFileSync(join(parent, 'keep.txt'), 'mine');
    const used = await runWarden(['new', 'ok', '--lang', 'c', '--dir', parent]);
    assert.equal(used.code, 2);
    assert.match(used.stderr, /already exists and is not an empty folder/);
    assert.equal(readFileSync(join(parent, 'keep.txt'), 'utf8'), 'mine');
  });
});
