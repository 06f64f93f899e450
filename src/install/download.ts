/**
 * `warden plugin install https://…`: fetches the plugin file (a `.wasm` or an archive) into a
 * private folder before the usual pipeline reads, scans and commits it. The network rules are a
 * plugin's own: https only, every address checked where the connection is made (a name that
 * resolves to loopback, a private network or a metadata address is refused unless the operator
 * allowed that address), every redirect checked again, the body counted while it streams and one
 * deadline over everything. The server chooses nothing on disk: the file name comes from the
 * final URL, reduced to a safe alphabet.
 */
import { isIP } from 'node:net';
import { request, type Agent, type Dispatcher } from 'undici';
import { WardenError } from '../errors.js';
import { AddressPolicy } from '../runtime/http/address-policy.js';
import { addressRefusal, createHttpAgent } from '../runtime/http/http-client.js';
import { downloadFileName, FileSink, sniffedName } from './download-file.js';

export { downloadFileName } from './download-file.js';

const MiB = 1024 * 1024;

/** The defaults of {@link DownloadOptions}. */
export const DOWNLOAD_DEFAULTS = { maxBytes: 64 * MiB, timeoutMs: 60_000 } as const;

/** Redirects followed at most, as for a plugin's HTTP. */
export const MAX_DOWNLOAD_REDIRECTS = 5;

/** Bytes looked at to tell the kind of a file whose URL names none (a tar's magic sits at 257). */
const SNIFF_BYTES = 512;

/** Options of {@link downloadPlugin}; all optional. */
export interface DownloadOptions {
  /** Largest file accepted, in bytes, counted while it streams (a larger Content-Length is refused at once). @default 64 MiB */
  maxBytes?: number;
  /** One deadline over the whole download: name resolution, connections, redirects and body. @default 60000 */
  timeoutMs?: number;
  /** Loopback or private addresses (IPs or CIDRs) that may be reached anyway, as `allowedAddresses` for plugins. @default [] */
  allowedAddresses?: readonly string[];
  /** Told after every chunk written; `total` is the Content-Length when the server sent one. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Aborts the download; it then rejects with `signal.reason` and leaves no file. */
  signal?: AbortSignal;
  /**
   * PEM certificates of the CAs to trust instead of Node's bundled roots (a private CA). For an
   * embedding application and for tests; the CLI does not offer it.
   */
  ca?: string | Buffer | (string | Buffer)[];
}

interface Resolved {
  maxBytes: number;
  timeoutMs: number;
  addresses: AddressPolicy;
  onProgress: DownloadOptions['onProgress'];
}

/**
 * Downloads the plugin at `url` into `destDir` (an existing folder, private to the caller) and
 * returns the path of the file written: `destDir/<name>`, where the name is the final URL path's
 * last segment reduced to `[A-Za-z0-9._-]` when it ends in `.wasm`, `.zip`, `.tar.gz`, `.tgz` or
 * `.tar`, else `plugin.wasm` / `plugin.<archive>` after the file's first bytes, else `plugin.bin`.
 * The file is created exclusively with mode 0600; on any failure nothing is left behind.
 *
 * @throws WardenError `INVALID_ARGUMENT` (not an https URL, credentials in it, bad options, a file
 *   of that name already there), `PERMISSION_DENIED` (a refused address, or a redirect to one or off
 *   https), `HTTP_ERROR` (a non-2xx status in `data.status`, too many redirects, TLS or connection
 *   failure), `INSTALL_REFUSED` (over `maxBytes`), `TIMEOUT` (past `timeoutMs`), `STORAGE_ERROR`
 *   (the file could not be written). An aborted `signal` rejects with its reason.
 * @example
 * const file = await downloadPlugin('https://example.com/hello.wasm', staging, { onProgress: bar.onProgress });
 * const pkg = await readSource(file, staging);
 */
export async function downloadPlugin(url: string, destDir: string, options: DownloadOptions = {}): Promise<string> {
  const resolved = resolveDownloadOptions(options);
  let current = checkTarget(parseUrl(url), url, 'start');
  options.signal?.throwIfAborted();
  const deadline = new Deadline(resolved.timeoutMs, options.signal);
  const agent = createHttpAgent(resolved.addresses, options.ca === undefined ? {} : { ca: options.ca });
  try {
    for (let hop = 0; ; hop++) {
      const response = await send(current, hop, resolved.addresses, agent, deadline.signal);
      const next = redirectTarget(response, current, hop);
      if (next === undefined) return await save(response, current, destDir, resolved, deadline.signal);
      discard(response.body);
      current = next;
    }
  } finally {
    deadline.clear();
    await agent.destroy().catch(() => undefined);
  }
}

/**
 * True when an install source names a URL (`https://…`, and also `http:`, `file:`, `data:` so that
 * `downloadPlugin` refuses them with advice) rather than a path. A scheme has two letters or more,
 * so a Windows drive (`C:\plugins`) stays a path; `./name:with-colon.wasm` does too.
 */
export function isRemoteSource(source: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(source);
}

function resolveDownloadOptions(options: DownloadOptions): Resolved {
  const positive = (name: keyof typeof DOWNLOAD_DEFAULTS): number => {
    const value = options[name] ?? DOWNLOAD_DEFAULTS[name];
    if (!Number.isSafeInteger(value) || value <= 0) throw new WardenError('INVALID_ARGUMENT', `download option ${name} must be a positive integer, got ${String(value)}`);
    return value;
  };
  let addresses: AddressPolicy;
  try {
    addresses = new AddressPolicy(options.allowedAddresses ?? []);
  } catch (e) {
    throw new WardenError('INVALID_ARGUMENT', (e as Error).message);
  }
  return { maxBytes: positive('maxBytes'), timeoutMs: Math.min(positive('timeoutMs'), 2_147_483_647), addresses, onProgress: options.onProgress };
}

/** The overall deadline, and the caller's signal folded into one signal whose reason says which fired. */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #user: AbortSignal | undefined;
  readonly #onAbort = (): void => this.#controller.abort(this.#user?.reason);

  constructor(timeoutMs: number, user: AbortSignal | undefined) {
    this.#user = user;
    this.#timer = setTimeout(() => this.#controller.abort(new WardenError('TIMEOUT', `the download ran past its deadline of ${timeoutMs} ms: retry, or raise the timeout if the server is slow`, {
      data: { timeoutMs },
    })), timeoutMs);
    user?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#user?.removeEventListener('abort', this.#onAbort);
  }
}

function parseUrl(raw: string, base?: URL): URL | undefined {
  try {
    return new URL(raw, base);
  } catch {
    return undefined;
  }
}

/** The URL without its query and fragment, which may carry a signed token: what messages show. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}

/** Refuses what is not an https URL without credentials: the caller's mistake at the start, the server's in a redirect. */
function checkTarget(url: URL | undefined, raw: string, stage: 'start' | 'redirect'): URL {
  const problem = url === undefined ? 'is not a valid absolute URL'
    : url.protocol !== 'https:' ? `uses ${url.protocol.replace(/:$/, '')}, and plugins are only downloaded over https`
    : url.username !== '' || url.password !== '' ? 'carries credentials, which are never sent'
    : undefined;
  if (problem === undefined) return url!;
  const where = url === undefined ? JSON.stringify(raw.slice(0, 200)) : shown(url);
  if (stage === 'start') {
    throw new WardenError('INVALID_ARGUMENT', `${where} ${problem}: give an https:// URL, or download the file yourself and install it from its path`, { data: { url: where } });
  }
  throw new WardenError('PERMISSION_DENIED', `the download was redirected to ${where}, which ${problem}: refused; ask the publisher for a direct https link`, {
    data: { url: where, reason: problem },
  });
}

function refusedAddress(url: URL, reason: string, hop: number): WardenError {
  const via = hop === 0 ? '' : ' (reached through a redirect)';
  return new WardenError('PERMISSION_DENIED', `cannot download ${shown(url)}${via}: ${reason}. Add the address to allowed_addresses in the config (allowedAddresses) only if you trust it`, {
    data: { url: shown(url), reason, hop },
  });
}

/** One request; an IP-literal host is checked here because the agent's lookup never sees it. */
async function send(url: URL, hop: number, addresses: AddressPolicy, agent: Agent, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const reason = addresses.check(host);
    if (reason !== undefined) throw refusedAddress(url, reason, hop);
  }
  try {
    return await request(url, {
      dispatcher: agent,
      method: 'GET',
      // Identity: the bytes counted against the cap are the bytes written and installed.
      headers: { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'warden-plugin-install' },
      signal,
    });
  } catch (e) {
    throw failure(e, url, hop, signal);
  }
}

/** What a failed request or body read turns into: the deadline or the caller's abort first. */
function failure(e: unknown, url: URL, hop: number, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (e instanceof WardenError) return e;
  const refusal = addressRefusal(e);
  if (refusal) return refusedAddress(url, refusal.message, hop);
  const code = (e as { code?: unknown }).code ?? ((e as { cause?: { code?: unknown } }).cause?.code);
  const what = typeof code === 'string' ? code : (e as Error).message;
  const advice = /CERT|SSL|TLS/i.test(what) ? "the server's TLS certificate is not trusted; check the URL" : 'check the URL and that the server is reachable';
  return new WardenError('HTTP_ERROR', `cannot download ${shown(url)}: ${what}; ${advice}`, { data: { url: shown(url), cause: what }, cause: e });
}

/** Drops a body that will not be read (destroying it emits an error nobody needs to hear). */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Where a redirect response points (checked), or undefined when the response is not a redirect. */
function redirectTarget(response: Dispatcher.ResponseData, from: URL, hop: number): URL | undefined {
  const location = header(response.headers, 'location');
  if (response.statusCode < 300 || response.statusCode >= 400 || location === undefined) return undefined;
  if (hop >= MAX_DOWNLOAD_REDIRECTS) {
    discard(response.body);
    throw new WardenError('HTTP_ERROR', `the download of ${shown(from)} was redirected more than ${MAX_DOWNLOAD_REDIRECTS} times: use the final URL, or ask the publisher for a direct link`, {
      data: { url: shown(from), redirects: hop },
    });
  }
  try {
    return checkTarget(parseUrl(location, from), location, 'redirect');
  } catch (e) {
    discard(response.body);
    throw e;
  }
}

function tooLarge(url: URL, maxBytes: number, size: number, declared: boolean): WardenError {
  const reason = `${shown(url)} ${declared ? 'declares' : 'sent more than'} ${size} bytes, over the download cap of ${maxBytes}`;
  return new WardenError('INSTALL_REFUSED', `${reason}: raise the cap only for a publisher you trust`, {
    data: { reasons: [reason], limit: 'maxBytes', cap: maxBytes },
  });
}

/** Checks the final response and streams its body into the file, counting bytes. */
async function save(response: Dispatcher.ResponseData, url: URL, destDir: string, o: Resolved, signal: AbortSignal): Promise<string> {
  const { statusCode: status, headers, body } = response;
  const problem = status < 200 || status > 299 ? `the server answered ${status}` : undefined;
  const encoding = header(headers, 'content-encoding');
  const declared = Number(header(headers, 'content-length') ?? Number.NaN);
  const total = Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
  if (problem !== undefined || (encoding !== undefined && encoding.toLowerCase() !== 'identity') || (total ?? 0) > o.maxBytes) {
    discard(body);
    if (problem !== undefined) {
      throw new WardenError('HTTP_ERROR', `cannot download ${shown(url)}: ${problem}; check the URL`, { data: { url: shown(url), status } });
    }
    if (total !== undefined && total > o.maxBytes) throw tooLarge(url, o.maxBytes, total, true);
    throw new WardenError('HTTP_ERROR', `${shown(url)} was sent compressed (Content-Encoding: ${encoding}) although identity was asked: ask the publisher to serve the file as it is`, {
      data: { url: shown(url), contentEncoding: encoding },
    });
  }
  const named = downloadFileName(url.pathname);
  const sink = new FileSink(destDir);
  let received = 0;
  let held: Buffer[] = [];
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > o.maxBytes) throw tooLarge(url, o.maxBytes, o.maxBytes, false);
      held.push(chunk);
      if (named !== undefined || received >= SNIFF_BYTES) {
        await sink.write(held, () => named ?? sniffedName(Buffer.concat(held)));
        held = [];
      }
      o.onProgress?.(received, total);
    }
    if (received === 0) throw new WardenError('HTTP_ERROR', `${shown(url)} is empty: check the URL`, { data: { url: shown(url), status } });
    await sink.write(held, () => named ?? sniffedName(Buffer.concat(held)));
    return await sink.finish();
  } catch (e) {
    discard(body);
    await sink.discard();
    throw failure(e, url, 0, signal);
  }
}
