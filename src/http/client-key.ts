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
import type { Authenticator } from '../auth/authenticator.js';
import { presentedBy } from './authenticate.js';

/** A socket already closed has no address; its request ends at once anyway. */
const NO_ADDRESS = 'unknown';

export type ClientKey = (req: IncomingMessage) => string;

export function clientKey(authenticator: Authenticator): ClientKey {
  if (!authenticator.trustsProxy) return (req) => req.socket.remoteAddress ?? NO_ADDRESS;
  return (req) => {
    const user = authenticator.proxyUser(presentedBy(req));
    // An address never begins with `user:`, so a user named like an address is not that address.
    return user === undefined ? (req.socket.remoteAddress ?? NO_ADDRESS) : `user:${user}`;
  };
}
