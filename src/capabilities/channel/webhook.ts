/**
 * The webhook channel: each message is POSTed as JSON to a URL the operator configured. The
 * plugin never chooses or sees the URL, the headers or the response; it learns only whether the
 * delivery succeeded. Redirects are refused (they would let the receiver send the message on),
 * every request has a deadline, and at most `maxResponseBytes` of the answer are read.
 */
import { fetch, type Dispatcher, type Response } from 'undici';
import { WardenError } from '../../errors.js';
import type { ChannelAdapter } from './adapter.js';

/** Options of {@link webhookChannel}. */
export interface WebhookChannelOptions {
  /** The `http:` or `https:` URL to POST to. */
  url: string | URL;
  /** Extra request headers (e.g. an authorization token); never shown to the plugin. */
  headers?: Record<string, string>;
  /** Deadline of one delivery, response included. @default 5000 */
  timeoutMs?: number;
  /** Response bytes read at most (the rest is discarded). @default 65536 */
  maxResponseBytes?: number;
  /** An undici dispatcher (proxy, connection limits). @default undici's global one */
  dispatcher?: Dispatcher;
}

/** Default {@link WebhookChannelOptions.timeoutMs}. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;
/** Default {@link WebhookChannelOptions.maxResponseBytes}. */
export const DEFAULT_WEBHOOK_RESPONSE_BYTES = 64 * 1024;

/**
 * A channel POSTing `{"plugin","channel","text"}` (`content-type: application/json`) to `url`.
 * A delivery fails with `TIMEOUT` past the deadline (or when the plugin call is aborted), with
 * `HTTP_ERROR` on a network error or a status outside 200–299 (redirects included).
 *
 * @example
 * ```ts
 * const channels = { alerts: webhookChannel({ url: 'https://hooks.example.com/warden', timeoutMs: 3000 }) };
 * ```
 */
export function webhookChannel(options: WebhookChannelOptions): ChannelAdapter {
  const url = parseUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_WEBHOOK_RESPONSE_BYTES;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new WardenError('INVALID_ARGUMENT', 'webhookChannel: timeoutMs must be a positive number');
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 0) throw new WardenError('INVALID_ARGUMENT', 'webhookChannel: maxResponseBytes must be an integer ≥ 0');
  const headers = { ...options.headers, 'content-type': 'application/json' };

  return {
    async send({ plugin, channel, text }, sendOptions) {
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = sendOptions?.signal ? AbortSignal.any([deadline, sendOptions.signal]) : deadline;
      const where = `channel ${channel}: webhook`;
      try {
        const res = await fetch(url, {
          method: 'POST', headers, body: JSON.stringify({ plugin, channel, text }), redirect: 'manual', signal,
          ...(options.dispatcher && { dispatcher: options.dispatcher }),
        });
        await drain(res.body, maxResponseBytes);
        if (res.status < 200 || res.status > 299) {
          throw new WardenError('HTTP_ERROR', `${where} answered ${res.status}`, { data: { status: res.status } });
        }
      } catch (e) {
        if (e instanceof WardenError) throw e;
        if (signal.aborted) {
          throw new WardenError('TIMEOUT', deadline.aborted ? `${where} did not answer within ${timeoutMs} ms` : `${where}: the plugin call was aborted`, { cause: e });
        }
        throw new WardenError('HTTP_ERROR', `${where} failed: ${(e as Error).message}`, { cause: e });
      }
    },
  };
}

function parseUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new WardenError('INVALID_ARGUMENT', 'webhookChannel: url is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WardenError('INVALID_ARGUMENT', 'webhookChannel: url must be http: or https:');
  return url;
}

/** Reads and discards at most `max` bytes of a response body, then lets go of the rest. */
async function drain(body: Response['body'], max: number): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  let seen = 0;
  try {
    while (seen <= max) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += (value as Uint8Array).byteLength;
    }
    await reader.cancel();
  } finally {
    reader.releaseLock();
  }
}
