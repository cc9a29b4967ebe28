/**
 * The Jira adapter through the whole gateway, against a fake that answers as Jira Cloud's REST API
 * v3 documentation shows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJiraAdapter } from '../../../adapters/jira/index.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { OPS_ISSUES, seedJira } from '../../fakes/jira/seed.js';
import { type JiraFake, startJiraFake } from '../../fakes/jira/server.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';

let fake: JiraFake;
let gateway: TestGateway;
let url: string;

async function jira(overrides: Record<string, unknown> = {}) {
  return createJiraAdapter(
    { apiURL: fake.url, email: fake.email, apiToken: fake.token, projectKey: 'OPS', ...overrides },
    { name: 'jira', logger: testLogger },
  );
}

const ticketId = (key: string) => toGlobalId('Ticket', 'jira', key);

beforeAll(async () => {
  fake = await startJiraFake();
  seedJira(fake);
  gateway = await startTestGateway([{ name: 'jira', adapter: await jira() }]);
  url = gateway.url;
});

afterAll(async () => {
  await gateway?.stop();
  await fake?.stop();
});

beforeEach(() => {
  fake.requests.length = 0;
});

interface TicketsPage {
  tickets: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: { key: string; createdAt: string } }[];
  };
}

const TICKETS = /* GraphQL */ `
  query ($filter: TicketFilter, $first: Int, $after: String) {
    tickets(filter: $filter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { key createdAt } }
    }
  }
`;

describe('Jira tickets', () => {
  it('follows nextPageToken across search pages, newest first, only in the configured project', async () => {
    const keys: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const data: TicketsPage = await gqlData<TicketsPage>(url, TICKETS, { first: 60, after });
      keys.push(...data.tickets.edges.map((e) => e.node.key));
      if (!data.tickets.pageInfo.hasNextPage) break;
      after = data.tickets.pageInfo.endCursor;
    }
    expect(keys).toHaveLength(OPS_ISSUES);
    expect(new Set(keys).size).toBe(OPS_ISSUES);
    expect(keys[0]).toBe(`OPS-${OPS_ISSUES}`);
    expect(keys).not.toContain('SECRET-1');
    const searches = fake.searches();
    expect(searches.some((s) => s.nextPageToken)).toBe(true);
    for (const s of searches) {
      expect(s.jql).toBe('project = "OPS" ORDER BY created DESC, key DESC');
      expect(s.maxResults).toBe(50);
    }
    const auth = fake.requests[0]?.headers.authorization;
    expect(auth).toBe(`Basic ${Buffer.from(`${fake.email}:${fake.token}`).toString('base64')}`);
  });

  it('parses real Jira timestamps, statuses by category and name, and priorities, keeping raw values', async () => {
    const data = await gqlData<
      Record<
        string,
        {
          createdAt: string;
          status: string;
          rawStatus: string;
          priority: string;
          rawPriority: string;
          url: string;
          assignee: string | null;
          description: string;
        }
      >
    >(
      url,
      `query ($a: ID!, $b: ID!, $c: ID!, $d: ID!) {
        a: ticket(id: $a) { createdAt status rawStatus priority rawPriority url assignee description }
        b: ticket(id: $b) { createdAt status rawStatus priority rawPriority url assignee description }
        c: ticket(id: $c) { createdAt status rawStatus priority rawPriority url assignee description }
        d: ticket(id: $d) { createdAt status rawStatus priority rawPriority url assignee description }
      }`,
      { a: ticketId('OPS-3'), b: ticketId('OPS-4'), c: ticketId('OPS-5'), d: ticketId('OPS-1') },
    );
    // OPS-3 is written `...-0500`; OPS-4 `...+0000`: both are exact instants.
    expect(data.a?.createdAt).toBe(
      new Date(Date.parse('2025-11-21T10:00:00.000Z') - (OPS_ISSUES - 3) * 3_600_000).toISOString(),
    );
    expect(data.b?.createdAt).toBe(
      new Date(Date.parse('2025-11-21T10:00:00.000Z') - (OPS_ISSUES - 4) * 3_600_000).toISOString(),
    );
    expect(data.a).toMatchObject({
      status: 'BLOCKED',
      rawStatus: 'Blocked',
      priority: 'LOW',
      rawPriority: 'Low',
    });
    expect(data.b).toMatchObject({
      status: 'CANCELLED',
      rawStatus: "Won't Do",
      priority: 'LOWEST',
      rawPriority: 'Lowest',
    });
    expect(data.c).toMatchObject({ status: 'OPEN', rawStatus: 'To Do', priority: 'HIGHEST' });
    expect(data.d).toMatchObject({ status: 'IN_PROGRESS', rawStatus: 'In Progress', priority: 'HIGH', assignee: null });
    expect(data.b?.assignee).toBe('Bob Ng');
    expect(data.a?.url).toBe(`${fake.url}/browse/OPS-3`);
    expect(data.a?.description).toBe('Routine task number 3.');
    // Four tickets by ID are one `key in (...)` search.
    expect(fake.searches()).toEqual([expect.objectContaining({ jql: 'key in ("OPS-3", "OPS-4", "OPS-5", "OPS-1")' })]);
  });

  it('answers a batch with a missing key: the others still come back, the missing one is NOT_FOUND', async () => {
    const result = await gql<Record<string, { key: string } | null>>(
      url,
      `query ($a: ID!, $b: ID!) { a: ticket(id: $a) { key } b: ticket(id: $b) { key } }`,
      { a: ticketId('OPS-2'), b: ticketId('OPS-999') },
    );
    expect(result.data?.a).toEqual({ key: 'OPS-2' });
    expect(result.data?.b).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'jira', capability: 'ticket' });
    expect(result.errors?.[0]?.path).toEqual(['b']);
  });

  it('filters by status, assignee email, service and text with every value escaped', async () => {
    const data = await gqlData<TicketsPage>(url, TICKETS, {
      filter: { statuses: ['IN_PROGRESS'], assignees: ['bob@acme.test'], scope: { service: 'checkout-api' } },
      first: 100,
    });
    expect(data.tickets.edges.length).toBeGreaterThan(0);
    const jql = fake.searches()[0]?.jql;
    expect(jql).toBe(
      'project = "OPS" AND statusCategory in ("In Progress") AND assignee in ("5b10a2844c20165700ede21g") AND component = "checkout-api" ORDER BY created DESC, key DESC',
    );
    const text = await gqlData<TicketsPage>(url, TICKETS, { filter: { query: 'latency follow-up' }, first: 10 });
    expect(text.tickets.edges.map((e) => e.node.key)).toEqual(['OPS-7']);
  });

  it('cannot be steered out of the project by JQL injection', async () => {
    const attempts = [
      { query: '" OR project = SECRET OR text ~ "' },
      { query: '\\" OR project = SECRET OR text ~ \\"' },
      { scope: { service: 'checkout-api" OR project = "SECRET' } },
      { scope: { service: 'checkout-api\\" OR project = SECRET OR component = \\"x' } },
      { assignees: ['") OR project = SECRET OR assignee in ("'] },
    ];
    for (const filter of attempts) {
      fake.requests.length = 0;
      const result = await gql<TicketsPage>(url, TICKETS, { filter, first: 100 });
      expect(result.errors).toBeUndefined();
      expect(result.data?.tickets.edges.map((e) => e.node.key)).not.toContain('SECRET-1');
      for (const s of fake.searches()) expect(s.jql.startsWith('project = "OPS"')).toBe(true);
    }
    expect(fake.issues.find((i) => i.key === 'SECRET-1')).toBeTruthy();
  });

  it('creates a ticket whose rich description survives the trip through ADF', async () => {
    const description = [
      'Checkout p99 jumped after the deploy.',
      'Second line of the same paragraph.',
      '',
      '## Steps',
      '',
      '1. Roll back to v41',
      '2. Watch [the dashboard](https://grafana.acme.test/d/checkout)',
      '',
      '- owner: **payments**',
      '- see https://status.acme.test/incidents/42',
      '',
      '```sql',
      "SELECT count(*) FROM orders WHERE state = 'stuck';",
      '```',
      '',
      'Use `kubectl rollout undo` if *needed*.',
    ].join('\n');
    const created = await gqlData<{
      ticketCreate: {
        ticket: {
          id: string;
          key: string;
          description: string;
          priority: string;
          assignee: string;
          service: { name: string } | null;
        };
      };
    }>(
      url,
      `mutation ($d: String!) { ticketCreate(input: { title: "Checkout regression", description: $d, priority: HIGH, assignee: "carol@acme.test" }) {
        ticket { id key description priority assignee } userErrors { message } } }`,
      { d: description },
    );
    const ticket = created.ticketCreate.ticket;
    expect(ticket).toMatchObject({ priority: 'HIGH', assignee: 'Carol Diaz' });
    expect(ticket.description).toBe(description);

    const post = fake.requests.find((r) => r.method === 'POST' && r.path === '/rest/api/3/issue');
    const fields = (post?.body as { fields: Record<string, unknown> } | undefined)?.fields ?? {};
    expect(fields).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Task' },
      summary: 'Checkout regression',
      priority: { name: 'High' },
      assignee: { accountId: '5b10ac8d82e05b22cc7d4ef5' },
    });
    const doc = fields.description as { type: string; content: { type: string }[] };
    expect(doc.type).toBe('doc');
    expect(doc.content.map((n) => n.type)).toEqual([
      'paragraph',
      'heading',
      'orderedList',
      'bulletList',
      'codeBlock',
      'paragraph',
    ]);
    expect(JSON.stringify(doc)).toContain('{"type":"link","attrs":{"href":"https://grafana.acme.test/d/checkout"}}');
    expect(JSON.stringify(doc)).toContain('{"type":"hardBreak"}');

    const reread = await gqlData<{ ticket: { description: string } }>(
      url,
      `query ($id: ID!) { ticket(id: $id) { description } }`,
      {
        id: ticket.id,
      },
    );
    expect(reread.ticket.description).toBe(description);
  });

  it('moves a ticket through its workflow with transitions chosen by status category', async () => {
    const id = ticketId('OPS-5');
    const move = async (status: string) =>
      gqlData<{ ticketUpdate: { ticket: { status: string; rawStatus: string }; userErrors: { message: string }[] } }>(
        url,
        `mutation ($id: ID!, $s: TicketStatus!) { ticketUpdate(input: { id: $id, status: $s }) { ticket { status rawStatus } userErrors { message } } }`,
        { id, s: status },
      );
    expect((await move('IN_PROGRESS')).ticketUpdate.ticket).toEqual({
      status: 'IN_PROGRESS',
      rawStatus: 'In Progress',
    });
    expect((await move('BLOCKED')).ticketUpdate.ticket).toEqual({ status: 'BLOCKED', rawStatus: 'Blocked' });
    expect((await move('DONE')).ticketUpdate.ticket).toEqual({ status: 'DONE', rawStatus: 'Done' });
    expect((await move('CANCELLED')).ticketUpdate.ticket).toEqual({ status: 'CANCELLED', rawStatus: "Won't Do" });
    const posted = fake.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/transitions'))
      .map((r) => r.body);
    expect(posted).toEqual([
      { transition: { id: 't3' } },
      { transition: { id: 't10002' } },
      { transition: { id: 't10001' } },
      { transition: { id: 't10003' } },
    ]);
    fake.requests.length = 0;
    expect((await move('CANCELLED')).ticketUpdate.ticket.status).toBe('CANCELLED');
    expect(fake.requests.filter((r) => r.path.endsWith('/transitions'))).toEqual([]);
  });

  it('edits fields with a 204 from Jira and re-reads the issue', async () => {
    const data = await gqlData<{ ticketUpdate: { ticket: { title: string; priority: string; description: string } } }>(
      url,
      `mutation ($id: ID!) { ticketUpdate(input: { id: $id, title: "Renamed", priority: LOWEST, description: "- a\\n- b" }) { ticket { title priority description } userErrors { message } } }`,
      { id: ticketId('OPS-6') },
    );
    expect(data.ticketUpdate.ticket).toEqual({ title: 'Renamed', priority: 'LOWEST', description: '- a\n- b' });
    const put = fake.requests.find((r) => r.method === 'PUT');
    expect(put?.path).toBe('/rest/api/3/issue/OPS-6');
  });
});

describe('Jira failures', () => {
  it('waits out a 429 for the Retry-After Jira sends, then answers', async () => {
    fake.rateLimitNext(2, 0);
    const data = await gqlData<{ ticket: { key: string } }>(url, `query ($id: ID!) { ticket(id: $id) { key } }`, {
      id: ticketId('OPS-8'),
    });
    expect(data.ticket.key).toBe('OPS-8');
    expect(fake.searches()).toHaveLength(3);
  });

  it('reports RATE_LIMITED with retryAfter when Jira asks for a longer pause', async () => {
    fake.rateLimitNext(1, 120);
    const result = await gql(url, `query ($id: ID!) { ticket(id: $id) { key } }`, { id: ticketId('OPS-10') });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'jira' });
    expect(Number(result.errors?.[0]?.extensions?.retryAfter)).toBeGreaterThanOrEqual(60);
  });

  it('maps bad credentials to UNAUTHENTICATED without the token, the email:token pair or its encoding', async () => {
    const wrong = 'ATATT3xWrong-token-value';
    const bad = await startTestGateway([{ name: 'jira', adapter: await jira({ apiToken: wrong }) }]);
    try {
      const response = await fetch(bad.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ tickets { edges { cursor } } }' }),
      });
      const text = await response.text();
      for (const secret of [
        wrong,
        `${fake.email}:${wrong}`,
        Buffer.from(`${fake.email}:${wrong}`).toString('base64'),
      ]) {
        expect(text).not.toContain(secret);
      }
      const body = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
      expect(body.errors[0]?.message).toContain('Client must be authenticated');
      const health = await gqlData<{ providers: { health: { status: string } }[] }>(
        bad.url,
        '{ providers { health { status } } }',
      );
      expect(health.providers.map((p) => p.health.status)).toEqual(['DOWN']);
    } finally {
      await bad.stop();
    }
  });

  it('stops following nextPageToken at maxPages with TOO_MANY_PAGES when Jira never says isLast', async () => {
    const capped = await startTestGateway([{ name: 'jira', adapter: await jira({ maxPages: 4 }) }]);
    fake.endless = true;
    try {
      const result = await gql(capped.url, TICKETS, { filter: { query: 'words no ticket has' }, first: 5 });
      expect(result.data?.tickets).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'TOO_MANY_PAGES',
        provider: 'jira',
        capability: 'ticket',
      });
      expect(result.errors?.[0]?.message).toContain('after 4 pages');
      expect(fake.searches()).toHaveLength(4);
    } finally {
      fake.endless = false;
      await capped.stop();
    }
  });

  it('reports the configured site healthy through /myself', async () => {
    const health = await gqlData<{ providers: { provider: string; health: { status: string } }[] }>(
      url,
      '{ providers { provider health { status } } }',
    );
    expect(health.providers).toEqual([{ provider: 'jira', health: { status: 'HEALTHY' } }]);
    expect(fake.requests.some((r) => r.path === '/rest/api/3/myself')).toBe(true);
  });
});

describe('Jira config', () => {
  it('names the bad key and never echoes a value', async () => {
    await expect(jira({ apiToken: '' })).rejects.toThrow(/apiToken/);
    await expect(jira({ email: 'not-an-email-secretish' })).rejects.toThrow(/email/);
    await expect(jira({ email: 'not-an-email-secretish' })).rejects.not.toThrow(/secretish/);
    await expect(jira({ projectKey: 'ops; drop' })).rejects.toThrow(/projectKey/);
    await expect(jira({ apiURL: undefined })).rejects.toThrow(/apiURL/);
  });
});
