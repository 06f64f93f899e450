/**
 * What the worker remembers about the call in progress: the first fatal error (a guest that
 * catches a host exception must still fail), the log budget, and the last HTTP response's status
 * and headers.
 */
import type { ErrorCode, SerializedError } from '../../errors.js';
import { clip } from '../mailbox.js';
import type { LogLevel } from '../protocol.js';

/** Thrown into the guest to unwind it; the real error is in {@link CallState.failure}. */
export class HostAbort extends Error {}

export class CallState {
  failure: SerializedError | null = null;
  /** Bytes of log text kept in this call. */
  logBytes = 0;
  droppedLogBytes = 0;
  httpStatus = 0;
  httpHeaders = 0n;

  /**
   * @param emit delivers one log line to the main thread.
   */
  constructor(
    readonly maxLogBytes: number,
    private readonly emit: (level: LogLevel, message: string) => void,
  ) {}

  reset(): void {
    this.failure = null;
    this.logBytes = 0;
    this.droppedLogBytes = 0;
    this.httpStatus = 0;
    this.httpHeaders = 0n;
  }

  /** Records the first failure and returns the exception that unwinds the guest. */
  fail(code: ErrorCode, message: string, data: Record<string, unknown> = {}): HostAbort {
    this.failure ??= { code, message: clip(message), data };
    return new HostAbort(message);
  }

  /** Whether `bytes` more of log text fit this call's budget; counts them as dropped if not. */
  admit(bytes: number): boolean {
    if (this.logBytes + bytes <= this.maxLogBytes) return true;
    this.droppedLogBytes += bytes;
    return false;
  }

  /** Emits a log line of `bytes` UTF-8 bytes unless the per-call budget is spent. */
  log(level: LogLevel, message: string, bytes: number): void {
    if (!this.admit(bytes)) return;
    this.logBytes += bytes;
    this.emit(level, clip(message, 4096));
  }

  /** At the end of a call: one warning that says how much was dropped. */
  finish(): void {
    if (this.droppedLogBytes === 0) return;
    this.emit('warn', `log limit of ${this.maxLogBytes} bytes per call reached; ${this.droppedLogBytes} bytes dropped`);
    this.droppedLogBytes = 0;
  }
}
