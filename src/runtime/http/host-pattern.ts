/**
 * Host patterns of the `network` capability. A pattern is an exact host (`api.example.com`,
 * `127.0.0.1`, `[::1]`) or one wildcard form, `*.example.com`, with an optional `:port`. Patterns
 * are normalised through the WHATWG URL parser — the same parser that reads the URLs a plugin
 * requests — so `API.Example.COM`, `bücher.example` and `127.1` compare in the form a request
 * will really use.
 *
 * Wildcard semantics: `*.example.com` matches any host that has one or more labels in front of
 * `.example.com` (`a.example.com`, `a.b.example.com`), never the apex `example.com`, and never a
 * host that merely ends with the same characters (`evilexample.com`) or contains them
 * (`example.com.evil.com`). Depth is not limited because whoever controls `example.com`'s DNS
 * controls every name below it alike; the apex is left out so that granting "the subdomains"
 * never silently grants the main site too.
 */
import { isIPv4 } from 'node:net';

/** A normalised network host pattern. */
export interface HostPattern {
  /** The host, lowercase and punycoded as the URL parser writes it; without the `*.` prefix. */
  host: string;
  /** True for `*.host`: matches one or more labels in front of `host`, never `host` itself. */
  wildcard: boolean;
  /** An explicit port; undefined means the request's scheme default (80 or 443) only. */
  port?: number;
  /** The normalised text form, e.g. `*.example.com:8443`. */
  text: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Parses one host pattern. Returns the pattern, or a message saying what is wrong with it. */
export function parseHostPattern(raw: string): HostPattern | string {
  if (raw.length === 0 || raw.length > 300) return 'expected a host name of 1–300 characters';
  if (/\s/.test(raw)) return 'must not contain whitespace';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return 'write the host only, without a scheme (http:// or https:// are both allowed)';
  if (/[/\\?#]/.test(raw)) return 'write the host only, without a path, query or fragment';
  if (raw.includes('@')) return 'must not contain user information (@)';
  if (raw.endsWith(':')) return 'a ":" must be followed by a port number';
  const wildcard = raw.startsWith('*.');
  const rest = wildcard ? raw.slice(2) : raw;
  if (rest.includes('*')) return 'the only wildcard form is a leading "*." (as in *.example.com)';
  let url: URL;
  try {
    url = new URL(`http://${rest}`);
  } catch {
    return 'is not a valid host name, IP address or host:port';
  }
  const host = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  if (host === '' || url.username || url.password) return 'is not a valid host name';
  // The URL parser drops a port equal to http's default, so read "was a port written" from the text.
  const explicitPort = /:\d+$/.test(rest) ? Number(url.port || 80) : undefined;
  if (explicitPort === 0) return 'port 0 is not a usable port';
  if (wildcard) {
    if (isIPv4(host) || host.startsWith('[')) return 'a wildcard applies to domain names, not IP addresses';
    if (!host.includes('.')) return 'a wildcard needs at least two labels after "*." (*.com would match whole top-level domains)';
  }
  const text = `${wildcard ? '*.' : ''}${host}${explicitPort === undefined ? '' : `:${explicitPort}`}`;
  return explicitPort === undefined ? { host, wildcard, text } : { host, wildcard, port: explicitPort, text };
}

/**
 * True when `pattern` allows a request to `url`: http or https only, no credentials in the URL,
 * the host matching exactly or by the wildcard rule, and the port equal to the pattern's (or the
 * scheme's default when the pattern names none). Address checks (loopback, private ranges) happen
 * at connect time in the runtime, not here.
 *
 * @example hostAllows(parseHostPattern('*.example.com') as HostPattern, new URL('https://a.example.com/x')) // true
 */
export function hostAllows(pattern: HostPattern, url: URL): boolean {
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined || url.username || url.password) return false;
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (port !== (pattern.port ?? defaultPort)) return false;
  const host = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  if (!pattern.wildcard) return host === pattern.host;
  return host.length > pattern.host.length + 1 && host.endsWith(`.${pattern.host}`) && !isIPv4(host);
}

/** True when any of `patterns` allows `url`. */
export function hostsAllow(patterns: readonly HostPattern[], url: URL): boolean {
  return patterns.some((p) => hostAllows(p, url));
}
