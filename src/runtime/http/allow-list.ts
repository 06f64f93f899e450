/**
 * The allow-list a plugin's HTTP requests are checked against: host patterns (see
 * host-pattern.ts for the forms and the wildcard rule), with the scheme and credentials checked
 * here. The manifest's `network` capability uses the same patterns, so what is declared and what
 * is enforced cannot drift apart.
 */
import { hostsAllow, parseHostPattern, type HostPattern } from './host-pattern.js';

/** Parses allow-list entries; throws a TypeError naming a malformed one and what is wrong. */
export function parseAllowList(entries: string[]): HostPattern[] {
  return entries.map((entry) => {
    const pattern = parseHostPattern(entry);
    if (typeof pattern === 'string') throw new TypeError(`allowedHosts: "${entry}" ${pattern}`);
    return pattern;
  });
}

/** Why `url` is refused, or undefined when it is allowed. */
export function checkUrl(url: URL, allow: readonly HostPattern[]): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not allowed (only http and https)`;
  if (url.username || url.password) return 'URLs with credentials are not allowed';
  return hostsAllow(allow, url) ? undefined : `host ${url.host} is not in the plugin's allowed hosts`;
}
