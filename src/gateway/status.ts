/**
 * The one place where error codes become HTTP statuses. Warden's own codes (see `ERROR_CODES`)
 * plus the few the gateway adds for HTTP-level refusals; a test checks every code is mapped.
 */
import { isWardenError, type ErrorCode } from '../errors.js';

/** Codes only the gateway raises: authentication, cross-site refusals, HTTP framing, bugs. */
export const GATEWAY_CODES = {
  UNAUTHENTICATED: 'no valid admin token or session was presented',
  FORBIDDEN: 'the request was refused for its Host, Origin, Sec-Fetch-Site or missing X-Warden-Request header',
  METHOD_NOT_ALLOWED: 'the path exists but not with this method',
  UNSUPPORTED_MEDIA_TYPE: 'the body has the wrong Content-Type for this route',
  INTERNAL: 'a bug in Warden; the details are in the server log, never in the response',
} as const;

/** Every code an API error body can carry. */
export type ApiCode = ErrorCode | keyof typeof GATEWAY_CODES;

/** The HTTP status of each code. Plugin failures during a tool call are 502: the gateway worked, the plugin did not. */
export const STATUS_OF: Readonly<Record<ApiCode, number>> = {
  INVALID_ARGUMENT: 400,
  MANIFEST_INVALID: 400,
  CONFIG_INVALID: 400,
  INVALID_WASM: 422,
  MODULE_TOO_LARGE: 413,
  HASH_MISMATCH: 422,
  LINK_ERROR: 422,
  INSTALL_REFUSED: 422,
  SIGNATURE_INVALID: 422,
  NOT_FOUND: 404,
  PERMISSION_DENIED: 403,
  INPUT_TOO_LARGE: 413,
  LIMIT_EXCEEDED: 429,
  TIMEOUT: 504,
  TRAP: 502,
  STACK_OVERFLOW: 502,
  MEMORY_LIMIT: 502,
  INVALID_MEMORY_ACCESS: 502,
  PLUGIN_ERROR: 502,
  PLUGIN_EXIT: 502,
  OUTPUT_TOO_LARGE: 502,
  HOST_FUNCTION_ERROR: 502,
  HTTP_ERROR: 502,
  WORKER_CRASHED: 502,
  BUSY: 503,
  CLOSED: 503,
  // nginx's "client closed request": the client went away (nobody reads this answer).
  CANCELLED: 499,
  STORAGE_ERROR: 503,
  VAULT_LOCKED: 503,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
};

/** An error the gateway answers with directly. */
export class ApiError extends Error {
  readonly code: ApiCode;
  /** Extra response headers (`WWW-Authenticate`, `Allow`). */
  readonly headers: Record<string, string>;

  constructor(code: ApiCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.headers = headers;
  }
}

/** The JSON error body of a response. */
export interface ErrorBody {
  error: { code: ApiCode; message: string; data?: Record<string, unknown> };
}

/** Status, headers and body for anything thrown by a handler; an unknown error is a bug, answered without details. */
export function errorResponse(e: unknown): { status: number; headers: Record<string, string>; body: ErrorBody; bug: boolean } {
  if (e instanceof ApiError) return { status: STATUS_OF[e.code], headers: e.headers, body: { error: { code: e.code, message: e.message } }, bug: false };
  if (isWardenError(e)) {
    const data = Object.keys(e.data).length > 0 ? { data: e.data } : {};
    return { status: STATUS_OF[e.code] ?? 500, headers: {}, body: { error: { code: e.code, message: e.message, ...data } }, bug: false };
  }
  return { status: 500, headers: {}, body: { error: { code: 'INTERNAL', message: 'internal error: see the server log' } }, bug: true };
}
