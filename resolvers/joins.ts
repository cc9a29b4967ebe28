/** Cross-capability hops by name: a record's service and team, wherever they are served. */

import type { ServiceNode, TeamNode } from '../src/data/models.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { type LookaheadInfo, startEarly } from '../src/graphql/lookahead.js';

/** The canonical name of the service a record names, in its provider's vocabulary. */
export function canonicalService(
  ctx: GatewayContext,
  parent: { provider: string; service?: string | null },
): string | null {
  return parent.service ? ctx.data.services.canonicalName(parent.provider, parent.service) : null;
}

export function serviceOf(
  ctx: GatewayContext,
  parent: { provider: string; service?: string | null },
): ServiceNode | Promise<ServiceNode | null> | null {
  const name = canonicalService(ctx, parent);
  return name ? ctx.data.services.byName(name) : null;
}

/** A team's children that need only the reference a record carries: they start with the team itself. */
const byTeamReference = {
  members: (parent: { reference: string }, _: unknown, ctx: GatewayContext) =>
    ctx.data.teams.membersByReference(parent.reference),
  onCall: (parent: { reference: string }, _: unknown, ctx: GatewayContext) =>
    ctx.data.teams.membersByReference(parent.reference),
  nextOnCall: (parent: { reference: string }, _: unknown, ctx: GatewayContext) =>
    ctx.data.teams.nextOnCallByReference(parent.reference),
};

/**
 * The team a record names. With the field's `info`, the team's members (for `members` and `onCall`)
 * and who is next (`nextOnCall`) are read alongside the team, by the name, instead of after it; when
 * the cross-request cache answered the team, after the reads the look-ahead is sending at the time
 * (`afterPrompt`), since the same cache mostly answers its members too.
 */
export function teamByName(
  ctx: GatewayContext,
  name: string | null | undefined,
  info?: LookaheadInfo,
): TeamNode | Promise<TeamNode | null> | null {
  if (!name) return null;
  // The team first, as for an incident: a provider answering one call at a time answers it first.
  const team = ctx.data.teams.byName(name);
  if (info) {
    const start = () => startEarly(info, { reference: name }, ctx, byTeamReference);
    if (team instanceof Promise) start();
    else ctx.data.afterPrompt(start);
  }
  return team;
}
