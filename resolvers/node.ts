/** `node(id)` / `nodes(ids)`: any record by global ID, routed to the provider that issued it. */
import { GraphQLError, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import type {
  AlertNode,
  DeploymentNode,
  IncidentNode,
  NodeKind,
  OrchestrationPlanNode,
  OrchestrationRunNode,
  ServiceNode,
  TeamNode,
  TicketNode,
  TimelineEntryNode,
} from '../src/data/models.js';
import { orNull } from '../src/data/or-null.js';
import type { Resolvers } from '../src/generated/graphql.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { fromGlobalId, parseTimelineEntryNativeId } from '../src/graphql/ids.js';
import type { LookaheadInfo } from '../src/graphql/lookahead.js';
import { incidentPage } from './incidents.js';

type NodeRecord =
  | IncidentNode
  | TimelineEntryNode
  | AlertNode
  | TicketNode
  | ServiceNode
  | TeamNode
  | DeploymentNode
  | OrchestrationPlanNode
  | OrchestrationRunNode;
export type Loaded = NodeRecord & { __typename: NodeKind };

/**
 * A record by global ID, typed by its kind; null when the provider no longer has it. An incident is
 * read as `incident(id:)` reads it: every read the field's selection (`... on Incident`) needs is
 * started with the incident or the moment it arrives.
 */
export function fetchNode(ctx: GatewayContext, id: string, info: GraphQLResolveInfo): Promise<Loaded | null> {
  const { kind, provider, nativeId } = fromGlobalId(id);
  return orNull(read(ctx, kind, provider, nativeId, info));
}

/** The node field's `info` as the Incident it resolves to: what the look-ahead reads. */
function onIncident(info: GraphQLResolveInfo): LookaheadInfo {
  return {
    returnType: info.schema.getType('Incident') as GraphQLObjectType,
    fieldNodes: info.fieldNodes,
    variableValues: info.variableValues,
    fragments: info.fragments,
  };
}

async function read(
  ctx: GatewayContext,
  kind: NodeKind,
  provider: string,
  nativeId: string,
  info: GraphQLResolveInfo,
): Promise<Loaded | null> {
  const d = ctx.data;
  const tag = (record: NodeRecord): Loaded => ({ ...record, __typename: kind });
  switch (kind) {
    case 'Incident':
      return tag(await incidentPage(ctx, onIncident(info), provider, nativeId));
    case 'Alert':
      return tag(await d.alerts.get(provider, nativeId));
    case 'Ticket':
      return tag(await d.tickets.get(provider, nativeId));
    case 'Service':
      return tag(await d.services.get(provider, nativeId));
    case 'Team':
      return tag(await d.teams.get(provider, nativeId));
    case 'Deployment':
      return tag(await d.deployments.get(provider, nativeId));
    case 'OrchestrationPlan':
      return tag(await d.orchestration.plan(provider, nativeId));
    case 'OrchestrationRun':
      return tag(await d.orchestration.run(provider, nativeId));
    case 'TimelineEntry': {
      const ref = parseTimelineEntryNativeId(nativeId);
      if (!ref) return null;
      const entry = (await d.incidents.timeline(provider, ref.incidentId)).find((e) => e.id === ref.entryId);
      return entry ? tag(entry) : null;
    }
  }
}

export const nodeResolvers: Resolvers = {
  Query: {
    node: (_, { id }, ctx, info) => fetchNode(ctx, id, info),
    nodes: (_, { ids }, ctx, info) => {
      if (ids.length > 100)
        throw new GraphQLError('nodes takes at most 100 IDs', { extensions: { code: 'BAD_USER_INPUT' } });
      return Promise.all(ids.map((id) => fetchNode(ctx, id, info)));
    },
  },
  Node: {
    __resolveType: (parent) => (parent as Loaded).__typename,
  },
};
