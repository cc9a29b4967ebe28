/**
 * Security settings from the environment: identity (OpsOrch Core's `OPSORCH_BEARER_TOKEN`, API
 * tokens, JWT, trusted proxy), CORS and TLS with Core's variable names and meaning, the WebSocket
 * origin allow-list, audit, introspection, and the loopback-only default without auth.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../providers/config.js';
import type { AuditConfig } from './audit.js';
import { type AuthConfig, authConfigured, type ProxyConfig } from './authenticator.js';
import type { JwtConfig } from './jwt.js';
import { parseTokenList } from './tokens.js';
import { parseTrustedPeer } from './trusted-peers.js';

export interface SecurityConfig {
  auth: AuthConfig;
  /** `Access-Control-Allow-Origin`, echoed as OpsOrch Core echoes it (`*` when unset). */
  corsOrigin: string;
  /** Origins besides the gateway's own that may open a WebSocket. */
  wsOrigins: string[];
  tls?: { certFile: string; keyFile: string };
  audit: AuditConfig;
  /** Introspection and GraphiQL; the default depends on where the gateway listens. */
  introspection: boolean;
}

type Env = Record<string, string | undefined>;

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function flag(env: Env, variable: string): boolean | undefined {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${variable}=${JSON.stringify(raw)} must be true or false`);
}

function positive(env: Env, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ConfigError(`${variable}=${JSON.stringify(raw)} must be a whole number`);
  return n;
}

function list(env: Env, variable: string): string[] {
  return (env[variable] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function jwtFromEnv(env: Env): JwtConfig | undefined {
  const jwksUrl = env.OPSORCH_JWT_JWKS_URL?.trim();
  if (!jwksUrl) {
    for (const v of ['OPSORCH_JWT_ISSUER', 'OPSORCH_JWT_AUDIENCE', 'OPSORCH_JWT_SCOPES_CLAIM']) {
      if (env[v]?.trim()) throw new ConfigError(`${v} is set but OPSORCH_JWT_JWKS_URL is not`);
    }
    return undefined;
  }
  if (!/^https?:\/\//.test(jwksUrl)) throw new ConfigError('OPSORCH_JWT_JWKS_URL must be an http(s) URL');
  const issuer = env.OPSORCH_JWT_ISSUER?.trim();
  const audience = env.OPSORCH_JWT_AUDIENCE?.trim();
  return {
    jwksUrl,
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
    clockSkewS: positive(env, 'OPSORCH_JWT_CLOCK_SKEW_S', 30),
    scopesClaim: env.OPSORCH_JWT_SCOPES_CLAIM?.trim() || 'scope',
  };
}

function proxyFromEnv(env: Env): ProxyConfig | undefined {
  const userHeader = env.OPSORCH_AUTH_PROXY_USER_HEADER?.trim().toLowerCase();
  if (!userHeader) return undefined;
  const trusted = list(env, 'OPSORCH_AUTH_PROXY_TRUSTED');
  if (trusted.length === 0) {
    throw new ConfigError('OPSORCH_AUTH_PROXY_USER_HEADER needs OPSORCH_AUTH_PROXY_TRUSTED (the proxy addresses)');
  }
  for (const entry of trusted) {
    try {
      parseTrustedPeer(entry);
    } catch (err) {
      throw new ConfigError(`OPSORCH_AUTH_PROXY_TRUSTED: ${(err as Error).message}`);
    }
  }
  const scopesHeader = env.OPSORCH_AUTH_PROXY_SCOPES_HEADER?.trim().toLowerCase();
  return { userHeader, trusted, ...(scopesHeader ? { scopesHeader } : {}) };
}

export function securityFromEnv(env: Env, host: string): SecurityConfig {
  const bearerToken = env.OPSORCH_BEARER_TOKEN?.trim() || undefined;
  let tokens: AuthConfig['tokens'] = [];
  if (env.OPSORCH_AUTH_TOKENS?.trim()) {
    try {
      tokens = parseTokenList(env.OPSORCH_AUTH_TOKENS, 'OPSORCH_AUTH_TOKENS');
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  const tokensFile = env.OPSORCH_AUTH_TOKENS_FILE?.trim() || undefined;
  const jwt = jwtFromEnv(env);
  const proxy = proxyFromEnv(env);
  const auth: AuthConfig = {
    tokens,
    ...(bearerToken ? { bearerToken } : {}),
    ...(tokensFile ? { tokensFile } : {}),
    ...(jwt ? { jwt } : {}),
    ...(proxy ? { proxy } : {}),
  };

  const insecure = flag(env, 'OPSORCH_INSECURE_NO_AUTH') ?? false;
  if (!authConfigured(auth) && !isLoopback(host) && !insecure) {
    throw new ConfigError(
      `OPSORCH_ADDR listens on ${host}, which is not loopback, and no authentication is configured: set OPSORCH_BEARER_TOKEN, OPSORCH_AUTH_TOKENS, OPSORCH_AUTH_TOKENS_FILE or OPSORCH_JWT_JWKS_URL (or OPSORCH_INSECURE_NO_AUTH=true to serve everyone without credentials)`,
    );
  }

  // Core's names and rule: both or neither.
  const certFile = env.OPSORCH_TLS_CERT_FILE?.trim();
  const keyFile = env.OPSORCH_TLS_KEY_FILE?.trim();
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError('both OPSORCH_TLS_CERT_FILE and OPSORCH_TLS_KEY_FILE must be set together');
  }

  const auditDestination = env.OPSORCH_AUDIT_LOG?.trim() || 'audit.log';
  return {
    auth,
    corsOrigin: env.OPSORCH_CORS_ORIGIN || '*',
    wsOrigins: list(env, 'OPSORCH_WS_ALLOWED_ORIGINS'),
    ...(certFile && keyFile ? { tls: { certFile, keyFile } } : {}),
    audit: {
      destination: auditDestination,
      maxBytes: positive(env, 'OPSORCH_AUDIT_LOG_MAX_BYTES', 10 * 1024 * 1024),
      keep: positive(env, 'OPSORCH_AUDIT_LOG_KEEP', 5),
      reads: flag(env, 'OPSORCH_AUDIT_READS') ?? false,
    },
    introspection: flag(env, 'OPSORCH_INTROSPECTION') ?? (isLoopback(host) || env.NODE_ENV === 'development'),
  };
}
