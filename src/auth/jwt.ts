/**
 * JWT bearer tokens checked against a JWKS endpoint (jose): keys are cached and fetched again when
 * a token names a key the cache lacks, so a key rotation at the issuer needs no restart. The
 * subject is the actor; the configured claim (a space-separated string or an array) gives scopes.
 */
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { type Principal, parseScopes } from './principal.js';

export interface JwtConfig {
  jwksUrl: string;
  issuer?: string;
  audience?: string;
  clockSkewS: number;
  scopesClaim: string;
  /** Least time between two JWKS fetches caused by unknown key IDs (default 5 s). */
  refetchCooldownMs?: number;
}

export type JwtOutcome = { principal: Principal } | { error: 'invalid' | 'expired' };

export class JwtVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: JwtConfig) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl), {
      cacheMaxAge: 10 * 60_000,
      // An unknown `kid` refetches the set at most this often, so forged kids cannot hammer the issuer.
      cooldownDuration: config.refetchCooldownMs ?? 5_000,
      timeoutDuration: 5_000,
    });
  }

  async verify(token: string): Promise<JwtOutcome> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
        ...(this.config.audience ? { audience: this.config.audience } : {}),
        clockTolerance: this.config.clockSkewS,
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') return { error: 'invalid' };
      return {
        principal: {
          actor: payload.sub,
          scopes: parseScopes(payload[this.config.scopesClaim]),
          via: 'jwt',
          ...(typeof payload.exp === 'number' ? { expiresAt: (payload.exp + this.config.clockSkewS) * 1000 } : {}),
        },
      };
    } catch (err) {
      return { error: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/** Compact JWS shape: three base64url parts. Anything else is not worth a JWKS look-up. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
