/** Cross-capability hops by name: a record's service and team, wherever they are served. */

import type { ServiceNode, TeamNode } from '../src/data/models.js';
import type { GatewayContext } from '../src/graphql/context.js';

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
): Promise<ServiceNode | null> | null {
  const name = canonicalService(ctx, parent);
  return name ? ctx.data.services.byName(name) : null;
}

export function teamByName(ctx: GatewayContext, name: string | null | undefined): Promise<TeamNode | null> | null {
  return name ? ctx.data.teams.byName(name) : null;
}
