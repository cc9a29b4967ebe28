/**
 * Who a request acts for: an actor name (token name, JWT subject, proxy user), the scopes it holds
 * and the records it may see. Every HTTP and WebSocket request carries one; with no auth configured
 * (loopback only) it is the local operator, who holds every scope.
 */

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Narrows every query a credential makes to one service, team and/or environment. */
export interface Restriction {
  service?: string;
  team?: string;
  environment?: string;
}

export interface Principal {
  /** Token name, JWT subject or proxy user: what audit lines and timeline entries name. */
  readonly actor: string;
  readonly scopes: ReadonlySet<Scope>;
  readonly restriction?: Restriction;
  /** Epoch ms after which the credential is no longer valid (a JWT's `exp`). */
  readonly expiresAt?: number;
  /** How the caller proved who it is. */
  readonly via: 'token' | 'bearer' | 'jwt' | 'proxy' | 'local';
  /** Token name, for revocation checks of long-lived WebSockets. */
  readonly tokenName?: string;
}

export const LOCAL_OPERATOR: Principal = Object.freeze({
  actor: 'local',
  scopes: new Set<Scope>(SCOPES),
  via: 'local',
});

export function parseScopes(value: unknown): Set<Scope> {
  const words = Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : typeof value === 'string'
      ? value.split(/[\s,]+/)
      : [];
  return new Set(words.filter((w): w is Scope => (SCOPES as readonly string[]).includes(w)));
}

/**
 * What a caller may see, as a string: two callers with the same key may share a provider read or
 * a subscription execution, callers with different keys never do.
 */
export function visibilityKey(principal: Principal | undefined): string {
  if (!principal) return 'none';
  const r = principal.restriction;
  const read = principal.scopes.has('read') ? 'r' : '-';
  const admin = principal.scopes.has('admin') ? 'a' : '-';
  return `${read}${admin}\u0001${r?.service ?? ''}\u0001${r?.team ?? ''}\u0001${r?.environment ?? ''}`;
}

/** The principal behind a request, and which GraphQL operation it is running. */
export interface Caller {
  readonly principal: Principal;
  /** Set once the operation is known: its name, or its type and root fields. */
  operation?: string;
}
