// Sending messages through a channel the operator configured (capability `channel: send`).
// The plugin names the channel and the text; where it goes is the operator's choice.
import * as host from "./host";
import { allocString, release } from "./memory";

/**
 * Sends `text` to `channel`: true when the channel delivered it, false when the delivery failed.
 * An unknown channel, a missing grant or a rate limit fails the call.
 */
export function channelSend(channel: string, text: string): bool {
  const c = allocString(channel);
  const t = allocString(text);
  const status = host.warden_channel_send(c, t);
  release(t);
  release(c);
  return status == 0;
}
