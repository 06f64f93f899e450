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
