/**
 * What every measurement of `npm run bench` shares: the fixtures and inputs, garbage collection
 * between readings, the anomaly list, a table builder that survives a runtime failing, and a
 * load–run–close helper.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RUNTIMES, type LoadOptions, type Runner, type Runtime, type RuntimeId } from './peers.js';
import type { Row, Table } from './report.js';
import { SETTLE_MS } from './sample-counts.js';
import { withTimeout } from './stats.js';
import type { WardenFigures } from './targets.js';

/** The repository root (this file runs from dist/bench/). */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The bytes of a built fixture, `dist/fixtures/<name>.wasm`. */
export const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(join(root, 'dist/fixtures', `${name}.wasm`)));

export const ECHO = fixture('echo');
export const KITCHEN = fixture('c_kitchen');
export const SPIN = fixture('spin');
export const GROW = fixture('grow');
/**
 * Writes a plugin folder (`warden.yaml` beside `plugin.wasm`) at `dir` for `warden.install`.
 * JSON is YAML, so the manifest needs no YAML library.
 */
export function writePluginFolder(dir: string, name: string, wasm: Uint8Array, tools: readonly { name: string; description: string }[] = [{ name: 'echo', description: 'echo' }]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.wasm'), wasm);
  writeFileSync(join(dir, 'warden.yaml'), JSON.stringify({ name, version: '1.0.0', description: 'bench', wasm: 'plugin.wasm', tools }));
  return dir;
}

export const IN_16 = new Uint8Array(randomBytes(16));
export const IN_64K = new Uint8Array(randomBytes(64 * 1024));
export const EMPTY = new Uint8Array(0);

/** A measurement: one table, with Warden's figures for the targets recorded into `warden`. */
export type Measurement = (runtimes: Runtime[], warden: WardenFigures) => Promise<Table>;

export const label = (id: RuntimeId): string => RUNTIMES.find((r) => r.id === id)!.label;

/** Things that went wrong or look odd, collected while running (the report lists them). */
export const anomalies: string[] = [];

const gcFn = (globalThis as { gc?: () => void }).gc;
if (!gcFn) anomalies.push('global.gc is not available (run with --expose-gc): RSS figures include garbage.');

/** Collects garbage (when --expose-gc allows it), yielding so finalizers and workers catch up. */
export async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gcFn?.();
    await tick();
  }
}

export const rss = (): number => process.memoryUsage.rss();

/** An error's code and first line, short enough for a table cell. */
export function errText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code}: ` : ''}${e.message.split('\n')[0]!.slice(0, 160)}`;
  }
  return String(e);
}

/** Whether a call's output (null = none) holds exactly `b`. */
export function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  if (a === null) return b.length === 0;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const text = (b: Uint8Array | null): string => (b === null ? '' : new TextDecoder().decode(b));

/** Progress on stderr, so stdout holds only the tables. */
export function log(message: string): void {
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1)}s] ${message}\n`);
}

/** Builds one table, a row per label, filling cells runtime by runtime. */
export class TableBuilder {
  readonly #rows = new Map<string, Row>();
  readonly notes: string[] = [];

  constructor(readonly title: string, readonly method: string, labels: string[]) {
    for (const l of labels) this.#rows.set(l, { label: l, cells: {} });
  }

  set(row: string, id: RuntimeId, value: string): void {
    let r = this.#rows.get(row);
    if (!r) this.#rows.set(row, (r = { label: row, cells: {} }));
    r.cells[id] = value;
  }

  /** Runs `fn` for one runtime; an error fills that runtime's empty cells and is recorded. */
  async run(id: RuntimeId, fn: () => Promise<void>): Promise<void> {
    log(`${this.title}: ${label(id)}`);
    try {
      await fn();
    } catch (e) {
      const msg = errText(e);
      anomalies.push(`${this.title} — ${label(id)} failed: ${msg}`);
      for (const r of this.#rows.values()) r.cells[id] ??= 'error';
      this.notes.push(`${label(id)} failed: ${msg}`);
    }
  }

  build(): Table {
    return { title: this.title, method: this.method, rows: [...this.#rows.values()], notes: this.notes };
  }
}

/** Loads, optionally pauses {@link SETTLE_MS}, runs `fn`, and always closes (a close that hangs is given up after 10 s). */
export async function withRunner<T>(rt: Runtime, bytes: Uint8Array<ArrayBuffer>, options: LoadOptions, fn: (r: Runner) => Promise<T>, settle = false): Promise<T> {
  const runner = await rt.load(bytes, options);
  try {
    if (settle) await sleep(SETTLE_MS);
    return await fn(runner);
  } finally {
    await withTimeout(runner.close(), 10_000, 'close').catch((e) => anomalies.push(`${label(rt.id)}: ${errText(e)}`));
  }
}
