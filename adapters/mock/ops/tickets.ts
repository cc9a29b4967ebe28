import {
  badInput,
  notFound,
  type Ticket,
  type TicketCreate,
  type TicketPriority,
  type TicketStatus,
  type TicketUpdate,
} from '../../contract/index.js';
import { canonicalPerson, findService } from '../scope.js';
import { links } from '../world/links.js';
import { iso } from '../world/time.js';
import { TICKET_PRIORITY_RAW, TICKET_STATUS_RAW } from '../world/vocab.js';
import { checkRoom, mergedFields, WORLD_BOUNDS } from './bounds.js';
import { actorOf, type OpsContext, requireText } from './context.js';

/** Jira accepts an issue's numeric ID or its key wherever it takes one. */
export function findTicket(ctx: OpsContext, idOrKey: string): Ticket | undefined {
  const key = idOrKey.toUpperCase();
  return ctx.world.tickets.find((t) => t.id === idOrKey || t.key === key);
}

function linkedIncident(ctx: OpsContext, incidentId: string): string {
  if (!ctx.world.incidents.some((i) => i.id === incidentId)) throw notFound('incident', incidentId);
  return incidentId;
}

function checkPriority(priority: TicketPriority): TicketPriority {
  if (!(priority in TICKET_PRIORITY_RAW)) throw badInput(`unknown priority ${JSON.stringify(priority)}`);
  return priority;
}

export function createTicket(ctx: OpsContext, input: TicketCreate): Ticket {
  const { world } = ctx;
  checkRoom('ticket', world.tickets.length, WORLD_BOUNDS.tickets);
  const title = requireText(input.title, 'title');
  const priority = checkPriority(input.priority ?? 'MEDIUM');
  const service = input.service ? findService(world, input.service) : undefined;
  if (input.service && !service) throw badInput(`unknown service ${JSON.stringify(input.service)}`);
  const incidentIds = input.incidentId ? [linkedIncident(ctx, input.incidentId)] : [];
  const key = `OPS-${world.sequences.ticketNumber++}`;
  const now = iso(world.clock.now());
  const ticket: Ticket = {
    id: String(world.sequences.ticketId++),
    key,
    title,
    description: input.description ?? null,
    status: 'OPEN',
    rawStatus: TICKET_STATUS_RAW.OPEN,
    priority,
    rawPriority: TICKET_PRIORITY_RAW[priority],
    assignee: input.assignee ? canonicalPerson(world, input.assignee) : null,
    reporter: actorOf(ctx),
    createdAt: now,
    updatedAt: now,
    service: service?.service.name ?? null,
    incidentIds,
    url: links.ticket(key),
    fields: { project: 'OPS', issuetype: incidentIds.length > 0 ? 'Bug' : 'Task', ...input.fields },
  };
  world.tickets.push(ticket);
  return ticket;
}

export function updateTicket(ctx: OpsContext, id: string, input: TicketUpdate): Ticket {
  const { world } = ctx;
  const ticket = findTicket(ctx, id);
  if (!ticket) throw notFound('ticket', id);
  const title = input.title === undefined ? undefined : requireText(input.title, 'title');
  if (input.status !== undefined && (!(input.status in TICKET_STATUS_RAW) || input.status === 'UNKNOWN')) {
    throw badInput(`unknown status ${JSON.stringify(input.status)}`);
  }
  const priority = input.priority === undefined ? undefined : checkPriority(input.priority);
  const incidentId = input.incidentId ? linkedIncident(ctx, input.incidentId) : undefined;
  const fields = input.fields === undefined ? undefined : mergedFields(ticket.fields, input.fields);

  if (title !== undefined) ticket.title = title;
  if (input.description !== undefined) ticket.description = input.description;
  if (input.status !== undefined) setStatus(ticket, input.status);
  if (priority !== undefined) {
    ticket.priority = priority;
    ticket.rawPriority = TICKET_PRIORITY_RAW[priority];
  }
  if (input.assignee !== undefined) ticket.assignee = input.assignee ? canonicalPerson(world, input.assignee) : null;
  if (incidentId && !ticket.incidentIds.includes(incidentId)) ticket.incidentIds = [...ticket.incidentIds, incidentId];
  if (fields !== undefined) ticket.fields = fields;
  ticket.updatedAt = iso(world.clock.now());
  return ticket;
}

function setStatus(ticket: Ticket, status: TicketStatus): void {
  ticket.status = status;
  ticket.rawStatus = TICKET_STATUS_RAW[status];
}
