/** `nodes`, `pageInfo` and the whole list's counts, the same for every Relay connection type. */

import type {
  AlertStatus,
  DeploymentStatus,
  IncidentStatus,
  OrchestrationRunStatus,
  TicketStatus,
} from '../adapters/contract/index.js';
import type { ListCounts } from '../src/data/aggregates/counts.js';
import type { ConnectionNode } from '../src/data/models.js';
import type { Resolvers } from '../src/generated/graphql.js';

const NO_COUNTS: ListCounts = { total: 0, byStatus: [], bySeverity: [], approximate: false };

/** An edge makes its cursor only when a client asks for it: most lists are read without them. */
class Edge<T> {
  constructor(
    readonly node: T,
    private readonly cursorOf: (node: T) => string,
  ) {}

  get cursor(): string {
    return this.cursorOf(this.node);
  }
}

const connectionFields = {
  edges: <T>(parent: ConnectionNode<T>) => parent.nodes.map((node) => new Edge(node, parent.cursorOf)),
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
  /** The provider's count when it gives one; otherwise the gateway counts. */
  totalCount: <T>(parent: ConnectionNode<T>) =>
    parent.totalCount ?? (parent.counts ? parent.counts().then((counts) => counts.total) : null),
};

/** Lists that can be counted by status `S`. */
function countedFields<S extends string>() {
  return {
    ...connectionFields,
    approximate: async <T>(parent: ConnectionNode<T, S>) => (await countsOf(parent)).approximate,
    countsByStatus: async <T>(parent: ConnectionNode<T, S>) => (await countsOf(parent)).byStatus,
  };
}

/** Lists that can be counted by status `S` and by severity. */
function severityCountedFields<S extends string>() {
  return {
    ...countedFields<S>(),
    countsBySeverity: async <T>(parent: ConnectionNode<T, S>) => (await countsOf(parent)).bySeverity,
  };
}

function countsOf<T, S extends string>(parent: ConnectionNode<T, S>): Promise<ListCounts<S>> {
  return parent.counts ? parent.counts() : Promise.resolve({ ...NO_COUNTS, byStatus: [] });
}

export const connectionResolvers: Resolvers = {
  IncidentConnection: severityCountedFields<IncidentStatus>(),
  TimelineEntryConnection: connectionFields,
  AlertConnection: severityCountedFields<AlertStatus>(),
  TicketConnection: countedFields<TicketStatus>(),
  ServiceConnection: connectionFields,
  TeamConnection: connectionFields,
  DeploymentConnection: countedFields<DeploymentStatus>(),
  OrchestrationPlanConnection: connectionFields,
  OrchestrationRunConnection: countedFields<OrchestrationRunStatus>(),
};
