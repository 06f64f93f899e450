/**
 * How the CLI talks to a person: errors that read like advice on stderr, plugin text with
 * terminal control sequences neutralised (a plugin must not be able to rewrite the operator's
 * screen), colour only on a terminal.
 */
import { WardenError } from '../errors.js';
import { parseByteSize } from '../manifest/limits.js';

/** Replaces control characters (except tab and newline) with visible escapes. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function paint(stream: NodeJS.WriteStream, code: string, text: string): string {
  return stream.isTTY && !process.env['NO_COLOR'] ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** Prints a warning to stderr. */
export function warn(message: string): void {
  process.stderr.write(`${paint(process.stderr, '33', 'warning')}: ${sanitize(message)}\n`);
}

/** Writes a line to stdout (plugin-controlled text is sanitised). */
export function out(line = ''): void {
  process.stdout.write(`${sanitize(line)}\n`);
}

/** Writes a value as pretty JSON to stdout (JSON escapes control characters itself). */
export function outJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Bold/colour for stdout on a terminal only. */
export function style(code: 'bold' | 'red' | 'green' | 'yellow' | 'dim', text: string): string {
  const codes = { bold: '1', red: '31', green: '32', yellow: '33', dim: '2' } as const;
  return paint(process.stdout, codes[code], text);
}

/** A plain-text table: a header row, then rows, columns padded (colour-free widths). */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Prints an error to stderr; returns the exit code to use. */
export function reportError(e: unknown): number {
  const stderr = process.stderr;
  if (e instanceof WardenError) {
    stderr.write(`${paint(stderr, '31', `error [${e.code}]`)}: ${sanitize(e.message)}\n`);
    return e.code === 'INVALID_ARGUMENT' ? 2 : 1;
  }
  stderr.write(`${paint(stderr, '31', 'error')}: ${sanitize(e instanceof Error ? e.message : String(e))}\n`);
  return 1;
}

export class UsageError extends WardenError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** Reads a size flag such as `65536`, `512KiB` or `64MiB` (the manifest's units). */
export function parseSize(text: string, flag: string): number {
  const bytes = parseByteSize(text);
  if (bytes === undefined) throw new UsageError(`${flag} expects a size such as 65536, 512KiB or 64MiB, got "${text}"`);
  return bytes;
}
