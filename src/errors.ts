/**
 * Warden's one error class. Callers branch on `code`, never on message text. Every code is
 * listed in `docs/errors.md`; a test keeps the two in step.
 */

/** Every error code Warden raises, with what it means. */
export const ERROR_CODES = {
  INVALID_ARGUMENT: 'an option or argument passed to the API is malformed',
  INVALID_WASM: 'the bytes are not a valid WebAssembly module',
  MANIFEST_INVALID: 'the plugin manifest is malformed or fails validation',
  CONFIG_INVALID: 'the Warden config file is malformed or fails validation',
  MODULE_TOO_LARGE: 'the module exceeds a size or complexity cap',
  HASH_MISMATCH: 'the sha256 of the module bytes differs from the expected one',
  LINK_ERROR: 'the module imports something no one provides, or with the wrong type',
  NOT_FOUND: 'the function, plugin or file does not exist',
  TIMEOUT: 'the call ran past its deadline and the instance was terminated',
  TRAP: 'the guest trapped (unreachable, out-of-bounds access, division by zero, ...)',
  STACK_OVERFLOW: 'the guest recursed past the stack limit',
  MEMORY_LIMIT: 'the guest or its worker ran out of its memory allowance',
  INVALID_MEMORY_ACCESS: 'the guest passed an out-of-range handle to a kernel function',
  PLUGIN_ERROR: 'the plugin reported an error (error_set or a non-zero return code)',
  PLUGIN_EXIT: 'the plugin called WASI proc_exit with a non-zero code',
  INPUT_TOO_LARGE: 'the call input exceeds the input cap',
  OUTPUT_TOO_LARGE: 'the plugin output exceeds the output cap',
  LIMIT_EXCEEDED: 'a per-call or per-plugin cap was exceeded (vars, logs, host calls, HTTP body)',
  HOST_FUNCTION_ERROR: 'a host function provided by the application threw',
  PERMISSION_DENIED: 'the plugin asked for something it was not granted',
  HTTP_ERROR: 'an allowed HTTP request failed (connection, deadline, protocol)',
  BUSY: 'every instance is busy and the wait queue is full',
  CLOSED: 'the plugin or host was closed',
  CANCELLED: 'the caller cancelled the call (its AbortSignal fired); a running instance was terminated',
  WORKER_CRASHED: 'the worker running the instance died unexpectedly',
  STORAGE_ERROR: 'the state store failed (disk full, corrupt database, locked file)',
  VAULT_LOCKED: 'the vault key is missing or does not decrypt the vault',
  INSTALL_REFUSED: 'the plugin or its package failed the install checks (scan, archive safety, size caps)',
  SIGNATURE_INVALID: 'the plugin signature is missing where required, malformed, untrusted or does not match',
} as const;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Options for {@link WardenError}. */
export interface WardenErrorOptions {
  /** Structured details, safe to show to an operator (never secrets). */
  data?: Record<string, unknown>;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error every Warden API rejects with.
 *
 * @example
 * ```ts
 * try { await plugin.call('run', input) }
 * catch (e) { if (e instanceof WardenError && e.code === 'TIMEOUT') retryLater() }
 * ```
 */
export class WardenError extends Error {
  /** Stable machine-readable code; see {@link ERROR_CODES}. */
  readonly code: ErrorCode;
  /** Structured details. */
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: WardenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WardenError';
    this.code = code;
    this.data = options.data ?? {};
  }

  /** A plain object that crosses a worker boundary or goes into a JSON response. */
  toJSON(): SerializedError {
    return { code: this.code, message: this.message, data: this.data };
  }

  /** Rebuilds an error sent across a thread boundary with {@link WardenError.toJSON}. */
  static fromJSON(e: SerializedError): WardenError {
    return new WardenError(e.code, e.message, { data: e.data });
  }
}

/** The wire form of a {@link WardenError}. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  data: Record<string, unknown>;
}

/** True when `e` is a {@link WardenError}, optionally with the given code. */
export function isWardenError(e: unknown, code?: ErrorCode): e is WardenError {
  return e instanceof WardenError && (code === undefined || e.code === code);
}
