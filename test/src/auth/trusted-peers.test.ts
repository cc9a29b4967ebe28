/**
 * Trusted proxy peers as addresses and ranges, from the forms Node reports peers in. The gateway
 * listens on 127.0.0.1 only, so the IPv6 and dual-stack forms cannot reach it in a test; through
 * the real server, trusted-proxy identity is in `test/src/http/authenticate.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { parseTrustedPeer, trustedPeers } from '../../../src/auth/trusted-peers.js';

describe('trustedPeers', () => {
  const trusts = trustedPeers(['10.0.0.0/8', '2001:DB8:0::1', '::ffff:192.0.2.9', 'fd00:1::/32']);

  it('matches IPv4 peers by range, in both the forms Node reports them', () => {
    expect(trusts('10.1.2.3')).toBe(true);
    expect(trusts('::ffff:10.1.2.3')).toBe(true);
    expect(trusts('11.0.0.1')).toBe(false);
    expect(trusts('::ffff:11.0.0.1')).toBe(false);
  });

  it('matches an address configured in the IPv4-mapped form as its IPv4 peer', () => {
    expect(trusts('192.0.2.9')).toBe(true);
    expect(trusts('::ffff:192.0.2.9')).toBe(true);
    expect(trusts('192.0.2.10')).toBe(false);
  });

  it('matches IPv6 peers as addresses, not as text', () => {
    expect(trusts('2001:db8::1')).toBe(true);
    expect(trusts('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(trusts('2001:db8::2')).toBe(false);
    expect(trusts('fd00:1:ffff::5')).toBe(true);
    expect(trusts('fd00:2::5')).toBe(false);
  });

  it('ignores a zone and never trusts what is not an address', () => {
    expect(trusts('2001:db8::1%eth0')).toBe(true);
    expect(trusts('fe80::1%eth0')).toBe(false);
    expect(trusts('')).toBe(false);
    expect(trusts('not-an-address')).toBe(false);
  });

  it('does not let an IPv4 range match IPv6 peers or the other way round', () => {
    const v4 = trustedPeers(['0.0.0.0/0']);
    expect(v4('2001:db8::1')).toBe(false);
    expect(v4('198.51.100.1')).toBe(true);
    const v6 = trustedPeers(['::/0']);
    expect(v6('198.51.100.1')).toBe(false);
    expect(v6('2001:db8::1')).toBe(true);
  });
});

describe('parseTrustedPeer', () => {
  it('names an entry that is neither an address nor a range', () => {
    expect(() => parseTrustedPeer('10.0.0.300')).toThrow('"10.0.0.300" is not an IP address or CIDR range');
    expect(() => parseTrustedPeer('proxy.internal')).toThrow('"proxy.internal" is not an IP address or CIDR range');
    expect(() => parseTrustedPeer('10.0.0.0/33')).toThrow('"10.0.0.0/33" is not a CIDR range');
    expect(() => parseTrustedPeer('fd00::/129')).toThrow('"fd00::/129" is not a CIDR range');
  });
});
