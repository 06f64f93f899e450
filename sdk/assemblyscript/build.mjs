#!/usr/bin/env node
// Builds a Warden plugin written in AssemblyScript with this SDK: compiles the entry file with
// asc (the `assemblyscript` npm package, found from the project first, then from Warden), routes
// `abort` (throw, assert) to the SDK so its message becomes the plugin's error, and embeds the
// manifest (`warden.yaml` beside the entry, else in the current folder) into the .wasm with
// Warden's embedManifest, so the one file is an installable plugin.
//
//   node node_modules/warden-sdk/build.mjs [entry.ts] [--manifest warden.yaml] [--out build/x.wasm] [--debug]
//
// Defaults: entry assembly/index.ts, output build/<manifest name>.wasm.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** This SDK's folder (through any node_modules symlink). */
const SDK_DIR = dirname(realpathSync(fileURLToPath(import.meta.url)));
/** The package name plugins import the SDK by. */
export const SDK_PACKAGE = 'warden-sdk';
/** Where asc finds the SDK's abort handler. */
const ABORT = `~lib/${SDK_PACKAGE}/abort/wardenAbort`;

/** The `assemblyscript/asc` module: the project's own copy first, then the one beside Warden. */
async function loadAsc(projectDir) {
  for (const base of [join(projectDir, 'package.json'), join(SDK_DIR, 'package.json'), join(SDK_DIR, '..', '..', 'package.json')]) {
    try {
      const path = createRequire(base).resolve('assemblyscript/dist/asc.js');
      return (await import(pathToFileURL(path).href)).default;
    } catch {
      // not there; try the next place
    }
  }
  throw new Error('the AssemblyScript compiler is missing: run `npm install --save-dev assemblyscript` in the plugin project');
}

/** Warden's `embedManifest`, from the built Warden this SDK belongs to. */
async function loadEmbedManifest() {
  const index = join(SDK_DIR, '..', '..', 'dist', 'src', 'index.js');
  if (!existsSync(index)) throw new Error(`Warden is not built (${index} is missing): run \`npm run build\` in ${resolve(SDK_DIR, '..', '..')}`);
  return (await import(pathToFileURL(index).href)).embedManifest;
}

function findManifest(entry, given) {
  if (given) return resolve(given);
  for (const dir of [dirname(entry), process.cwd()]) {
    const path = join(dir, 'warden.yaml');
    if (existsSync(path)) return path;
  }
  throw new Error(`no warden.yaml beside ${entry} or in ${process.cwd()}: write the plugin's manifest there (docs/manifest.md)`);
}

function manifestName(text) {
  return /^name:\s*["']?([a-z0-9][a-z0-9_-]*)/m.exec(text)?.[1] ?? 'plugin';
}

/**
 * Compiles `entry` and embeds its manifest; returns the path of the .wasm written.
 *
 * @param {{ entry: string, manifest?: string, outFile?: string, debug?: boolean, quiet?: boolean }} options
 */
export async function buildPlugin(options) {
  const entry = resolve(options.entry);
  const manifestPath = findManifest(entry, options.manifest);
  const manifestText = readFileSync(manifestPath, 'utf8');
  const outFile = resolve(options.outFile ?? join('build', `${manifestName(manifestText)}.wasm`));
  const projectDir = dirname(manifestPath);
  const [asc, embedManifest] = await Promise.all([loadAsc(projectDir), loadEmbedManifest()]);
  // asc resolves package imports through --path folders; one holding `warden-sdk` makes the SDK
  // importable by name whether or not the project installed it.
  const packages = mkdtempSync(join(tmpdir(), 'warden-sdk-path-'));
  try {
    symlinkSync(SDK_DIR, join(packages, SDK_PACKAGE), 'dir');
    const wasmFile = join(packages, 'out.wasm');
    const output = [];
    const sink = { write: (text) => void output.push(String(text)) };
    const { error } = await asc.main([
      relative(projectDir, entry), '--outFile', wasmFile, '--path', packages, '--use', `abort=${ABORT}`,
      // AssemblyScript's start function (static data, the GC) becomes the reactor's _initialize,
      // which Extism hosts call once after instantiation: no wasm start section to flag.
      '--exportStart', '_initialize',
      '--baseDir', projectDir, ...(options.debug ? ['--debug'] : ['--optimizeLevel', '3', '--shrinkLevel', '1']),
    ], { stdout: sink, stderr: sink });
    if (error) throw new Error(`asc failed to compile ${entry}:\n${output.join('')}`);
    if (!options.quiet && output.length) process.stderr.write(output.join(''));
    const bytes = embedManifest(readFileSync(wasmFile), manifestText);
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, bytes);
    return outFile;
  } finally {
    rmSync(packages, { recursive: true, force: true });
  }
}

async function cli() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { manifest: { type: 'string' }, out: { type: 'string' }, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write('Usage: node node_modules/warden-sdk/build.mjs [entry.ts] [--manifest warden.yaml] [--out build/<name>.wasm] [--debug]\n');
    return;
  }
  const out = await buildPlugin({ entry: positionals[0] ?? 'assembly/index.ts', manifest: values.manifest, outFile: values.out, debug: values.debug });
  process.stdout.write(`built ${relative(process.cwd(), out)} (manifest embedded): install it with \`warden plugin install ${relative(process.cwd(), out)}\`\n`);
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  cli().catch((e) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
