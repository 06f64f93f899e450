/**
 * `npm run bench`: Warden side by side with @extism/extism (in-thread and in a worker) and raw
 * WebAssembly on the main thread, in one process. Prints the tables and writes
 * docs/benchmarks.md. Run with --expose-gc (the npm script does).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { anomalies, errText, root, type Measurement } from './harness.js';
import { echoLatency } from './measurements/echo-latency.js';
import { growBomb } from './measurements/grow-bomb.js';
import { hostFunctions } from './measurements/host-functions.js';
import { httpAllowList } from './measurements/http-allow-list.js';
import { kvGet } from './measurements/kv-get.js';
import { loadTime } from './measurements/load-time.js';
import { mcpCall } from './measurements/mcp-call.js';
import { rssPerPlugin } from './measurements/rss-per-plugin.js';
import { startupCache } from './measurements/startup-cache.js';
import { restCallBench } from './measurements/rest-call.js';
import { throughput } from './measurements/throughput.js';
import { timeouts } from './measurements/timeouts.js';
import { extismInThreadRuntime, extismWorkerRuntime, rawRuntime, wardenRuntime, type Runtime } from './peers.js';
import { renderConsole, renderMarkdown, type Report, type Table } from './report.js';
import { withTimeout } from './stats.js';
import { targets, type WardenFigures } from './targets.js';

/** The measurements in the order of the report's numbered sections. */
const MEASUREMENTS: Measurement[] = [echoLatency, throughput, loadTime, startupCache, hostFunctions, rssPerPlugin, timeouts, growBomb, kvGet, httpAllowList, mcpCall, restCallBench];

/** Hand-written results of other runs (`npm run soak`), appended to the report as they are. */
const APPENDIX_PATH = join(root, 'bench/soak-results.md');

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const date = new Date().toISOString();
  const cpus = os.cpus();
  const runtimes: Runtime[] = [wardenRuntime(), extismInThreadRuntime(), extismWorkerRuntime(), rawRuntime()];
  const warden: WardenFigures = {};
  const tables: Table[] = [];
  try {
    for (const measure of MEASUREMENTS) tables.push(await measure(runtimes, warden));
  } finally {
    for (const rt of runtimes) await withTimeout(rt.shutdown(), 10_000, `${rt.id} shutdown`).catch((e) => anomalies.push(errText(e)));
  }
  const report: Report = {
    command: 'npm run bench',
    date,
    machine: {
      cpu: cpus[0]?.model ?? 'unknown CPU',
      cores: cpus.length,
      totalMemory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
      node: process.version,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverage: `${loadAtStart} at start, ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} at end`,
    },
    durationS: (performance.now() - started) / 1000,
    tables,
    targets: targets(warden),
    anomalies,
    appendix: existsSync(APPENDIX_PATH) ? readFileSync(APPENDIX_PATH, 'utf8') : undefined,
  };
  const docPath = join(root, 'docs/benchmarks.md');
  mkdirSync(dirname(docPath), { recursive: true });
  writeFileSync(docPath, renderMarkdown(report));
  console.log(renderConsole(report));
  console.log(`\nWrote ${docPath}`);
  // Everything is closed, so the process should exit by itself; if a handle leaked, say so.
  setTimeout(() => {
    console.error('bench: the process is still alive 10 s after finishing: a worker or handle was not closed');
    process.exit(1);
  }, 10_000).unref();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
