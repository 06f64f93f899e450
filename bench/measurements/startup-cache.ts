/**
 * Start-up with 50 plugins installed: `Warden.open` (which re-scans every plugin under the running
 * Warden's rules, then loads it) with the scan cache under `<pluginsDir>/.cache` cold (deleted)
 * and warm. Warden only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Warden } from '../../src/warden/index.js';
import { collect, fixture, TableBuilder, writePluginFolder } from '../harness.js';
import type { Runtime } from '../peers.js';
import type { Table } from '../report.js';
import { STARTUP_CACHE_MODULES, STARTUP_CACHE_ROUNDS } from '../sample-counts.js';
import { fmtMs, median } from '../stats.js';
import { syntheticModule, withSalt } from '../synthetic-module.js';

const KEY = new Uint8Array(32).fill(7);

/** What each installed plugin is: `echo` (tiny) or a ~1 MiB synthetic module, made unique by a salt. */
const KINDS = [
  { label: 'echo fixture (0.5 KiB)', bytes: () => fixture('echo'), tools: [{ name: 'echo', description: 'echo' }] },
  { label: '~1 MiB synthetic module', bytes: () => syntheticModule(3200, 40, 0), tools: [] },
];

/** Installs `count` plugins of `kind` into a new data directory; returns it. */
async function populate(kind: (typeof KINDS)[number], count: number): Promise<string> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'warden-bench-startup-'));
  const src = join(dataDir, 'src');
  const warden = await Warden.open({ dataDir, vaultKey: KEY, durability: 'normal', lazy: true });
  try {
    const base = kind.bytes();
    for (let i = 0; i < count; i++) {
      await warden.install(writePluginFolder(join(src, `p${i}`), `p${i}`, withSalt(base, i), kind.tools), { enable: false });
    }
    for (let i = 0; i < count; i++) await warden.store.plugins.update(`p${i}`, { enabled: true });
  } finally {
    await warden.close();
  }
  return dataDir;
}

/** Milliseconds for `Warden.open` to have every plugin loaded (checked), then closed untimed. */
async function openTime(dataDir: string, count: number): Promise<number> {
  await collect();
  const t0 = performance.now();
  const warden = await Warden.open({ dataDir, vaultKey: KEY, durability: 'normal' });
  const ms = performance.now() - t0;
  try {
    const loaded = (await warden.list()).filter((p) => p.loaded).length;
    if (loaded !== count) throw new Error(`only ${loaded} of ${count} plugins loaded`);
  } finally {
    await warden.close();
  }
  return ms;
}

/** The "Start-up with 50 plugins" table. */
export async function startupCache(runtimes: Runtime[]): Promise<Table> {
  const rows = KINDS.flatMap((k) => [`${k.label}: cold (no cache)`, `${k.label}: warm (cache hits)`, `${k.label}: saved by the cache`]);
  const t = new TableBuilder(
    `Start-up with ${STARTUP_CACHE_MODULES} plugins installed`,
    `\`Warden.open\` on a data directory with ${STARTUP_CACHE_MODULES} enabled plugins, each unique (a salt in a custom section), until every one is loaded: ` +
      'read and hash each module, compare with the install record, re-scan under the running rules (or take the report from the cache), compile, start an instance in a worker. ' +
      `Cold: \`<pluginsDir>/.cache\` deleted first; warm: the cache written by the previous open. Median of ${STARTUP_CACHE_ROUNDS} rounds. Compiled code cannot be cached across processes on Node 20, so compiling and worker start-up remain either way. Warden only.`,
    rows,
  );
  for (const rt of runtimes) {
    if (rt.id !== 'warden') {
      t.set(rows[0]!, rt.id, 'n/a (Warden only)');
      continue;
    }
    await t.run(rt.id, async () => {
      for (const kind of KINDS) {
        const dataDir = await populate(kind, STARTUP_CACHE_MODULES);
        try {
          const cold: number[] = [];
          const warm: number[] = [];
          await openTime(dataDir, STARTUP_CACHE_MODULES); // warm-up: V8, the page cache
          for (let r = 0; r < STARTUP_CACHE_ROUNDS; r++) {
            rmSync(join(dataDir, 'plugins', '.cache'), { recursive: true, force: true });
            cold.push(await openTime(dataDir, STARTUP_CACHE_MODULES));
            warm.push(await openTime(dataDir, STARTUP_CACHE_MODULES));
          }
          const [c, w] = [median(cold), median(warm)];
          t.set(`${kind.label}: cold (no cache)`, rt.id, fmtMs(c));
          t.set(`${kind.label}: warm (cache hits)`, rt.id, fmtMs(w));
          t.set(`${kind.label}: saved by the cache`, rt.id, `${fmtMs(c - w)} (${(((c - w) / c) * 100).toFixed(0)}%)`);
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
    });
  }
  return t.build();
}
