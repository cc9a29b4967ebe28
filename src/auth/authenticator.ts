/**
 * Turns what a request presents into a principal: OpsOrch Core's `OPSORCH_BEARER_TOKEN` (one admin
 * credential), API tokens, JWTs, or a trusted proxy's identity headers. The same check serves HTTP
 * requests, WebSocket upgrades and graphql-ws `connection_init` payloads. With nothing configured
 * everyone is the local operator, which is why the gateway then listens on loopback only.
 */
import { timingSafeEqual } from 'node:crypto';
import { type JwtConfig, JwtVerifier, looksLikeJwt } from './jwt.js';
import { LOCAL_OPERATOR, type Principal, parseScopes, SCOPES } from './principal.js';
import { type TokenEntry, TokenStore } from './tokens.js';
import { trustedPeers } from './trusted-peers.js';

export interface ProxyConfig {
  /** Header carrying the authenticated user, e.g. `x-forwarded-user`. */
  userHeader: string;
  /** Header carrying space- or comma-separated scopes; absent means `read`. */
  scopesHeader?: string;
  /**
   * Peer addresses or CIDR ranges allowed to assert identity (`trusted-peers.ts`); a request from
   * anywhere else is not trusted.
   */
  trusted: readonly string[];
}

export interface AuthConfig {
  /** OpsOrch Core's one shared token; an admin credential here. */
  bearerToken?: string;
  tokens: readonly TokenEntry[];
  tokensFile?: string;
  jwt?: JwtConfig;
  proxy?: ProxyConfig;
}

export const NO_AUTH: AuthConfig = { tokens: [] };

export function authConfigured(config: AuthConfig): boolean {
  return Boolean(config.bearerToken || config.tokens.length || config.tokensFile || config.jwt || config.proxy);
}

export interface Presented {
  authorization?: string | undefined;
  remoteAddress?: string | undefined;
  header?: (name: string) => string | undefined;
}

export type AuthOutcome = { principal: Principal } | { error: 'missing' | 'invalid' | 'expired' | 'revoked' };

export const BEARER_PRINCIPAL: Principal = Object.freeze({
  actor: 'opsorch-bearer-token',
  scopes: new Set(SCOPES),
  via: 'bearer',
});

export class Authenticator {
  readonly enabled: boolean;
  readonly tokens: TokenStore;
  private readonly jwt: JwtVerifier | undefined;
  private readonly fromTrustedPeer: (peer: string) => boolean;

  constructor(
    private readonly config: AuthConfig,
    onTokensFileError: (message: string) => void = () => {},
  ) {
    this.enabled = authConfigured(config);
    this.tokens = new TokenStore(
      config.tokens,
      config.tokensFile ? { path: config.tokensFile, onError: onTokensFileError } : undefined,
    );
    this.jwt = config.jwt ? new JwtVerifier(config.jwt) : undefined;
    this.fromTrustedPeer = config.proxy ? trustedPeers(config.proxy.trusted) : () => false;
  }

  async authenticate(presented: Presented): Promise<AuthOutcome> {
    if (!this.enabled) return { principal: LOCAL_OPERATOR };
    const proxied = this.fromProxy(presented);
    if (proxied) return { principal: proxied };
    const token = bearerOf(presented.authorization);
    if (token === undefined) return { error: 'missing' };
    if (this.config.bearerToken && sameText(token, this.config.bearerToken)) return { principal: BEARER_PRINCIPAL };
    const fromToken = this.tokens.find(token);
    if (fromToken) return { principal: fromToken };
    if (this.jwt && looksLikeJwt(token)) return this.jwt.verify(token);
    return { error: 'invalid' };
  }

  /** Whether a principal admitted earlier (an open WebSocket) may still act. */
  stillValid(principal: Principal, now = Date.now()): 'ok' | 'expired' | 'revoked' {
    if (principal.expiresAt !== undefined && now >= principal.expiresAt) return 'expired';
    if (principal.tokenName !== undefined && !this.tokens.isActive(principal.tokenName)) return 'revoked';
    return 'ok';
  }

  close(): void {
    this.tokens.close();
  }

  /** Whether a trusted proxy may name the user (`proxyUser`). */
  get trustsProxy(): boolean {
    return this.config.proxy !== undefined;
  }

  /**
   * The user a trusted proxy names: only a configured proxy address may name one, so no other peer
   * can claim it, and reading it checks no credential, so it is cheap enough to know before
   * authentication (the bound on requests in flight keys a client's share by it).
   */
  proxyUser(presented: Presented): string | undefined {
    const proxy = this.config.proxy;
    if (!proxy || !presented.header || !presented.remoteAddress) return undefined;
    if (!this.fromTrustedPeer(presented.remoteAddress)) return undefined;
    return presented.header(proxy.userHeader)?.trim() || undefined;
  }

  private fromProxy(presented: Presented): Principal | undefined {
    const user = this.proxyUser(presented);
    if (user === undefined || !presented.header) return undefined;
    const scopesHeader = this.config.proxy?.scopesHeader;
    const scopes = scopesHeader ? presented.header(scopesHeader) : undefined;
    return { actor: user, scopes: scopes === undefined ? new Set(['read']) : parseScopes(scopes), via: 'proxy' };
  }
}

/**
 * The token of an `Authorization` header, read exactly as OpsOrch Core reads it: the prefix
 * `Bearer ` is case-sensitive with one space, and what follows is trimmed.
 */
export function bearerOf(header: string | undefined): string | undefined {
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  const token = header.slice('Bearer '.length).trim();
  return token === '' ? undefined : token;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
