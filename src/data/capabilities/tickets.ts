/** Tickets: reads and writes; `service` inputs are canonical names, mapped into the provider's. */
import type * as m from '../../../adapters/contract/index.js';
import { allowed, type CountedPage, countList, TICKET_STATUSES, withCounts } from '../aggregates/counts.js';
import type { RequestData } from '../floor.js';
import type { ListFetch, ListQuery } from '../loaders.js';
import type { TicketNode } from '../models.js';

const BY_ID = { capability: 'ticket', operation: 'getMany' } as const;

const QUERY: ListFetch<'ticket', m.TicketQuery, m.Ticket> = (impl, qs, ctx) => impl.query(qs, ctx);

export class TicketData {
  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<TicketNode> {
    return this.data.loaders.byId<m.Ticket>('ticket', provider, BY_ID.operation, id);
  }

  /** A page of tickets; `counts()` counts every ticket the filter matches. */
  async list(query: ListQuery<m.TicketQuery>): Promise<CountedPage<m.Ticket, m.TicketStatus>> {
    const page = await this.data.loaders.page('ticket', 'query', query, QUERY);
    const { first: _first, after: _after, ...filter } = query;
    return withCounts(page, () =>
      countList(
        this.data.loaders.listSource('ticket', 'query', filter, QUERY),
        allowed(TICKET_STATUSES, query.statuses),
        null,
        this.data.floor.maxAggregateRecords,
      ),
    );
  }

  /** Creates the ticket in the first ticket provider. */
  async create(input: m.TicketCreate): Promise<TicketNode> {
    const provider = this.data.floor.registry.primary('ticket').provider;
    const service = input.service ? this.data.floor.registry.serviceNameFor(provider, input.service) : input.service;
    const created = await this.data.write('ticket', provider, 'create', (impl, ctx) =>
      impl.create({ ...input, ...(service ? { service } : {}) }, ctx),
    );
    return this.remember({ ...created, provider });
  }

  async update(provider: string, id: string, input: m.TicketUpdate): Promise<TicketNode> {
    const updated = await this.data.write('ticket', provider, 'update', (impl, ctx) => impl.update(id, input, ctx), [
      id,
    ]);
    return this.remember({ ...updated, provider });
  }

  private remember(ticket: TicketNode): TicketNode {
    this.data.loaders.remember({ ...BY_ID, provider: ticket.provider }, ticket.id, ticket);
    return ticket;
  }
}
