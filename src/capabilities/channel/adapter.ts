/**
 * What a channel is to the host: a named adapter the operator configured, which delivers a
 * plugin's message somewhere (a log, a webhook, a file, later a channel plugin). The plugin names
 * the channel; it never chooses where the channel leads.
 */
import type { Delegation } from '../../runtime/host-call-context.js';

/** One message a plugin sends. */
export interface ChannelMessage {
  /** The sending plugin's id (from the gate, never from the guest). */
  readonly plugin: string;
  /** The channel name the plugin used. */
  readonly channel: string;
  /** The message text (UTF-8, at most the host's `maxMessageBytes`). */
  readonly text: string;
}

/** Per-send options the host passes to an adapter. */
export interface ChannelSendOptions {
  /** Aborted when the plugin call's deadline passes or its instance dies. */
  readonly signal?: AbortSignal;
  /** The tool-delegation chain of the sending call, if it is part of one. */
  readonly delegation?: Delegation;
}

/**
 * Delivers messages of one channel. `send` resolves once the message is delivered; a rejection
 * is a delivery failure (the plugin gets a non-zero status, the host's `onChannelError` the error).
 *
 * @example
 * ```ts
 * const slack: ChannelAdapter = { async send({ plugin, text }) { await postToSlack(`[${plugin}] ${text}`) } };
 * capabilityFunctions({ plugin: id, effective, store, channels: { slack } });
 * ```
 */
export interface ChannelAdapter {
  send(message: ChannelMessage, options?: ChannelSendOptions): Promise<void>;
}

/**
 * A channel that hands every message to `log` (the operator's logger). A throwing logger is a
 * delivery failure.
 *
 * @example
 * ```ts
 * const channels = { ops: logChannel((m) => console.log(`[${m.plugin} → ${m.channel}] ${m.text}`)) };
 * ```
 */
export function logChannel(log: (message: ChannelMessage) => void | Promise<void>): ChannelAdapter {
  return {
    async send(message) {
      await log({ plugin: message.plugin, channel: message.channel, text: message.text });
    },
  };
}
