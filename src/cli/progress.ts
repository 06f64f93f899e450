/**
 * A one-line progress bar for downloads, redrawn in place on a terminal. On anything else (a
 * pipe, a log file, CI) it writes nothing at all, so what the CLI prints stays parseable.
 */
import { sanitize } from './output.js';

/** What the bar writes to: `process.stderr` in the CLI, a fake stream in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  /** Terminal width; the line is cut to fit. */
  columns?: number;
  write(chunk: string): unknown;
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Text before the bar. @default "downloading" */
  label?: string;
  /** Least time between two redraws, in ms (the last state is always drawn). @default 100 */
  intervalMs?: number;
  /** The clock, for tests. @default performance.now */
  now?: () => number;
}

/** A progress bar: pass `onProgress` to `downloadPlugin`, call `done()` when it settles. */
export interface ProgressBar {
  onProgress(received: number, total: number | undefined): void;
  /** Draws the last state and ends the line; call it on failure too. Idempotent. */
  done(): void;
}

const WIDTH = 20;

/** `512 B`, `1.5 KiB`, `12.3 MiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The text of one state of the bar (without the carriage return). */
export function progressLine(label: string, received: number, total: number | undefined): string {
  if (total === undefined) return `${label} ${formatBytes(received)}`;
  const ratio = total === 0 ? 1 : Math.min(1, received / total);
  const filled = Math.round(ratio * WIDTH);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${percent} ${formatBytes(received)} / ${formatBytes(total)}`;
}

/**
 * A bar that redraws one line of `stream` with the bytes received, the total and the percentage
 * (only the byte count when the total is unknown), at most every `intervalMs`. Writes nothing
 * when `stream.isTTY` is not true.
 *
 * @example
 * const bar = createProgressBar(process.stderr);
 * try { file = await downloadPlugin(url, dir, { onProgress: bar.onProgress }); } finally { bar.done(); }
 */
export function createProgressBar(stream: ProgressStream, options: ProgressBarOptions = {}): ProgressBar {
  const label = sanitize(options.label ?? 'downloading');
  const interval = options.intervalMs ?? 100;
  const now = options.now ?? (() => performance.now());
  let last: [number, number | undefined] | undefined;
  let drawnAt = Number.NEGATIVE_INFINITY;
  let drawn: string | undefined;
  let finished = false;
  const draw = (): void => {
    const line = progressLine(label, ...last!).slice(0, Math.max(10, (stream.columns ?? 80) - 1));
    if (line === drawn) return;
    stream.write(`\r${line}\u001b[K`);
    drawn = line;
    drawnAt = now();
  };
  return {
    onProgress(received, total) {
      if (finished || stream.isTTY !== true) return;
      last = [received, total];
      if (now() - drawnAt >= interval || received === total) draw();
    },
    done() {
      if (finished) return;
      finished = true;
      if (last === undefined) return;
      draw();
      stream.write('\n');
    },
  };
}
