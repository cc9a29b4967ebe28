/**
 * Whose share a request or WebSocket counts against (requests in flight, sockets per client),
 * decided when it arrives: before its credential is checked, so only from what an unauthenticated
 * peer cannot forge. That is the peer's address, or, when the peer is a configured trusted proxy,
 * the user it names (the identity authentication will accept from it, read from a header no other
 * peer may set). A bearer token or a JWT is not read here: knowing whose it is means verifying it
 * (a salted hash per configured token, a signature and perhaps a key fetch), which is
 * authentication's work, done twice for every request; and an unverified one is a key anyone can
 * forge (a JWT's subject, taking its owner's share) or mint without end (a random token per
 * request, escaping any share).
 */
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import type { Authenticator } from '../auth/authenticator.js';
import { presentedBy } from './authenticate.js';

/** A socket already closed has no address; its request ends at once anyway. */
const NO_ADDRESS = 'unknown';

export type ClientKey = (req: IncomingMessage) => string;

export function clientKey(authenticator: Authenticator): ClientKey {
  if (!authenticator.trustsProxy) return (req) => addressKey(req.socket.remoteAddress);
  return (req) => {
    const user = authenticator.proxyUser(presentedBy(req));
    // An address never begins with `user:`, so a user named like an address is not that address.
    return user === undefined ? addressKey(req.socket.remoteAddress) : `user:${user}`;
  };
}

/**
 * The client an address belongs to. An IPv6 host is routinely given a whole /64 and may use any
 * address in it, so one address per client would let it take a share per address: IPv6 clients
 * are their /64. An IPv4-mapped address (an IPv4 peer on a dual-stack socket) is that IPv4 client.
 */
function addressKey(address: string | undefined): string {
  if (address === undefined) return NO_ADDRESS;
  // Only IPv6 has colons: an IPv4 address is its own key, unparsed.
  if (!address.includes(':')) return address;
  // A zone (`%eth0`) names our interface, not the peer, and ipaddr.js refuses most interface names.
  const ip = ipaddr.IPv6.parse(address.replace(/%.*/, ''));
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address().toString();
  return `${new ipaddr.IPv6([...ip.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}
