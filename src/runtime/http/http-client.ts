/**
 * Serves a plugin's `http_request` on the main thread: checks the URL against the allow-list,
 * checks every address it connects to (names are resolved inside the connection, so the address
 * checked is the address dialled — no rebinding window), follows redirects by hand so that every
 * hop is checked again, caps the decompressed body and stops at the call's deadline.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { ConnectionOptions } from 'node:tls';
import { Agent, fetch, type Response } from 'undici';
import { WardenError } from '../../errors.js';
import type { AddressPolicy } from './address-policy.js';
import { checkUrl } from './allow-list.js';
import type { HostPattern } from './host-pattern.js';

const MAX_REDIRECTS = 5;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface HttpPolicy {
  allow: HostPattern[];
  addresses: AddressPolicy;
  /** Connection pool of this plugin; its lookup enforces `addresses`. */
  agent: Agent;
  maxResponseBytes: number;
  plugin: string;
  /** Told about every refused request (for the audit log); must not throw. */
  onDenied?: (event: DeniedEvent) => void;
}

/** A refused use of a capability, reported so that it can be audited. */
export interface DeniedEvent {
  capability: string;
  detail: string;
  reason: string;
}

/** Marks a connection refused by the address policy, to tell it from a network failure. */
class AddressDenied extends Error {}

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A connection pool whose name resolution refuses every address `addresses` does not allow.
 * `tls.ca` replaces Node's bundled root certificates (a private CA; tests use a self-signed one).
 */
export function createHttpAgent(addresses: AddressPolicy, tls: Pick<ConnectionOptions, 'ca'> = {}): Agent {
  const lookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, found) => {
      if (err) return callback(err, []);
      const allowed = found.filter((a) => addresses.check(a.address) === undefined);
      if (allowed.length === 0) {
        const reason = found.length > 0 ? addresses.check(found[0]!.address)! : 'no address';
        return callback(new AddressDenied(`${hostname} resolves only to refused addresses: ${reason}`), []);
      }
      if (options.all) callback(null, allowed);
      else callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  return new Agent({ connect: { ...tls, lookup: lookup as never } });
}

/** The refusal of an agent made by {@link createHttpAgent} somewhere in `e`'s cause chain, if that is why it failed. */
export function addressRefusal(e: unknown): Error | undefined {
  for (let c = e, depth = 0; c !== undefined && c !== null && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    if (c instanceof AddressDenied) return c;
  }
  return undefined;
}

function denied(policy: HttpPolicy, url: string, reason: string): WardenError {
  const { plugin } = policy;
  try {
    policy.onDenied?.({ capability: 'network', detail: url, reason });
  } catch {
    // An audit sink that fails must not turn a denial into something else.
  }
  return new WardenError('PERMISSION_DENIED', `plugin ${plugin} may not request ${url}: ${reason}`, {
    data: { capability: 'network', url, reason },
  });
}

function parseUrl(raw: string, base?: URL): URL | undefined {
  try {
    return new URL(raw, base);
  } catch {
    return undefined;
  }
}

/** Validates the guest's request JSON; throws PLUGIN_ERROR naming what is wrong. */
export function parseRequest(value: unknown): HttpRequest {
  if (typeof value !== 'object' || value === null) throw new WardenError('PLUGIN_ERROR', 'http_request: the request must be a JSON object');
  const r = value as Record<string, unknown>;
  if (typeof r['url'] !== 'string') throw new WardenError('PLUGIN_ERROR', 'http_request: "url" must be a string');
  const method = (typeof r['method'] === 'string' ? r['method'] : 'GET').toUpperCase();
  if (!METHODS.has(method)) throw new WardenError('PLUGIN_ERROR', `http_request: method ${method} is not supported`);
  const headers: Record<string, string> = {};
  const raw = r['headers'] ?? r['header'];
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object') throw new WardenError('PLUGIN_ERROR', 'http_request: "headers" must be an object');
    for (const [k, v] of Object.entries(raw)) headers[k] = String(v);
  }
  return { url: r['url'], method, headers };
}

async function readCapped(response: Response, max: number, plugin: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > max) {
        await response.body.cancel().catch(() => undefined);
        throw new WardenError('LIMIT_EXCEEDED', `plugin ${plugin}: HTTP response body exceeds the cap of ${max} bytes`, {
          data: { limit: 'httpResponseMaxBytes', cap: max },
        });
      }
      chunks.push(chunk);
    }
  }
  const body = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    body.set(c, o);
    o += c.length;
  }
  return body;
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

function withoutCredentials(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!headers) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.has(k.toLowerCase())));
}

/** Performs the request under `policy`, aborting when `signal` fires. */
export async function performRequest(req: HttpRequest, body: Uint8Array | null, policy: HttpPolicy, signal: AbortSignal): Promise<HttpResponse> {
  let url = parseUrl(req.url);
  if (!url) throw denied(policy, req.url, 'not a valid absolute URL');
  let method = req.method ?? 'GET';
  let payload = method === 'GET' || method === 'HEAD' ? null : body;
  let headers = req.headers;
  for (let hop = 0; ; hop++) {
    // An IP-literal URL passes only when an entry names that exact address: the operator chose
    // it. Names are resolved inside the connection, where `policy.addresses` is enforced.
    const reason = checkUrl(url, policy.allow);
    if (reason) throw denied(policy, url.href, hop === 0 ? reason : `redirect refused: ${reason}`);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: payload,
        redirect: 'manual',
        signal,
        dispatcher: policy.agent,
      });
    } catch (e) {
      if (signal.aborted) throw new WardenError('TIMEOUT', `plugin ${policy.plugin}: HTTP request to ${url.host} ran past the call deadline`);
      const refusal = addressRefusal(e);
      if (refusal) throw denied(policy, url.href, `${hop === 0 ? '' : 'redirect refused: '}${refusal.message}`);
      // The cause's code (ECONNREFUSED, ERR_SSL_…) says what happened without internal paths.
      const cause = (e as Error).cause as { code?: string; message?: string } | undefined;
      throw new WardenError('HTTP_ERROR', `plugin ${policy.plugin}: HTTP request to ${url.host} failed: ${cause?.code ?? (e as Error).message}`, {
        data: { url: url.href, cause: cause?.code },
      });
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw new WardenError('HTTP_ERROR', `plugin ${policy.plugin}: more than ${MAX_REDIRECTS} redirects`);
      const next = parseUrl(location, url);
      if (!next) throw denied(policy, location, 'redirect to an invalid URL');
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        payload = null;
      }
      // Credentials never follow a redirect to another origin.
      if (next.origin !== url.origin) headers = withoutCredentials(headers);
      url = next;
      continue;
    }
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: await readCapped(response, policy.maxResponseBytes, policy.plugin),
    };
  }
}
