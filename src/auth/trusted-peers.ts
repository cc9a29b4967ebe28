/**
 * The peers a trusted proxy may speak from (`OPSORCH_AUTH_PROXY_TRUSTED`): addresses or CIDR
 * ranges, IPv4 or IPv6, compared as addresses rather than as text. Node reports a peer in one
 * form (`2001:db8::1`, or `::ffff:10.0.0.5` for an IPv4 peer on a dual-stack socket) and an
 * operator may write the same address in another (`2001:DB8:0::1`, `10.0.0.5`); compared as
 * text, the proxy would silently not be trusted and every user behind it refused. A proxy fleet
 * is usually a subnet, hence ranges.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/** One entry as a range; an address is the range of itself alone. Throws on anything else. */
export function parseTrustedPeer(entry: string): Range {
  if (entry.includes('/')) {
    try {
      return ipaddr.parseCIDR(entry);
    } catch {
      throw new Error(`"${entry}" is not a CIDR range`);
    }
  }
  if (!ipaddr.isValid(entry)) throw new Error(`"${entry}" is not an IP address or CIDR range`);
  const address = ipaddr.process(entry);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** Whether a peer address (as Node reports it) is in one of the ranges. */
export function trustedPeers(entries: readonly string[]): (peer: string) => boolean {
  const ranges = entries.map(parseTrustedPeer);
  return (peer) => {
    // A zone (`%eth0`) names our interface, not the peer.
    const bare = peer.includes('%') ? peer.slice(0, peer.indexOf('%')) : peer;
    if (!ipaddr.isValid(bare)) return false;
    const address = ipaddr.process(bare);
    return ranges.some((range) => inRange(address, range));
  };
}

function inRange(address: Address, [base, bits]: Range): boolean {
  if (address instanceof ipaddr.IPv4) return base instanceof ipaddr.IPv4 && address.match(base, bits);
  return base instanceof ipaddr.IPv6 && address.match(base, bits);
}
