/**
 * What the worker remembers about the call in progress: the first fatal error (a guest that
 * catches a host exception must still fail), the buffered log lines and their byte budget, and
 * the last HTTP response's status and headers.
 */
import type { ErrorCode, SerializedError } from '../../errors.js';
import { clip } from '../mailbox.js';
import type { LogLevel, LogRecord } from '../protocol.js';

/** Thrown into the guest to unwind it; the real error is in {@link CallState.failure}. */
export class HostAbort extends Error {}

export class CallState {
  failure: SerializedError | null = null;
  logs: LogRecord[] = [];
  /** Bytes of log text kept in this call. */
  logBytes = 0;
  /** Bytes of log text buffered since the last flush. */
  bufferedBytes = 0;
  droppedLogBytes = 0;
  httpStatus = 0;
  httpHeaders = 0n;

  constructor(readonly maxLogBytes: number) {}

  reset(): void {
    this.failure = null;
    this.logs = [];
    this.logBytes = 0;
    this.bufferedBytes = 0;
    this.droppedLogBytes = 0;
    this.httpStatus = 0;
    this.httpHeaders = 0n;
  }

  /** Records the first failure and returns the exception that unwinds the guest. */
  fail(code: ErrorCode, message: string, data: Record<string, unknown> = {}): HostAbort {
    this.failure ??= { code, message: clip(message), data };
    return new HostAbort(message);
  }

  /** Keeps a log line unless the per-call budget is spent; then counts what was dropped. */
  log(level: LogLevel, message: string): void {
    if (this.logBytes + message.length > this.maxLogBytes) {
      this.droppedLogBytes += message.length;
      return;
    }
    const text = clip(message, 4096);
    this.logBytes += message.length;
    this.bufferedBytes += text.length;
    this.logs.push({ level, message: text });
  }

  /** The buffered lines, with a note about dropped bytes at the end of the call. */
  takeLogs(final: boolean): LogRecord[] {
    const logs = this.logs;
    if (final && this.droppedLogBytes > 0) {
      logs.push({
        level: 'warn',
        message: `log limit of ${this.maxLogBytes} bytes per call reached; ${this.droppedLogBytes} bytes dropped`,
      });
      this.droppedLogBytes = 0;
    }
    this.logs = [];
    this.bufferedBytes = 0;
    return logs;
  }
}
