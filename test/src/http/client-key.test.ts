/**
 * Whose share a request counts against, from request-shaped objects: the gateway listens on
 * 127.0.0.1 only, so the IPv6 and dual-stack addresses a public listener sees cannot reach it in a
 * test. Through the real server, the shares themselves are in `requests-in-flight.test.ts` and
 * `websocket.test.ts`.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Authenticator, NO_AUTH } from '../../../src/auth/authenticator.js';
import { clientKey } from '../../../src/http/client-key.js';

/** What `clientKey` reads of a request: the peer's address and the headers. */
function from(remoteAddress: string | undefined, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

describe('clientKey', () => {
  const byAddress = clientKey(new Authenticator(NO_AUTH));

  it('keys an IPv4 peer by its address', () => {
    expect(byAddress(from('192.0.2.7'))).toBe('192.0.2.7');
    expect(byAddress(from('192.0.2.8'))).toBe('192.0.2.8');
  });

  it('keys an IPv6 peer by its /64, however the address is written', () => {
    expect(byAddress(from('2001:db8:1:2:3:4:5:6'))).toBe('2001:db8:1:2::/64');
    expect(byAddress(from('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'))).toBe('2001:db8:1:2::/64');
    expect(byAddress(from('2001:db8:1:2::9'))).toBe('2001:db8:1:2::/64');
    expect(byAddress(from('2001:DB8:1:2::A'))).toBe('2001:db8:1:2::/64');
    expect(byAddress(from('2001:db8::1'))).toBe('2001:db8::/64');
    expect(byAddress(from('::1'))).toBe('::/64');
    // A link-local peer's zone names our interface, whatever its name.
    expect(byAddress(from('fe80::1%br-4f2a.100'))).toBe('fe80::/64');
  });

  it('tells /64s apart', () => {
    const keys = ['2001:db8:1:2::1', '2001:db8:1:3::1', '2001:db8:2:2::1', '2001:db9:1:2::1'].map((a) =>
      byAddress(from(a)),
    );
    expect(new Set(keys).size).toBe(4);
  });

  it('keys an IPv4 peer on a dual-stack socket as that IPv4 address', () => {
    expect(byAddress(from('::ffff:192.0.2.7'))).toBe('192.0.2.7');
    expect(byAddress(from('::ffff:c000:207'))).toBe('192.0.2.7');
    expect(byAddress(from('::ffff:192.0.2.8'))).toBe('192.0.2.8');
  });

  it('keys a request whose socket has closed (no address) as one unknown client', () => {
    expect(byAddress(from(undefined))).toBe('unknown');
  });

  describe('behind a trusted proxy', () => {
    const proxied = clientKey(
      new Authenticator({ tokens: [], proxy: { userHeader: 'x-forwarded-user', trusted: ['192.0.2.1'] } }),
    );

    it('keys by the user the proxy names, on either socket family', () => {
      expect(proxied(from('192.0.2.1', { 'x-forwarded-user': 'alice' }))).toBe('user:alice');
      expect(proxied(from('::ffff:192.0.2.1', { 'x-forwarded-user': 'alice' }))).toBe('user:alice');
      expect(proxied(from('192.0.2.1', { 'x-forwarded-user': 'bob' }))).toBe('user:bob');
      expect(proxied(from('192.0.2.1'))).toBe('192.0.2.1');
    });

    it('keys any other peer naming a user by its address, an IPv6 one by its /64', () => {
      expect(proxied(from('192.0.2.2', { 'x-forwarded-user': 'alice' }))).toBe('192.0.2.2');
      expect(proxied(from('2001:db8:1:2::5', { 'x-forwarded-user': 'alice' }))).toBe('2001:db8:1:2::/64');
    });
  });
});
