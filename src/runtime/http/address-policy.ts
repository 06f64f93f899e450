/**
 * Which IP addresses a plugin's HTTP requests may connect to. Names are resolved at connect time
 * and every address is checked here before the socket is opened, so a name that resolves (or is
 * rebound) to loopback, a private network, link-local or a cloud metadata address is refused
 * unless the operator allowed that address explicitly.
 */
import { BlockList, isIP } from 'node:net';

/** Ranges no plugin reaches unless allowed: [address, prefix, family]. */
const NON_PUBLIC: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'], // NAT64 (embeds an IPv4 address)
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

const nonPublic = new BlockList();
for (const [address, prefix, family] of NON_PUBLIC) nonPublic.addSubnet(address, prefix, family);

/** Addresses and CIDR ranges the operator allowed explicitly (`10.0.0.5`, `10.1.0.0/16`, `::1`). */
export class AddressPolicy {
  readonly #allowed = new BlockList();

  constructor(allowed: Iterable<string>) {
    for (const entry of allowed) {
      const [address = '', prefix] = entry.split('/');
      const family = isIP(address);
      if (family === 0) throw new TypeError(`allowedAddresses: "${entry}" is not an IP address or CIDR range`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) this.#allowed.addAddress(address, type);
      else {
        const bits = Number(prefix);
        if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
          throw new TypeError(`allowedAddresses: "${entry}" has an invalid prefix length`);
        }
        this.#allowed.addSubnet(address, bits, type);
      }
    }
  }

  /** Why connecting to `address` is refused, or undefined when it is allowed. */
  check(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (!nonPublic.check(address, type) || this.#allowed.check(address, type)) return undefined;
    return `${address} is a loopback, private, link-local or reserved address; allow it explicitly (allowedAddresses) if the plugin must reach it`;
  }
}
