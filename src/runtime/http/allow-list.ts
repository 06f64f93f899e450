/**
 * Decides whether a URL may be requested. Both sides go through the WHATWG URL parser, so that
 * `127.1`, `0x7f.1` and `allowed.com@evil.com` are compared in the form the request will really
 * use. Only http and https; a port must be the scheme's default unless the entry names it.
 *
 * Entries: `host`, `host:port`, `*.example.com`, `*.example.com:port`. A wildcard is only a whole
 * first label and matches one or more labels in front of the suffix: `*.example.com` matches
 * `a.example.com` and `a.b.example.com`, never `example.com` itself, `evilexample.com` or
 * `example.com.evil.com`. The suffix must have at least two labels (`*.com` is refused).
 */
import { isIP } from 'node:net';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

export interface AllowEntry {
  hostname: string;
  /** True for `*.suffix` entries: `hostname` is the suffix. */
  wildcard: boolean;
  /** Undefined: the scheme's default port only. */
  port: string | undefined;
}

function parseEntry(entry: string): AllowEntry {
  const wildcard = entry.startsWith('*.');
  const rest = wildcard ? entry.slice(2) : entry;
  let url: URL;
  try {
    url = new URL(`http://${rest}`);
  } catch {
    throw new TypeError(`allowedHosts: "${entry}" is not a host name or host:port`);
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || rest.includes('*')) {
    throw new TypeError(`allowedHosts: "${entry}" must be a bare host name, host:port, or *.domain`);
  }
  if (wildcard && (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0 || !url.hostname.includes('.'))) {
    throw new TypeError(`allowedHosts: "${entry}" is too broad; a wildcard needs a domain of at least two labels`);
  }
  const port = /:\d+$/.test(rest) ? (url.port || '80') : undefined;
  return { hostname: url.hostname, wildcard, port };
}

/** Parses allow-list entries; throws a TypeError naming a malformed one. */
export function parseAllowList(entries: string[]): AllowEntry[] {
  return entries.map(parseEntry);
}

function hostMatches(entry: AllowEntry, hostname: string): boolean {
  if (!entry.wildcard) return entry.hostname === hostname;
  return hostname.endsWith(`.${entry.hostname}`) && hostname.length > entry.hostname.length + 1;
}

/** Why `url` is refused, or undefined when it is allowed. */
export function checkUrl(url: URL, allow: AllowEntry[]): string | undefined {
  if (!(url.protocol in DEFAULT_PORTS)) return `scheme ${url.protocol} is not allowed (only http and https)`;
  if (url.username || url.password) return 'URLs with credentials are not allowed';
  const port = url.port || DEFAULT_PORTS[url.protocol]!;
  const ok = allow.some((e) => hostMatches(e, url.hostname) && (e.port === undefined ? port === DEFAULT_PORTS[url.protocol] : e.port === port));
  return ok ? undefined : `host ${url.host} is not in the plugin's allowed hosts`;
}
