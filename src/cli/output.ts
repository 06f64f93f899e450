/**
 * How the CLI talks to a person: errors that read like advice on stderr, plugin text with
 * terminal control sequences neutralised (a plugin must not be able to rewrite the operator's
 * screen), colour only on a terminal.
 */
import { WardenError } from '../errors.js';

/** Replaces control characters (except tab and newline) with visible escapes. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function paint(stream: NodeJS.WriteStream, code: string, text: string): string {
  return stream.isTTY && !process.env['NO_COLOR'] ? `\u001b[${code}m${text}\u001b[0m` : text;
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

/** Parses sizes such as `65536`, `64KiB`, `64MiB`, `1GiB` (also KB/MB/GB as powers of 1024). */
export function parseSize(text: string, flag: string): number {
  const m = /^(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`${flag} expects a size such as 65536, 512KiB or 64MiB, got "${text}"`);
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const scale = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit] ?? 1;
  return Number(m[1]) * scale;
}
