/** `nodes` and `pageInfo`, the same for every Relay connection type. */

import type { ConnectionNode } from '../src/data/models.js';
import type { Resolvers } from '../src/generated/graphql.js';

const connectionFields = {
  edges: <T>(parent: ConnectionNode<T>) => parent.nodes.map((node) => ({ cursor: parent.cursorOf(node), node })),
  pageInfo: <T>(parent: ConnectionNode<T>) => {
    const first = parent.nodes[0];
    const last = parent.nodes.at(-1);
    return {
      hasNextPage: parent.hasNextPage,
      hasPreviousPage: parent.hasPreviousPage,
      startCursor: first === undefined ? null : parent.cursorOf(first),
      endCursor: last === undefined ? null : parent.cursorOf(last),
    };
  },
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
