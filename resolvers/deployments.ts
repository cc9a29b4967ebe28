import { LIST_ORDERS } from '../adapters/contract/index.js';
import type { DeploymentNode } from '../src/data/models.js';
import type { DeploymentFilter, Resolvers } from '../src/generated/graphql.js';
import { connection } from '../src/graphql/connection.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import { checkRange, compact, toScope } from './arguments.js';
import { serviceOf } from './joins.js';
import { recordFields } from './records.js';

export function deploymentQuery(filter: DeploymentFilter | null | undefined) {
  return {
    ...compact(filter),
    scope: toScope(filter?.scope),
    startedWithin: checkRange(filter?.startedWithin, 'filter.startedWithin'),
  };
}

export const deploymentResolvers: Resolvers = {
  Query: {
    async deployments(_, { filter, first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.deployments, (page) =>
        ctx.data.deployments.list({
          ...deploymentQuery(filter),
          ...page,
        }),
      );
    },
    deployment(_, { id }, ctx) {
      const global = expectGlobalId(id, 'Deployment');
      return ctx.data.deployments.get(global.provider, global.nativeId);
    },
  },
  Deployment: {
    ...recordFields<DeploymentNode>('Deployment', 'deployment'),
    service: (parent, _, ctx) => serviceOf(ctx, parent),
  },
};
