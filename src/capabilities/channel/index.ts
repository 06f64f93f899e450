/**
 * The `channel: send` capability: a plugin sends a text message to a channel the operator named
 * and configured (`channels` option). The plugin chooses only the channel name and the text;
 * where a channel leads (a log, a webhook URL, a file) is the operator's. Sends go through the
 * gate, so they are audited when denied and rate-limited by the gate's `channel` limit.
 */
import { WardenError } from '../../errors.js';
import type { HostFunction } from '../../runtime/host-call-context.js';
import type { Gate } from '../gate.js';
import { tryGuestText } from '../guest-values.js';
import type { ChannelAdapter } from './adapter.js';

export { logChannel, type ChannelAdapter, type ChannelMessage, type ChannelSendOptions } from './adapter.js';
export { DEFAULT_JSONL_LINE_BYTES, jsonlChannel, type JsonlChannelOptions } from './jsonl.js';
export { DEFAULT_WEBHOOK_RESPONSE_BYTES, DEFAULT_WEBHOOK_TIMEOUT_MS, webhookChannel, type WebhookChannelOptions } from './webhook.js';

/** Options of {@link channelFunctions}. */
export interface ChannelFunctionsOptions {
  /** The plugin's gate; its `plugin` id is the message's sender. */
  gate: Gate;
  /** The operator's channels by name. @default none (every send is denied) */
  channels?: Readonly<Record<string, ChannelAdapter>>;
  /** Longest message in UTF-8 bytes; longer → `LIMIT_EXCEEDED`. @default 65536 */
  maxMessageBytes?: number;
  /** Told about each failed delivery (the plugin only gets status 1). @default ignore */
  onError?: (error: unknown, message: { plugin: string; channel: string }) => void;
}

/** Names of the channel host functions in `extism:host/user`. */
export const CHANNEL_FUNCTIONS = ['warden_channel_send'] as const;

/** Default {@link ChannelFunctionsOptions.maxMessageBytes}. */
export const DEFAULT_CHANNEL_MESSAGE_BYTES = 64 * 1024;

/** Status `warden_channel_send` returns. */
export const CHANNEL_STATUS = { ok: 0, failed: 1 } as const;

const NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The channel host functions.
 *
 * - `warden_channel_send(channel: i64, message: i64) -> i32` — 0 when the channel's adapter
 *   delivered the message, 1 when the delivery failed (the cause goes to `onError`, not to the
 *   plugin). Message 0 sends an empty text.
 *
 * Without `channel: send`, or for a channel name the operator did not configure, the call rejects
 * with the same `PERMISSION_DENIED` and is audited (reasons `capability not granted` and
 * `not covered by the grant`). Over the gate's `channel` rate limit → `LIMIT_EXCEEDED`; over
 * `maxMessageBytes` → `LIMIT_EXCEEDED` with `data.limit: 'maxMessageBytes'`.
 */
export function channelFunctions(options: ChannelFunctionsOptions): Record<(typeof CHANNEL_FUNCTIONS)[number], HostFunction> {
  const { gate } = options;
  const channels = new Map(Object.entries(options.channels ?? {}));
  const max = options.maxMessageBytes ?? DEFAULT_CHANNEL_MESSAGE_BYTES;

  return {
    async warden_channel_send(ctx, channelHandle, messageHandle) {
      const name = tryGuestText(ctx, channelHandle);
      const adapter = name === null ? undefined : channels.get(name);
      await gate.require('channel', `channel send ${shownName(name, adapter !== undefined)}`, () => adapter !== undefined);
      if (name === null || adapter === undefined) throw new WardenError('INVALID_MEMORY_ACCESS', 'warden_channel_send: the channel is not an allocated block');
      const bytes = messageHandle === 0n || messageHandle === 0 ? new Uint8Array(0) : ctx.read(messageHandle);
      if (bytes === null) throw new WardenError('INVALID_MEMORY_ACCESS', 'warden_channel_send: the message is not an allocated block');
      if (bytes.length > max) {
        throw new WardenError('LIMIT_EXCEEDED', `channel ${name}: the message is ${bytes.length} bytes, over the limit of ${max}`, {
          data: { limit: 'maxMessageBytes', max, actual: bytes.length },
        });
      }
      const text = decodeText(bytes);
      try {
        await adapter.send({ plugin: gate.plugin, channel: name, text }, { signal: ctx.signal, ...(ctx.call.delegation && { delegation: ctx.call.delegation }) });
        return CHANNEL_STATUS.ok;
      } catch (e) {
        try {
          options.onError?.(e, { plugin: gate.plugin, channel: name });
        } catch { /* the host's handler failing does not change the plugin's status */ }
        return CHANNEL_STATUS.failed;
      }
    },
  };
}

/** The channel name in an audit record: a configured name as is; anything else (guest text) described. */
function shownName(name: string | null, configured: boolean): string {
  if (name === null) return '(invalid handle)';
  if (configured && NAME.test(name)) return JSON.stringify(name);
  return `(unknown channel, ${name.length} characters)`;
}

function decodeText(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new WardenError('PLUGIN_ERROR', 'warden_channel_send: the message is not valid UTF-8');
  }
}
