import { anyRecord, arrayOf, listOutput, positiveInteger, scope, string, toolInput } from '../json-schema.js';
import * as shape from '../opsorch-shapes.js';
import { READ, type Tool } from '../tool.js';
import * as words from '../vocabulary.js';
import { collect, defined, limitOf, listAnswer, recordTool, scopeOf } from './support.js';

export const queryTickets: Tool = {
  name: 'query-tickets',
  title: 'Query Tickets',
  description:
    'Search tickets (work items) by statuses (open, in progress, done, ...), assignees, reporter, scope and free text, newest first.',
  inputSchema: toolInput({
    query: string(),
    statuses: arrayOf(string()),
    assignees: arrayOf(string()),
    reporter: string(),
    scope: scope(),
    limit: positiveInteger(),
    metadata: anyRecord(),
  }),
  outputSchema: listOutput('tickets'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const filter = defined({
      query: args.query,
      statuses: words.ticketStatuses(args.statuses),
      assignees: Array.isArray(args.assignees) && args.assignees.length > 0 ? args.assignees : undefined,
      scope: scopeOf(args.scope),
    });
    // The schema has no reporter filter: the gateway keeps only the reporter's tickets as it pages.
    const reporter = typeof args.reporter === 'string' && args.reporter !== '' ? args.reporter : undefined;
    const found = await collect(
      ctx,
      'query-tickets',
      { filter },
      ['tickets'],
      limitOf(args.limit),
      shape.ticket,
      words.allOf(words.statusWords.ticket(args.statuses), reporter ? (t) => t.reporter === reporter : undefined),
    );
    return { structured: listAnswer('tickets', found, 'statuses, assignees, scope or query, or a smaller limit') };
  },
};

export const getTicket = recordTool({
  name: 'get-ticket',
  title: 'Get Ticket',
  description: 'Read one ticket by its ID, with its priority, linked incidents in metadata, and deep link.',
  kind: 'Ticket',
  root: 'ticket',
  key: 'ticket',
  shape: shape.ticket,
});
