// The REST API as the UI uses it: the session cookie (same origin), JSON in and out, and the
// X-Warden-Request header the server requires on state-changing calls made with the cookie.

/** An error answered by the API: `code` is the Warden or gateway error code. */
export class ApiError extends Error {
  constructor(status, code, message, data) {
    super(message);
    this.status = status;
    this.code = code;
    this.data = data;
  }
}

/**
 * Calls `path` with `method`. `body` is sent as JSON unless it is an ArrayBuffer / Blob (sent as
 * application/octet-stream). Resolves to the parsed answer; rejects with an ApiError.
 */
export async function api(method, path, body, headers = {}) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json', ...headers } };
  if (method !== 'GET' && method !== 'HEAD') init.headers['x-warden-request'] = '1';
  if (body instanceof ArrayBuffer || body instanceof Blob) {
    init.headers['content-type'] = 'application/octet-stream';
    init.body = body;
  } else if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'NETWORK', String(e?.message ?? e));
  }
  const text = await res.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = parsed?.error ?? {};
    throw new ApiError(res.status, err.code ?? `HTTP_${res.status}`, err.message ?? res.statusText, err.data);
  }
  return parsed;
}

/** Encodes one path segment (plugin id, tool name). */
export const seg = (s) => encodeURIComponent(s);
