/**
 * Scaffolding a plugin project (`warden new`): the template of a language copied into a new
 * folder, with the plugin's name and the paths to this Warden's SDK filled in. The project builds
 * offline: an AssemblyScript one depends on npm `assemblyscript` and on Warden's SDK and Warden
 * itself through `file:` paths relative to the project; a C one gets a copy of `warden.h` and a
 * Makefile that calls clang.
 */
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WardenError } from '../errors.js';
import { PLUGIN_ID, RESERVED_IDS } from '../manifest/schema.js';

/** The languages `warden new` scaffolds. */
export const SCAFFOLD_LANGUAGES = ['assemblyscript', 'c'] as const;
export type ScaffoldLanguage = (typeof SCAFFOLD_LANGUAGES)[number];

/** This Warden's folder (dist/src/scaffold → the package root). */
const WARDEN_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Options of {@link scaffoldPlugin}. */
export interface ScaffoldOptions {
  /** The plugin id: 1–64 lowercase letters, digits, `-` and `_`. */
  name: string;
  lang: ScaffoldLanguage;
  /** The project folder; it must not exist or be empty. @default `./<name>` */
  dir?: string;
}

/** What {@link scaffoldPlugin} wrote. */
export interface ScaffoldResult {
  dir: string;
  /** Paths relative to `dir`, sorted. */
  files: string[];
  /** The commands that build and test the project, run in `dir`. */
  build: string;
  test: string;
}

/** Writes a new plugin project; refuses a bad name, an unknown language or a folder in use. */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const { name, lang } = options;
  if (!PLUGIN_ID.test(name) || RESERVED_IDS.has(name)) {
    throw new WardenError('INVALID_ARGUMENT', `"${name}" is not a plugin name: use 1–64 lowercase letters, digits, "-" or "_", starting with a letter or digit`);
  }
  if (!(SCAFFOLD_LANGUAGES as readonly string[]).includes(lang)) {
    throw new WardenError('INVALID_ARGUMENT', `unknown language "${lang}": choose ${SCAFFOLD_LANGUAGES.join(' or ')}`);
  }
  const dir = resolve(options.dir ?? name);
  await assertEmpty(dir);
  const values: Record<string, string> = {
    name,
    wardenPath: relative(dir, WARDEN_ROOT) || '.',
    sdkPath: relative(dir, join(WARDEN_ROOT, 'sdk', 'assemblyscript')),
    wardenBin: join(WARDEN_ROOT, 'bin', 'warden.js'),
  };
  const templates = join(WARDEN_ROOT, 'templates', lang);
  const files: string[] = [];
  for (const file of await listFiles(templates)) {
    const target = targetName(file);
    const text = await readFile(join(templates, file), 'utf8');
    await mkdir(dirname(join(dir, target)), { recursive: true });
    await writeFile(join(dir, target), text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole), { mode: target.endsWith('.sh') ? 0o755 : 0o644 });
    files.push(target);
  }
  if (lang === 'c') {
    await copyFile(join(WARDEN_ROOT, 'sdk', 'c', 'warden.h'), join(dir, 'warden.h'));
    files.push('warden.h');
  }
  return lang === 'c'
    ? { dir, files: files.sort(), build: 'make', test: 'make test' }
    : { dir, files: files.sort(), build: 'npm install && npm run build', test: 'npm test' };
}

/** `gitignore` becomes `.gitignore` (npm leaves dot-files out of packages) and `.tmpl` is dropped. */
function targetName(file: string): string {
  return file.replace(/(^|\/)gitignore$/, '$1.gitignore').replace(/\.tmpl$/, '');
}

async function assertEmpty(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory() || (await readdir(dir)).length > 0) {
      throw new WardenError('INVALID_ARGUMENT', `${dir} already exists and is not an empty folder: choose another name or --dir`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Every file under `root`, as `/`-separated relative paths. */
async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, path)));
    else out.push(path);
  }
  return out;
}
