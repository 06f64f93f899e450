/**
 * The JSON-lines channel: each message becomes one line `{"time","plugin","channel","text"}`
 * appended to a file the operator chose. Lines are written one at a time, in send order, so
 * concurrent sends never interleave.
 */
import { appendFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { WardenError } from '../../errors.js';
import type { ChannelAdapter } from './adapter.js';

/** Options of {@link jsonlChannel}. */
export interface JsonlChannelOptions {
  /** Absolute path of the file; created (mode 0600) when missing. */
  path: string;
  /** Longest line in bytes, newline included; a longer message is refused. @default 65536 */
  maxLineBytes?: number;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

/** Default {@link JsonlChannelOptions.maxLineBytes}. */
export const DEFAULT_JSONL_LINE_BYTES = 64 * 1024;

/**
 * A channel appending one JSON line per message to `path`. A line over `maxLineBytes` fails the
 * delivery with `LIMIT_EXCEEDED` and writes nothing.
 *
 * @example
 * ```ts
 * const channels = { events: jsonlChannel({ path: '/var/lib/warden/events.jsonl' }) };
 * ```
 */
export function jsonlChannel(options: JsonlChannelOptions): ChannelAdapter {
  const { path } = options;
  if (typeof path !== 'string' || !isAbsolute(path)) throw new WardenError('INVALID_ARGUMENT', 'jsonlChannel: path must be an absolute file path');
  const max = options.maxLineBytes ?? DEFAULT_JSONL_LINE_BYTES;
  if (!Number.isSafeInteger(max) || max < 2) throw new WardenError('INVALID_ARGUMENT', 'jsonlChannel: maxLineBytes must be an integer ≥ 2');
  const now = options.now ?? Date.now;
  let queue: Promise<unknown> = Promise.resolve();

  return {
    send({ plugin, channel, text }) {
      const line = `${JSON.stringify({ time: new Date(now()).toISOString(), plugin, channel, text })}\n`;
      const bytes = Buffer.byteLength(line);
      if (bytes > max) {
        return Promise.reject(new WardenError('LIMIT_EXCEEDED', `channel ${channel}: the line is ${bytes} bytes, over the limit of ${max}`, {
          data: { limit: 'maxLineBytes', max, actual: bytes },
        }));
      }
      const write = queue.then(() => appendFile(path, line, { encoding: 'utf8', mode: 0o600 }));
      queue = write.catch(() => undefined);
      return write;
    },
  };
}
