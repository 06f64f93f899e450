/**
 * Turns benchmark results into the stdout tables and docs/benchmarks.md.
 */
import { RUNTIMES, type RuntimeId } from './peers.js';

/** One row of a measurement table: a figure per runtime (missing = "n/a"). */
export interface Row {
  label: string;
  cells: Partial<Record<RuntimeId, string>>;
}

/** One measurement: a table with a column per runtime. */
export interface Table {
  title: string;
  /** How it was measured (markdown). */
  method: string;
  rows: Row[];
  /** Footnotes shown under the table. */
  notes: string[];
}

/** A design target, checked against Warden's figure. */
export interface Target {
  target: string;
  figure: string;
  /** null when it could not be measured. */
  met: boolean | null;
}

export interface Machine {
  cpu: string;
  cores: number;
  totalMemory: string;
  node: string;
  os: string;
  /** 1/5/15-minute load averages: other work on the machine skews every figure. */
  loadAverage: string;
}

export interface Report {
  command: string;
  date: string;
  machine: Machine;
  durationS: number;
  tables: Table[];
  targets: Target[];
  /** Things that went wrong or look odd, collected while running. */
  anomalies: string[];
  /** Markdown written by hand from other runs (bench/soak-results.md), appended as it is. */
  appendix?: string | undefined;
}

function cell(row: Row, id: RuntimeId): string {
  return (row.cells[id] ?? 'n/a').replace(/\|/g, '\\|');
}

function markdownTable(table: Table): string {
  const head = `| | ${RUNTIMES.map((r) => r.label).join(' | ')} |`;
  const rule = `|---|${RUNTIMES.map(() => '---:').join('|')}|`;
  const body = table.rows.map((row) => `| ${row.label} | ${RUNTIMES.map((r) => cell(row, r.id)).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

function status(met: boolean | null): string {
  return met === null ? 'not measured' : met ? 'met' : '**not met**';
}

/** The full markdown document. */
export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push('Warden measured side by side with the official Extism JS SDK (`@extism/extism` 2.0.0-rc13, in-thread and');
  out.push('in a worker) and with raw WebAssembly on the main thread (the floor: no isolation at all), in one process.');
  out.push('This file is written by the benchmark itself; rerun it to refresh the figures.');
  out.push('');
  out.push('```sh');
  out.push(report.command);
  out.push('```');
  out.push('');
  out.push(`- Date: ${report.date}`);
  out.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.totalMemory} RAM, ${m.os}`);
  out.push(`- Node: ${m.node}`);
  out.push(`- Load average (1/5/15 min): ${m.loadAverage}`);
  out.push(`- Wall time of the whole run: ${report.durationS.toFixed(0)} s`);
  out.push('');
  out.push('Sample counts are constants in `bench/sample-counts.ts`. Latencies are per call, measured around each');
  out.push('awaited call with `performance.now()`; percentiles are nearest-rank. "n/a" means the runtime has no such');
  out.push('feature or the figure would not mean anything for it.');
  out.push('');
  out.push('## Targets');
  out.push('');
  out.push('Warden against the targets in `DESIGN.md`.');
  out.push('');
  out.push('| Target | Warden | Status |');
  out.push('|---|---:|---|');
  for (const t of report.targets) out.push(`| ${t.target} | ${t.figure} | ${status(t.met)} |`);
  out.push('');
  report.tables.forEach((table, i) => {
    out.push(`## ${i + 1}. ${table.title}`);
    out.push('');
    out.push(table.method);
    out.push('');
    out.push(markdownTable(table));
    out.push('');
    for (const note of table.notes) out.push(`- ${note}`);
    if (table.notes.length) out.push('');
  });
  out.push('## Anomalies seen in this run');
  out.push('');
  if (report.anomalies.length === 0) out.push('None recorded.');
  for (const a of report.anomalies) out.push(`- ${a}`);
  out.push('');
  if (report.appendix?.trim()) {
    out.push(report.appendix.trim());
    out.push('');
  }
  return out.join('\n');
}

function pad(s: string, n: number, right: boolean): string {
  const len = [...s].length;
  return len >= n ? s : right ? ' '.repeat(n - len) + s : s + ' '.repeat(n - len);
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, i > 0)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A plain-text rendering for stdout. */
export function renderConsole(report: Report): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(`Warden benchmark — ${report.date} — ${m.cpu}, ${m.cores} cores, ${m.totalMemory}, Node ${m.node} — ${report.durationS.toFixed(0)} s — load avg ${m.loadAverage}`);
  report.tables.forEach((table, i) => {
    out.push('');
    out.push(`${i + 1}. ${table.title}`);
    out.push(textTable(['', ...RUNTIMES.map((r) => r.label)], table.rows.map((row) => [row.label, ...RUNTIMES.map((r) => row.cells[r.id] ?? 'n/a')])));
  });
  out.push('');
  out.push('Targets (Warden)');
  out.push(textTable(['target', 'figure', 'status'], report.targets.map((t) => [t.target, t.figure, status(t.met).replace(/\*/g, '')])));
  if (report.anomalies.length) {
    out.push('');
    out.push('Anomalies');
    for (const a of report.anomalies) out.push(`- ${a}`);
  }
  return out.join('\n');
}
