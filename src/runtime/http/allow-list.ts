/**
 * Decides whether a URL may be requested. Both sides go through the WHATWG URL parser, so that
 * `127.1`, `0x7f.1` and `allowed.com@evil.com` are compared in the form the request will really
 * use. Only http and https; a port must be the scheme's default unless the entry names it.
 */
const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

export interface AllowEntry {
  hostname: string;
  /** Undefined: the scheme's default port only. */
  port: string | undefined;
}

/** Parses `host` or `host:port` entries; throws a TypeError naming a malformed one. */
export function parseAllowList(entries: string[]): AllowEntry[] {
  return entries.map((entry) => {
    let url: URL;
    try {
      url = new URL(`http://${entry}`);
    } catch {
      throw new TypeError(`allowedHosts: "${entry}" is not a host name or host:port`);
    }
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
      throw new TypeError(`allowedHosts: "${entry}" must be a bare host name or host:port`);
    }
    const explicitPort = /:\d+$/.test(entry) ? (url.port || '80') : undefined;
    return { hostname: url.hostname, port: explicitPort };
  });
}

/** Why `url` is refused, or undefined when it is allowed. */
export function checkUrl(url: URL, allow: AllowEntry[]): string | undefined {
  if (!(url.protocol in DEFAULT_PORTS)) return `scheme ${url.protocol} is not allowed (only http and https)`;
  if (url.username || url.password) return 'URLs with credentials are not allowed';
  const port = url.port || DEFAULT_PORTS[url.protocol]!;
  const ok = allow.some((e) => e.hostname === url.hostname && (e.port === undefined ? port === DEFAULT_PORTS[url.protocol] : e.port === port));
  return ok ? undefined : `host ${url.host} is not in the plugin's allowed hosts`;
}
