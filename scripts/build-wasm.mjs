#!/usr/bin/env node
// Builds every WebAssembly binary from its source: the kernel (WAT), the test fixtures
// (WAT with npm `wabt`, AssemblyScript with npm `assemblyscript`, C with Debian's clang + lld)
// and the plugins written with Warden's SDKs (examples/ and the SDK test plugins), each into an
// installable plugin directory. Nothing built here is committed. A binary is rebuilt only when
// its source is newer.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { buildPlugin } from '../sdk/assemblyscript/build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = (...p) => join(root, 'dist', ...p);
const wabt = await wabtInit();
const force = process.argv.includes('--force');

function stale(target, sources) {
  if (force || !existsSync(target)) return true;
  const t = statSync(target).mtimeMs;
  return sources.some((s) => statSync(s).mtimeMs > t);
}

function write(target, bytes) {
  mkdirSync(dirname(target), { recursive: true });
  // V8 is the authority on validity (wabt.js ignores feature flags when validating).
  new WebAssembly.Module(bytes);
  writeFileSync(target, bytes);
}

function buildWat(source, target) {
  if (!stale(target, [source])) return;
  const mod = wabt.parseWat(source, readFileSync(source, 'utf8'), {
    threads: true, bulk_memory: true, exceptions: true, multi_value: true,
    reference_types: true, sign_extension: true, sat_float_to_int: true,
  });
  write(target, mod.toBinary({}).buffer);
}

function filesIn(dir, ext) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).filter((f) => extname(f) === ext).map((f) => join(abs, f));
}

function hasClang() {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// C sources: `// wasi` on the first line selects wasm32-wasi with wasi-libc, otherwise
// freestanding wasm32 (no libc) with every function marked for export kept.
function buildC(source, target) {
  const headers = filesIn(dirname(source).slice(root.length + 1), '.h');
  if (!stale(target, [source, ...headers])) return;
  const firstLine = readFileSync(source, 'utf8').split('\n', 1)[0] ?? '';
  const wasi = firstLine.includes('wasi');
  const reactor = firstLine.includes('reactor');
  const args = wasi
    ? ['--target=wasm32-wasi', '--sysroot=/usr', ...(reactor ? ['-mexec-model=reactor'] : [])]
    : ['--target=wasm32-unknown-unknown', '-nostdlib', '-Wl,--no-entry'];
  mkdirSync(dirname(target), { recursive: true });
  execFileSync('clang', [...args, '-O2', '-I', dirname(source), source, '-o', target], {
    stdio: 'inherit',
  });
}

// AssemblyScript: `abort` is either dropped or routed to a function of the entry file (the
// official PDK's convention); asc runs in the source's folder so package imports resolve.
function buildAs(source, target, { abort = '', deps = [] } = {}) {
  if (!stale(target, [source, ...deps])) return;
  mkdirSync(dirname(target), { recursive: true });
  const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
  execFileSync(process.execPath, [
    asc, basename(source), '--outFile', target, '--optimizeLevel', '3', '--runtime', 'stub',
    '--use', `abort=${abort}`,
  ], { stdio: 'inherit', cwd: dirname(source) });
}

buildWat(join(root, 'src/runtime/kernel/kernel.wat'), out('src/runtime/kernel/kernel.wasm'));
// The web UI's static files (plain JavaScript and CSS, no build step) go beside the compiled gateway.
rmSync(out('src/gateway/ui/static'), { recursive: true, force: true });
cpSync(join(root, 'src/gateway/ui/static'), out('src/gateway/ui/static'), { recursive: true });
for (const f of filesIn('test/fixtures/wat', '.wat')) buildWat(f, out('fixtures', basename(f, '.wat') + '.wasm'));
const ownPdk = [...filesIn('test/fixtures/as/pdk', '.ts'), join(root, 'sdk/assemblyscript/env.ts')];
for (const f of filesIn('test/fixtures/as', '.ts')) buildAs(f, out('fixtures', basename(f, '.ts') + '.wasm'), { deps: ownPdk });
// The official Extism AssemblyScript PDK (npm @extism/as-pdk), unmodified: its own example, and
// fixtures written against it.
const officialPdk = join(root, 'node_modules/@extism/as-pdk');
buildAs(join(officialPdk, 'example.ts'), out('fixtures', 'as_pdk_example.wasm'), { abort: 'example/myAbort' });
for (const f of filesIn('test/fixtures/as-official', '.ts')) {
  buildAs(f, out('fixtures', basename(f, '.ts') + '.wasm'), { abort: `${basename(f, '.ts')}/myAbort`, deps: filesIn('node_modules/@extism/as-pdk/lib', '.ts') });
}
// A plugin written with an SDK: a folder with one .ts (AssemblyScript, manifest embedded by the
// SDK's build.mjs) or one .c (C, with warden.yaml copied beside the module it names).
async function buildSdkPlugin(dir, outDir) {
  const [source] = [...filesIn(dir, '.ts'), ...filesIn(dir, '.c')];
  if (!source) return;
  const manifest = join(root, dir, 'warden.yaml');
  if (source.endsWith('.ts')) {
    const target = join(outDir, `${basename(source, '.ts')}.wasm`);
    if (stale(target, [source, manifest, join(root, 'sdk/assemblyscript/build.mjs'), ...filesIn('sdk/assemblyscript', '.ts')])) await buildPlugin({ entry: source, manifest, outFile: target, quiet: true });
    return target;
  }
  const wasm = /^wasm:\s*(\S+)/m.exec(readFileSync(manifest, 'utf8'))?.[1] ?? 'plugin.wasm';
  const target = join(outDir, wasm);
  if (stale(target, [source, manifest, join(root, 'sdk/c/warden.h')])) {
    mkdirSync(outDir, { recursive: true });
    execFileSync('clang', ['--target=wasm32', '-nostdlib', '-mbulk-memory', '-O2', '-Wall', '-Werror', '-Wl,--no-entry', '-I', join(root, 'sdk/c'), source, '-o', target], { stdio: 'inherit' });
    new WebAssembly.Module(readFileSync(target));
  }
  copyFileSync(manifest, join(outDir, 'warden.yaml'));
  return target;
}

const cSources = filesIn('test/fixtures/c', '.c').map((f) => [f, out('fixtures', basename(f, '.c') + '.wasm')]);
if (!hasClang()) {
  console.error('clang is missing: run `bash scripts/install-system-deps.sh` (installs clang, lld, wasi-libc)');
  process.exit(1);
}
for (const [source, target] of cSources) buildC(source, target);
// SDK test plugins (dist/fixtures/<dir>/) and the examples (dist/examples/<name>/, installable as
// they are). `npm start` runs dist/examples/hello.wasm, a copy of the hello example.
for (const dir of ['sdk-as', 'sdk-c']) await buildSdkPlugin(join('test/fixtures', dir), out('fixtures', dir));
for (const { name } of readdirSync(join(root, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory())) {
  const built = await buildSdkPlugin(join('examples', name), out('examples', name));
  if (name === 'hello' && built) copyFileSync(built, out('examples', 'hello.wasm'));
}
