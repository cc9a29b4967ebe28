import {
  LIST_ORDERS,
  matchesText,
  notFound,
  oneOf,
  settleEach,
  type Ticket,
  type TicketCapability,
  type TicketQuery,
} from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { forCall } from '../ops/context.js';
import { createTicket, findTicket, updateTicket } from '../ops/tickets.js';
import { page } from '../paging.js';
import { assigneeMatches, inScope } from '../scope.js';

export function ticketCapability(ctx: OpsContext): TicketCapability {
  const { world } = ctx;
  const matches = (query: TicketQuery) => (t: Ticket) =>
    inScope(world, t, query.scope) &&
    oneOf(t.status, query.statuses) &&
    assigneeMatches(world, [t.assignee], query.assignees) &&
    matchesText(query.query, t.key, t.title, t.description) &&
    (query.incidentId === undefined || t.incidentIds.includes(query.incidentId));
  return {
    query: (queries) =>
      settleEach(queries, (query) => {
        const found = world.tickets.filter(matches(query));
        return page(found, query, LIST_ORDERS.tickets);
      }),
    getMany: async (ids) =>
      ids.map((id) => {
        const ticket = findTicket(ctx, id);
        return ticket ? copy(ticket) : notFound('ticket', id);
      }),
    create: async (input, call) => copy(createTicket(forCall(ctx, call), input)),
    update: async (id, input, call) => copy(updateTicket(forCall(ctx, call), id, input)),
  };
}
