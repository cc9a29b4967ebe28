/**
 * Federation entity references (`_entities`), resolved like `node(id)`: through the request's data
 * floor, so the references of one `_entities` call share loaders and N references of a kind cost
 * one batched call per provider. Services also resolve by canonical name or alias, so a subgraph
 * that knows a service only by name can join it.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { NodeKind } from '../src/data/models.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { badUserInput } from '../src/graphql/errors.js';
import { fetchNode } from './node.js';

interface Reference {
  id?: string;
  name?: string;
}

function byKey(kind: NodeKind) {
  return async (reference: Reference, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    if (reference.id === undefined) {
      if (kind === 'Service' && reference.name !== undefined) return ctx.data.services.byName(reference.name);
      throw badUserInput(`a ${kind} reference needs its id`, 'representations');
    }
    const record = await fetchNode(ctx, reference.id, info);
    if (record && record.__typename !== kind) {
      throw badUserInput(`${reference.id} is not a ${kind} ID`, 'representations');
    }
    return record;
  };
}

/** Entities other subgraphs may reference, and their keys. `id` is the opaque global ID. */
export const ENTITY_KEYS: Readonly<Partial<Record<NodeKind, readonly string[]>>> = {
  Incident: ['id'],
  Service: ['id', 'name'],
  Team: ['id'],
  Ticket: ['id'],
  Alert: ['id'],
  Deployment: ['id'],
  OrchestrationRun: ['id'],
};

export const entityResolvers = Object.fromEntries(
  Object.keys(ENTITY_KEYS).map((kind) => [kind, { __resolveReference: byKey(kind as NodeKind) }]),
) as Record<string, { __resolveReference: ReturnType<typeof byKey> }>;
