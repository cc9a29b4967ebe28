/** `nodes` and `pageInfo`, the same for every Relay connection type. */

import type { ConnectionNode } from '../src/data/models.js';
import type { Resolvers } from '../src/generated/graphql.js';

const connectionFields = {
  nodes: <T>(parent: ConnectionNode<T>) => parent.edges.map((edge) => edge.node),
  pageInfo: <T>(parent: ConnectionNode<T>) => ({
    hasNextPage: parent.hasNextPage,
    hasPreviousPage: parent.hasPreviousPage,
    startCursor: parent.edges[0]?.cursor ?? null,
    endCursor: parent.edges.at(-1)?.cursor ?? null,
  }),
};

export const connectionResolvers: Resolvers = {
  IncidentConnection: connectionFields,
  TimelineEntryConnection: connectionFields,
  AlertConnection: connectionFields,
  TicketConnection: connectionFields,
  ServiceConnection: connectionFields,
  TeamConnection: connectionFields,
  DeploymentConnection: connectionFields,
  OrchestrationPlanConnection: connectionFields,
  OrchestrationRunConnection: connectionFields,
};
