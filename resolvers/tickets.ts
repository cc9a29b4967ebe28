import { LIST_ORDERS } from '../adapters/contract/index.js';
import type { IncidentNode, TicketNode } from '../src/data/models.js';
import type { Resolvers, TicketFilter } from '../src/generated/graphql.js';
import { connection } from '../src/graphql/connection.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import { compact, toScope } from './arguments.js';
import { serviceOf } from './joins.js';
import { recordFields } from './records.js';
import { decodeInputId, isUserError, mutationFailure, requireText } from './user-errors.js';

export function ticketQuery(filter: TicketFilter | null | undefined) {
  const { incidentId, scope, ...rest } = compact(filter);
  return {
    ...rest,
    scope: toScope(scope),
    ...(incidentId ? { incidentId: expectGlobalId(incidentId, 'Incident', 'filter.incidentId').nativeId } : {}),
  };
}

export const ticketResolvers: Resolvers = {
  Query: {
    async tickets(_, { filter, first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.tickets, (page) =>
        ctx.data.tickets.list({ ...ticketQuery(filter), ...page }),
      );
    },
    ticket(_, { id }, ctx) {
      const global = expectGlobalId(id, 'Ticket');
      return ctx.data.tickets.get(global.provider, global.nativeId);
    },
  },
  Ticket: {
    ...recordFields<TicketNode>('Ticket', 'ticket'),
    service: (parent, _, ctx) => serviceOf(ctx, parent),
    async incidents(parent, _, ctx) {
      if (parent.incidentIds.length === 0) return [];
      const incidents = await ctx.data.incidents.linked(parent.provider, parent.incidentIds);
      return incidents.filter((i): i is IncidentNode => i !== null);
    },
  },
  Mutation: {
    async ticketCreate(_, { input }, ctx) {
      const blank = requireText(input.title, ['input', 'title'], 500);
      if (blank) return { ticket: null, userErrors: [blank] };
      let incidentId: string | undefined;
      if (input.incidentId) {
        const id = decodeInputId(input.incidentId, 'Incident', ['input', 'incidentId']);
        if (isUserError(id)) return { ticket: null, userErrors: [id] };
        incidentId = id.nativeId;
      }
      try {
        const { fields, incidentId: _ignored, ...rest } = compact(input);
        const ticket = await ctx.data.tickets.create({
          ...rest,
          title: input.title.trim(),
          ...(incidentId ? { incidentId } : {}),
          ...(fields ? { fields: fields as Record<string, unknown> } : {}),
        });
        return { ticket, userErrors: [] };
      } catch (err) {
        return { ticket: null, userErrors: [mutationFailure(err)] };
      }
    },
    async ticketUpdate(_, { input }, ctx) {
      const id = decodeInputId(input.id, 'Ticket', ['input', 'id']);
      if (isUserError(id)) return { ticket: null, userErrors: [id] };
      if (input.title != null) {
        const blank = requireText(input.title, ['input', 'title'], 500);
        if (blank) return { ticket: null, userErrors: [blank] };
      }
      let incidentId: string | undefined;
      if (input.incidentId) {
        const incident = decodeInputId(input.incidentId, 'Incident', ['input', 'incidentId']);
        if (isUserError(incident)) return { ticket: null, userErrors: [incident] };
        incidentId = incident.nativeId;
      }
      try {
        const { id: _id, fields, incidentId: _ignored, ...rest } = compact(input);
        const ticket = await ctx.data.tickets.update(id.provider, id.nativeId, {
          ...rest,
          ...(incidentId ? { incidentId } : {}),
          ...(fields ? { fields: fields as Record<string, unknown> } : {}),
        });
        return { ticket, userErrors: [] };
      } catch (err) {
        return { ticket: null, userErrors: [mutationFailure(err, ['input', 'id'])] };
      }
    },
  },
};
