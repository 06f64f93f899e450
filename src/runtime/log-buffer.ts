/**
 * Plugin log lines cross to the main thread through a region of the control block, appended as
 * the guest logs: [level u8][length u32][UTF-8 bytes]. The worker commits each record by
 * publishing the new length with Atomics.store, so whatever the main thread reads up to that
 * length is whole — also after the worker was killed mid-call, when the logs matter most.
 */
import { Ctl, LOG_BYTES, LOG_LEVELS, LOG_OFFSET, type LogLevel, type LogRecord } from './protocol.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEADER = 5;

/** Worker side: appends one record; false when the region has no room (drain, then retry). */
export function appendLog(control: SharedArrayBuffer, level: LogLevel, message: string): boolean {
  const ctl = new Int32Array(control);
  const used = ctl[Ctl.LogLength]!;
  const region = new Uint8Array(control, LOG_OFFSET, LOG_BYTES);
  const room = LOG_BYTES - used - HEADER;
  if (room <= 0) return false;
  const { read, written } = encoder.encodeInto(message, region.subarray(used + HEADER));
  if (read !== message.length) return used === 0 ? appendLog(control, level, message.slice(0, read ?? 0)) : false;
  region[used] = LOG_LEVELS.indexOf(level);
  new DataView(control, LOG_OFFSET + used + 1, 4).setUint32(0, written!, true);
  Atomics.store(ctl, Ctl.LogLength, used + HEADER + written!);
  return true;
}

/** Main side: every committed record, emptying the region. */
export function drainLogs(control: SharedArrayBuffer): LogRecord[] {
  const ctl = new Int32Array(control);
  const length = Atomics.load(ctl, Ctl.LogLength);
  if (length === 0) return [];
  const region = new Uint8Array(control, LOG_OFFSET, LOG_BYTES);
  const view = new DataView(control, LOG_OFFSET, LOG_BYTES);
  const records: LogRecord[] = [];
  for (let at = 0; at + HEADER <= length;) {
    const level = LOG_LEVELS[region[at]!] ?? 'info';
    const n = view.getUint32(at + 1, true);
    records.push({ level, message: decoder.decode(region.slice(at + HEADER, at + HEADER + n)) });
    at += HEADER + n;
  }
  Atomics.store(ctl, Ctl.LogLength, 0);
  return records;
}
