/** Cross-capability hops by name: a record's service and team, wherever they are served. */

import type { ServiceNode, TeamNode } from '../src/data/models.js';
import type { GatewayContext } from '../src/graphql/context.js';

/** The canonical name of the service a record names, in its provider's vocabulary. */
export function canonicalService(
  ctx: GatewayContext,
  parent: { provider: string; service?: string | null },
): string | null {
  return parent.service ? ctx.registry.canonicalServiceName(parent.provider, parent.service) : null;
}

export function serviceOf(
  ctx: GatewayContext,
  parent: { provider: string; service?: string | null },
): Promise<ServiceNode | null> | null {
  const name = canonicalService(ctx, parent);
  return name ? ctx.loaders.serviceByName(name) : null;
}

export function teamByName(ctx: GatewayContext, name: string | null | undefined): Promise<TeamNode | null> | null {
  return name ? ctx.loaders.teamByName(name) : null;
}
