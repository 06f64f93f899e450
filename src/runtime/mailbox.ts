/**
 * JSON through the control block's mailbox, for the rare messages that are not numbers: errors,
 * log batches, host-function failures. Both threads use these two functions.
 */
import { Ctl, MAILBOX_BYTES, MAILBOX_OFFSET } from './protocol.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes `value` as JSON; throws RangeError when it does not fit (callers trim first). */
export function writeMailbox(control: SharedArrayBuffer, value: unknown): void {
  const bytes = encoder.encode(JSON.stringify(value));
  if (bytes.length > MAILBOX_BYTES) throw new RangeError(`mailbox overflow (${bytes.length} bytes)`);
  new Uint8Array(control, MAILBOX_OFFSET, MAILBOX_BYTES).set(bytes);
  new Int32Array(control)[Ctl.MailboxLength] = bytes.length;
}

/** Reads and clears the mailbox; undefined when empty. */
export function takeMailbox<T>(control: SharedArrayBuffer): T | undefined {
  const ctl = new Int32Array(control);
  const n = ctl[Ctl.MailboxLength]!;
  if (n === 0) return undefined;
  ctl[Ctl.MailboxLength] = 0;
  return JSON.parse(decoder.decode(new Uint8Array(control, MAILBOX_OFFSET, n).slice())) as T;
}

/** Cuts a message so that a JSON document holding it fits the mailbox with room to spare. */
export function clip(text: string, max = 8 * 1024): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
