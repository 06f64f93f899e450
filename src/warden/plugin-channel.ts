/**
 * A channel implemented by a plugin: each message becomes a call of the plugin's tool with
 * `{"plugin","channel","text"}`, through the tool router, so the channel plugin runs with its own
 * grants, inside the sender's chain (no cycles, one deadline) and under the risk rule.
 */
import type { ChannelAdapter } from '../capabilities/channel/adapter.js';
import type { ToolDispatcher } from '../capabilities/tool.js';
import type { PluginChannel } from './options.js';

/** The adapter for `target`; `timeoutOf(sender)` is the sender's call deadline when it is not in a chain. */
export function pluginChannel(target: PluginChannel, router: ToolDispatcher, timeoutOf: (sender: string) => number): ChannelAdapter {
  return {
    async send(message, sendOptions) {
      const input = new TextEncoder().encode(JSON.stringify({ plugin: message.plugin, channel: message.channel, text: message.text }));
      const outer = sendOptions?.delegation;
      await router.call({
        caller: message.plugin,
        tool: `${target.plugin}.${target.tool ?? 'send'}`,
        input,
        chain: [...(outer?.chain ?? []), message.plugin],
        deadline: outer?.deadline ?? Date.now() + timeoutOf(message.plugin),
        signal: sendOptions?.signal ?? new AbortController().signal,
      });
    },
  };
}
