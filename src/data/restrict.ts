/**
 * Per-credential restrictions (service, team, environment) applied on the floor, so every query a
 * restricted caller makes is narrowed whichever resolver asks: list queries carry the restriction in
 * their scope (a conflicting scope is refused), and every record read, listed or fetched by ID, is
 * checked again, because not every provider honours every scope field. A record outside the
 * restriction reads as not found: its existence is not the caller's business.
 */
import type { Scope } from '../../adapters/contract/index.js';
import type { Restriction } from '../auth/principal.js';
import { gatewayError } from '../graphql/errors.js';

const FIELDS = ['service', 'team', 'environment'] as const;

/**
 * The team a restriction allows as the team directory knows it: records and filters name a team by
 * its ID, name or handle, and a restriction by any one of them covers them all.
 */
export interface RestrictedTeam {
  /** The directory's name for it: what a provider is asked to narrow by. */
  name: string;
  /** Its ID, name and handle, lowercased. */
  names: ReadonlySet<string>;
}

export function restrictScope<Q extends { scope?: Scope }>(
  query: Q,
  restriction: Restriction | undefined,
  team?: RestrictedTeam,
): Q {
  if (!restriction) return query;
  const scope: Scope = { ...query.scope };
  for (const field of FIELDS) {
    const allowed = restriction[field];
    if (allowed === undefined) continue;
    const known = field === 'team' ? team : undefined;
    const asked = scope[field]?.toLowerCase();
    if (asked !== undefined && (known ? !known.names.has(asked) : asked !== allowed.toLowerCase())) {
      throw gatewayError('FORBIDDEN', `this credential may only see ${field} ${JSON.stringify(allowed)}`, {
        field,
      });
    }
    scope[field] = known ? known.name : allowed;
  }
  return { ...query, scope };
}

/**
 * Whether a record falls inside the restriction. `canonical` maps a provider's service name to the
 * gateway's canonical one. A service record is inside when it is the allowed service. Without
 * `team` (the directory's answer), a record must name the team as the restriction does.
 */
export function withinRestriction(
  record: unknown,
  restriction: Restriction | undefined,
  canonical: (service: string) => string,
  isServiceRecord: boolean,
  team?: RestrictedTeam,
): boolean {
  if (!restriction || typeof record !== 'object' || record === null) return true;
  const r = record as Record<string, unknown>;
  for (const field of FIELDS) {
    const allowed = restriction[field]?.toLowerCase();
    if (allowed === undefined) continue;
    const raw = field === 'service' && isServiceRecord ? r.name : r[field];
    if (typeof raw !== 'string' || raw === '') {
      // A record that does not say where it belongs is outside a restriction that names a place.
      if (field in r || (field === 'service' && isServiceRecord)) return false;
      continue;
    }
    const value = (field === 'service' ? canonical(raw) : raw).toLowerCase();
    if (field === 'team' && team ? !team.names.has(value) : value !== allowed) return false;
  }
  return true;
}
