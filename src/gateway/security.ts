/**
 * The browser-facing defences: security headers and a strict CSP on every response (written
 * with its head, see SecureResponse); and, before routing, the Host header checked against an
 * allow-list (DNS rebinding), cross-site requests refused by Origin and Sec-Fetch-Site, and a
 * custom header required on state-changing calls made with the session cookie (a form or
 * `text/plain` post cannot set it).
 */
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import type { Principal } from './router.js';
import { ApiError } from './status.js';

/** Hosts allowed by default: loopback names only. */
export const DEFAULT_ALLOWED_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;
/** The header a cookie-authenticated state-changing request must carry, with value `1`. */
export const CSRF_HEADER = 'x-warden-request';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
});
/** `/api` and `/healthz` answers are never cached. */
const API_HEADERS: Readonly<Record<string, string>> = Object.freeze({ ...PAGE_HEADERS, 'cache-control': 'no-store' });

/** The headers every response to `url` carries unless it sets its own value. */
export function securityHeaders(url: string): Readonly<Record<string, string>> {
  return url.startsWith('/api') || url.startsWith('/healthz') ? API_HEADERS : PAGE_HEADERS;
}

/**
 * The gateway's responses: whoever writes the head (a route, the error handler, the MCP
 * transport, Node itself for an implicit head), the security headers go with it. They are merged
 * into the one header object passed to `writeHead`: setting them one by one costs ~10 µs a
 * request, a tenth of a REST call's budget. A value the response already set wins.
 */
export class SecureResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  override writeHead(statusCode: number, reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    let given = headers;
    if (typeof reason !== 'string') {
      given = reason;
      reason = undefined;
    }
    const merged = this.#withSecurity(given);
    return reason === undefined ? super.writeHead(statusCode, merged) : super.writeHead(statusCode, reason, merged);
  }

  #withSecurity(given: OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined): OutgoingHttpHeaders | OutgoingHttpHeader[] {
    const security = securityHeaders(this.req.url ?? '');
    if (Array.isArray(given)) {
      // Raw pairs come flat ([name, value, name, value…]) or as [name, value] arrays.
      const names = Array.isArray(given[0]) ? given.map((pair) => (pair as string[])[0]) : given.filter((_, i) => i % 2 === 0);
      const named = new Set(names.map((name) => String(name).toLowerCase()));
      for (const name in security) if (!named.has(name) && !this.hasHeader(name)) this.setHeader(name, security[name]!);
      return given;
    }
    const merged: OutgoingHttpHeaders = {};
    for (const name in security) if (!this.hasHeader(name)) merged[name] = security[name];
    for (const name in given) merged[name.toLowerCase()] = given[name];
    return merged;
  }
}

const HOST_HEADER = /^[A-Za-z0-9.:[\]-]{1,255}$/;

/**
 * The Host allow-list. Refuses a missing, malformed or unlisted Host header. Header values
 * already accepted (a handful: `localhost:7777`, `127.0.0.1:7777`…) are remembered, so the usual
 * request is checked with one lookup.
 */
export class HostCheck {
  readonly #allowed: readonly string[];
  readonly #accepted = new Set<string>();

  constructor(allowedHosts: readonly string[]) {
    this.#allowed = allowedHosts;
  }

  check(req: IncomingMessage): void {
    const host = req.headers.host;
    if (host !== undefined && this.#accepted.has(host)) return;
    if (!host || !HOST_HEADER.test(host)) throw new ApiError('FORBIDDEN', 'missing or malformed Host header');
    let hostname: string;
    try {
      hostname = new URL(`http://${host}`).hostname.toLowerCase();
    } catch {
      throw new ApiError('FORBIDDEN', 'malformed Host header');
    }
    if (!this.#allowed.includes(hostname)) throw new ApiError('FORBIDDEN', `Host ${hostname} is not allowed (start warden serve with --allow-host ${hostname} to allow it)`);
    if (this.#accepted.size < 64) this.#accepted.add(host);
  }
}

/**
 * Refuses a request a browser sent from another site: an Origin that is neither this server's
 * own (`http://<Host>`) nor listed, or a Sec-Fetch-Site other than same-origin / none.
 */
export function checkSameSite(req: IncomingMessage, allowedOrigins: readonly string[]): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new ApiError('FORBIDDEN', `cross-site request refused (Sec-Fetch-Site: ${site})`);
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (origin !== `http://${req.headers.host}` && !allowedOrigins.includes(origin)) throw new ApiError('FORBIDDEN', 'cross-site request refused (Origin is not this server)');
}

/** A state-changing call authenticated by the cookie must carry `X-Warden-Request: 1`. */
export function checkCsrfHeader(req: IncomingMessage, principal: Principal | undefined): void {
  if (principal !== 'cookie' || req.method === 'GET' || req.method === 'HEAD') return;
  if (req.headers[CSRF_HEADER] !== '1') throw new ApiError('FORBIDDEN', `a state-changing request with the session cookie needs the header X-Warden-Request: 1`);
}
