/**
 * Start-up work with the prepared-module cache (src/install/module-cache.ts): 50 plugin modules
 * prepared (limits rewritten) and scanned with no cache, against the same modules served from
 * the cache, with WebAssembly.compile — which Node 20 cannot cache across processes — for scale.
 * Warden only.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ModuleCache } from '../../src/install/module-cache.js';
import { prepareModuleCached, soundPrepared } from '../../src/install/prepared-cache.js';
import { scanPlugin } from '../../src/install/scan.js';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';
import { HOST_ABI_VERSION } from '../../src/runtime/abi-signatures.js';
import { MODULE_STRUCTURE_CAPS } from '../../src/runtime/options.js';
import { prepareModule, type ModuleCaps } from '../../src/runtime/wasm/prepare.js';
import { canonicalJson } from '../../src/trust/canonical-json.js';
import { WARDEN_VERSION } from '../../src/version.js';
import { anomalies, collect, errText, fixture, TableBuilder } from '../harness.js';
import type { Runtime } from '../peers.js';
import type { Table } from '../report.js';
import { STARTUP_CACHE_MODULES, STARTUP_CACHE_ROUNDS } from '../sample-counts.js';
import { fmtMiB, fmtMs, median } from '../stats.js';
import { syntheticModule, withSalt } from '../synthetic-module.js';

const MODULES = STARTUP_CACHE_MODULES;
const ROUNDS = STARTUP_CACHE_ROUNDS;
const CAPS: ModuleCaps = { maxModuleBytes: 64 * 1024 * 1024, maxFunctions: 100_000, maxMemoryPages: 1024, ...MODULE_STRUCTURE_CAPS };
const FIXTURES = ['as_kitchen', 'c_kitchen', 'official_pdk', 'as_pdk_example', 'wasi_probe', 'cap_kv', 'echo'].map(fixture);
const MANIFEST: Manifest = parseManifest('name: bench\nversion: 0.1.0\ndescription: bench\nwasm: plugin.wasm\ntools:\n  - name: run\n    description: run\ncapabilities: []\n', 'warden.yaml').manifest;
/** The scan depends on the manifest too: its hash is part of the key of an entry that holds a scan. */
const MANIFEST_SHA = createHash('sha256').update(canonicalJson(MANIFEST)).digest('hex');

/** The two module sets: their distinct modules, used in turn and salted so that all bytes differ. */
const SETS: { label: string; base: () => Uint8Array[] }[] = [
  { label: 'fixtures', base: () => FIXTURES },
  { label: '~1 MiB synthetic', base: () => [syntheticModule(3200, 40, 0)] },
];

interface Round {
  /** Milliseconds for all 50 modules. */
  coldPrepareScan: number;
  firstPrepareScan: number;
  warmPrepareScan: number;
  coldPrepare: number;
  warmPrepare: number;
  compile: number;
  sha: number;
  moduleBytes: number;
  diskBytes: number;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function timed(fn: () => unknown): Promise<number> {
  await collect();
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Prepare + scan through `cache`: a hit is re-checked (never trusted), a miss is computed and stored. */
async function prepareAndScan(cache: ModuleCache, bytes: Uint8Array, sha: string): Promise<void> {
  const variant = { ...CAPS, manifest: MANIFEST_SHA };
  const hit = await cache.get(sha, variant);
  if (hit?.scan !== undefined && soundPrepared(hit.prepared, CAPS) !== undefined) return;
  const prepared = prepareModule(bytes, CAPS);
  const scan = scanPlugin(MANIFEST, [{ name: 'main', bytes }]);
  await cache.set(sha, { prepared: prepared.bytes, scan, meta: {} }, variant);
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

async function round(base: readonly Uint8Array[], r: number, root: string): Promise<Round> {
  const modules = Array.from({ length: MODULES }, (_, i) => withSalt(base[i % base.length]!, (r + 1) * MODULES + i));
  let shas: string[] = [];
  const sha = await timed(() => void (shas = modules.map(sha256)));
  const onError = (e: Error): void => void anomalies.push(`startup-cache: ${errText(e)}`);
  const both = new ModuleCache({ dir: join(root, `scan-${r}`), wardenVersion: WARDEN_VERSION, abiVersion: HOST_ABI_VERSION, onError });
  const prep = new ModuleCache({ dir: join(root, `prep-${r}`), wardenVersion: WARDEN_VERSION, abiVersion: HOST_ABI_VERSION, onError });
  const each = (fn: (m: Uint8Array, s: string) => unknown) => async () => {
    for (let i = 0; i < MODULES; i++) await fn(modules[i]!, shas[i]!);
  };
  const coldPrepareScan = await timed(each((m) => {
    prepareModule(m, CAPS);
    scanPlugin(MANIFEST, [{ name: 'main', bytes: m }]);
  }));
  const firstPrepareScan = await timed(each((m, s) => prepareAndScan(both, m, s)));
  const warmPrepareScan = await timed(each((m, s) => prepareAndScan(both, m, s)));
  const coldPrepare = await timed(each((m) => prepareModule(m, CAPS)));
  await each((m, s) => prepareModuleCached(m, s, CAPS, prep))();
  const prepared: Uint8Array[] = [];
  const warmPrepare = await timed(each(async (m, s) => prepared.push((await prepareModuleCached(m, s, CAPS, prep)).bytes)));
  const compile = await timed(async () => {
    for (const p of prepared) await WebAssembly.compile(p as Uint8Array<ArrayBuffer>);
  });
  return {
    coldPrepareScan, firstPrepareScan, warmPrepareScan, coldPrepare, warmPrepare, compile, sha,
    moduleBytes: modules.reduce((n, m) => n + m.length, 0), diskBytes: dirBytes(both.dir),
  };
}

/** `12.3 ms (246 µs each)`. */
function total(ms: number): string {
  return `${fmtMs(ms)} (${fmtMs(ms / MODULES)} each)`;
}

function change(from: number, to: number): string {
  const d = to - from;
  return `${d <= 0 ? '−' : '+'}${fmtMs(Math.abs(d))} (${d <= 0 ? '−' : '+'}${Math.abs((d / from) * 100).toFixed(0)}%)`;
}

/** The "Start-up with the prepared-module cache" table. */
export async function startupCache(runtimes: Runtime[]): Promise<Table> {
  const rows = SETS.flatMap((s) => [
    `${s.label}: prepare + scan, cold (no cache)`, `${s.label}: prepare + scan, first start (cold + cache writes)`,
    `${s.label}: prepare + scan, warm (cache hits, re-checked)`, `${s.label}: prepare + scan, warm − cold`,
    `${s.label}: prepare only (the start-up step), cold / warm`, `${s.label}: WebAssembly.compile after it (not cacheable)`,
    `${s.label}: sha256 of the originals (paid by the loader either way)`, `${s.label}: modules / cache on disk`,
  ]);
  const t = new TableBuilder(
    `Start-up with the prepared-module cache, ${MODULES} modules`,
    `${MODULES} modules per set, every one unique (a salt in a custom section), sequentially, on the main thread; each figure is the median of ${ROUNDS} rounds (new bytes every round, one untimed warm-up round first) and is the total for the ${MODULES} modules. ` +
      `"fixtures": ${FIXTURES.length} fixtures in turn (0.4–254 KiB); "~1 MiB synthetic": 3,200 functions of straight-line arithmetic each (real PDK plugins weigh hundreds of KiB to several MiB). ` +
      `Cold: \`prepareModule\` + \`scanPlugin\` (whose \`WebAssembly.validate\` is most of its cost). Warm: \`ModuleCache.get\` (read the file, check its header and SHA-256 digest) and \`soundPrepared\`, the re-read of the cached bytes that a hit is never used without. ` +
      `"Prepare only" is what start-up actually runs before compiling (\`loadPlugin\` does not scan): \`prepareModule\` against \`prepareModuleCached\` hits. ` +
      `Compile: \`WebAssembly.compile\` of the prepared bytes, the step that remains either way. The OS page cache is warm (the entries were just written), so the warm figures are a best case. Warden only.`,
    rows,
  );
  for (const rt of runtimes) {
    if (rt.id !== 'warden') {
      t.set(rows[0]!, rt.id, 'n/a (Warden only)');
      continue;
    }
    await t.run(rt.id, async () => {
      const root = mkdtempSync(join(os.tmpdir(), 'warden-bench-cache-'));
      try {
        for (const s of SETS) {
          const base = s.base();
          await round(base, -1, root);
          const rounds: Round[] = [];
          for (let r = 0; r < ROUNDS; r++) rounds.push(await round(base, r, root));
          const m = (k: keyof Round): number => median(rounds.map((x) => x[k]));
          const row = (suffix: string, value: string): void => t.set(`${s.label}: ${suffix}`, rt.id, value);
          row('prepare + scan, cold (no cache)', total(m('coldPrepareScan')));
          row('prepare + scan, first start (cold + cache writes)', total(m('firstPrepareScan')));
          row('prepare + scan, warm (cache hits, re-checked)', total(m('warmPrepareScan')));
          row('prepare + scan, warm − cold', change(m('coldPrepareScan'), m('warmPrepareScan')));
          row('prepare only (the start-up step), cold / warm', `${fmtMs(m('coldPrepare'))} / ${fmtMs(m('warmPrepare'))} (${change(m('coldPrepare'), m('warmPrepare'))})`);
          row('WebAssembly.compile after it (not cacheable)', total(m('compile')));
          row('sha256 of the originals (paid by the loader either way)', total(m('sha')));
          row('modules / cache on disk', `${fmtMiB(m('moduleBytes'))} / ${fmtMiB(m('diskBytes'))}`);
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
  t.notes.push('Node 20 has no way to persist compiled wasm: `v8.serialize(module)` writes 2 bytes that `v8.deserialize` refuses, `structuredClone` and `postMessage` share a module only inside one process, and `module.enableCompileCache()` (Node 22.1+) caches JavaScript only. Within one process V8 reuses a module compiled from identical bytes.');
  return t.build();
}
