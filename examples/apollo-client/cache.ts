/**
 * The console's normalized cache: every record under its global ID, every connection merged page by
 * page with Apollo's `relayStylePagination`. test/examples/apollo-client/cache.test.ts holds these
 * tables to schema.graphql, so a new connection or record type cannot be forgotten here.
 */
import { type FieldPolicy, InMemoryCache, type Reference, type TypePolicies } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

/**
 * Every field returning a connection, with the arguments that make it a different list: all but
 * `first` and `after`, so the pages of one list share one cache entry whatever their size.
 */
export const CONNECTION_FIELDS = {
  Query: {
    incidents: ['filter'],
    alerts: ['filter'],
    tickets: ['filter'],
    services: ['filter'],
    teams: ['filter'],
    deployments: ['filter'],
    orchestrationPlans: ['filter'],
    orchestrationRuns: ['filter'],
  },
  Incident: { timeline: [], alerts: [], tickets: [], deployments: ['hoursBefore'], orchestrationRuns: [] },
  Service: { incidents: ['filter'], alerts: ['filter'], deployments: ['filter'], tickets: ['filter'] },
  Team: { services: [] },
  OrchestrationPlan: { runs: [] },
} as const satisfies Record<string, Record<string, readonly string[]>>;

/**
 * Types implementing `Node`: their `id` is a global ID, so Apollo's default identity
 * (`Incident:<id>`) is right, and a query that leaves `id` out still caches (embedded, not shared).
 */
export const NODE_TYPES = [
  'Alert',
  'Deployment',
  'Incident',
  'OrchestrationPlan',
  'OrchestrationRun',
  'Service',
  'Team',
  'Ticket',
  'TimelineEntry',
] as const;

/**
 * Types whose `id` is the provider's or only unique within its parent (a run's step `1`): kept
 * inside the record that holds them, never merged across records by that `id`.
 */
export const EMBEDDED_WITH_ID = ['AlertSilence', 'Message', 'OrchestrationStep', 'OrchestrationRunStep'] as const;

interface Page {
  __typename?: string;
  edges?: { cursor?: string; node: Reference }[];
  nodes?: Reference[];
  pageInfo?: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string; endCursor: string };
}

/**
 * `relayStylePagination`, also for queries that select `nodes` instead of `edges`: a page of nodes
 * is stored as edges (relayStylePagination takes the cursors from `pageInfo`), and `nodes` is read
 * back from the merged edges. Without this, `nodes` would be replaced by each page, not appended.
 */
export function connectionPagination(keyArgs: readonly string[]): FieldPolicy<Page | null> {
  const relay = relayStylePagination(keyArgs.length > 0 ? [...keyArgs] : false) as FieldPolicy<Page | null>;
  const relayRead = relay.read!;
  const relayMerge = relay.merge as Exclude<FieldPolicy<Page | null>['merge'], boolean | undefined>;
  return {
    keyArgs: relay.keyArgs,
    read(existing, options) {
      const page = relayRead(existing, options);
      return page ? { ...page, nodes: (page.edges ?? []).map((edge) => edge.node) } : page;
    },
    merge(existing, incoming, options) {
      if (!incoming || incoming.edges || !incoming.nodes) return relayMerge(existing, incoming, options);
      const { nodes, ...rest } = incoming;
      const edgeType = incoming.__typename?.replace(/Connection$/, 'Edge');
      const edges = nodes.map((node) => ({ ...(edgeType ? { __typename: edgeType } : {}), node }));
      return relayMerge(existing, { ...rest, edges }, options);
    },
  };
}

export function typePolicies(): TypePolicies {
  const policies: TypePolicies = {};
  for (const type of EMBEDDED_WITH_ID) policies[type] = { keyFields: false };
  for (const [type, fields] of Object.entries(CONNECTION_FIELDS)) {
    const fieldPolicies: Record<string, FieldPolicy<Page | null>> = {};
    for (const [field, keyArgs] of Object.entries(fields)) fieldPolicies[field] = connectionPagination(keyArgs);
    policies[type] = { ...policies[type], fields: fieldPolicies };
  }
  return policies;
}

export function createCache(): InMemoryCache {
  // `possibleTypes` lets fragments on `Node` (e.g. on `Query.node`) match the concrete records.
  return new InMemoryCache({ typePolicies: typePolicies(), possibleTypes: { Node: [...NODE_TYPES] } });
}
