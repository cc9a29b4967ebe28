import {
  type Deployment,
  type DeploymentCapability,
  type DeploymentQuery,
  LIST_ORDERS,
  matchesText,
  notFound,
  oneOf,
  settleEach,
} from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { page } from '../paging.js';
import { inScope, parseRange, within } from '../scope.js';

export function deploymentCapability({ world }: OpsContext): DeploymentCapability {
  const matches = (query: DeploymentQuery) => {
    const started = query.startedWithin ? parseRange(query.startedWithin, 'startedWithin') : undefined;
    return (d: Deployment) =>
      inScope(world, d, query.scope) &&
      oneOf(d.status, query.statuses) &&
      matchesText(query.query, d.service, d.version, d.commit, d.author, d.description) &&
      within(d.startedAt, started);
  };
  return {
    query: (queries) =>
      settleEach(queries, (query) => {
        const found = world.deployments.filter(matches(query));
        return page(found, query, LIST_ORDERS.deployments);
      }),
    getMany: async (ids) => {
      const byId = new Map(world.deployments.map((d) => [d.id, d]));
      return ids.map((id) => {
        const deployment = byId.get(id);
        return deployment ? copy(deployment) : notFound('deployment', id);
      });
    },
  };
}
