/**
 * The GitHub adapter through the whole gateway (GraphQL in, GitHub REST out) against a fake that
 * answers as GitHub's REST API documentation shows: issues as tickets, deployments with their
 * statuses (and workflow runs where a repository has none), teams and members, auth, rate limits,
 * failures and malformed answers.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubAdapter } from '../../../adapters/github/index.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { INCIDENT, seedGitHub } from '../../fakes/github/seed.js';
import { type GitHubFake, LEGACY_REPO, startGitHubFake } from '../../fakes/github/server.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';

let fake: GitHubFake;
let gateway: TestGateway;
let url: string;

const github = (config: Record<string, unknown> = {}, name = 'github') =>
  createGitHubAdapter(
    {
      token: fake.token,
      owner: fake.owner,
      repo: fake.repo,
      apiURL: fake.url,
      webURL: 'https://github.com',
      maxRetryWaitMs: 3000,
      ...config,
    },
    { name, logger: testLogger },
  );

beforeAll(async () => {
  fake = await startGitHubFake();
  seedGitHub(fake);
  gateway = await startTestGateway([
    { name: 'github', adapter: await github(), capabilities: ['ticket', 'deployment', 'team'] },
    { name: 'legacy', adapter: await github({ repo: LEGACY_REPO }), capabilities: ['deployment'] },
  ]);
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
    totalCount: number | null;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: {
      id: string;
      key: string;
      title: string;
      status: string;
      rawStatus: string;
      priority: string;
      url: string;
      createdAt: string;
      assignee: string | null;
    }[];
  };
}

/** No totalCount: GitHub cannot count, so asking for it makes the gateway count (more requests). */
const TICKETS = /* GraphQL */ `
  query ($filter: TicketFilter, $first: Int, $after: String) {
    tickets(filter: $filter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id key title status rawStatus priority url createdAt assignee }
    }
  }
`;

const COUNTED_TICKETS = TICKETS.replace('pageInfo', 'totalCount pageInfo');

const issuesOnly = () => fake.issues.filter((i) => !i.pull_request);

describe('GitHub issues as tickets', () => {
  it('pages through every issue newest first, skipping pull requests, with Link-header paging', async () => {
    const keys: string[] = [];
    const created: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const data: TicketsPage = await gqlData<TicketsPage>(url, TICKETS, { first: 40, after });
      keys.push(...data.tickets.nodes.map((n) => n.key));
      created.push(...data.tickets.nodes.map((n) => n.createdAt));
      if (!data.tickets.pageInfo.hasNextPage) break;
      after = data.tickets.pageInfo.endCursor;
    }
    expect(keys).toHaveLength(issuesOnly().length);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain('checkout#7');
    expect([...created].sort().reverse()).toEqual(created);
    const list = fake.requestsTo('/repos/acme/checkout/issues');
    expect(list.map((r) => r.query.get('page'))).toEqual(['1']);
    expect(list[0]?.query.get('sort')).toBe('created');
    expect(list[0]?.query.get('direction')).toBe('desc');
    expect(list[0]?.query.get('state')).toBe('all');
    expect(list[0]?.authorization).toBe(`token ${fake.token}`);
    // Later pages resume from the last ticket seen, by creation time, through the search API.
    const searches = fake.requestsTo('/search/issues');
    expect(searches.length).toBeGreaterThan(0);
    for (const s of searches) expect(s.query.get('q')).toMatch(/^repo:acme\/checkout is:issue created:<=\S+Z$/);
  });

  it('neither repeats nor skips a ticket when issues are opened between pages', async () => {
    const first = await gqlData<TicketsPage>(url, TICKETS, { first: 10 });
    const now = new Date().toISOString();
    fake.issues.push({
      number: 500,
      title: 'Opened while paging',
      body: '',
      state: 'open',
      state_reason: null,
      labels: [],
      assignees: [],
      user: 'carol',
      created_at: now,
      updated_at: now,
    });
    try {
      const second = await gqlData<TicketsPage>(url, TICKETS, { first: 10, after: first.tickets.pageInfo.endCursor });
      const expected = issuesOnly()
        .filter((i) => i.number !== 500)
        .sort((a, b) => b.number - a.number)
        .slice(10, 20)
        .map((i) => `checkout#${i.number}`);
      expect(second.tickets.nodes.map((n) => n.key)).toEqual(expected);
    } finally {
      fake.issues.pop();
    }
  });

  it('pushes state, assignee and the incident label to the issues API', async () => {
    const data = await gqlData<Record<string, TicketsPage['tickets']>>(
      url,
      `query ($incident: ID!) {
        open: tickets(filter: { statuses: [OPEN], assignees: ["alice"] }, first: 5) { totalCount pageInfo { hasNextPage endCursor } nodes { id key title status rawStatus priority url createdAt assignee } }
        linked: tickets(filter: { incidentId: $incident }, first: 50) { totalCount pageInfo { hasNextPage endCursor } nodes { id key title status rawStatus priority url createdAt assignee } }
      }`,
      { incident: toGlobalId('Incident', 'pagerduty', INCIDENT) },
    );
    for (const n of data.open?.nodes ?? []) {
      expect(n.status).toBe('OPEN');
      expect(n.assignee).toBe('alice');
    }
    expect(data.open?.nodes).toHaveLength(5);
    const linked = issuesOnly()
      .filter((i) => i.labels.includes(`opsorch-incident-${INCIDENT}`))
      .map((i) => `checkout#${i.number}`);
    expect(data.linked?.nodes.map((n) => n.key).sort()).toEqual(linked.sort());
    const queries = fake.requestsTo('/repos/acme/checkout/issues').map((r) => Object.fromEntries(r.query));
    expect(queries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ state: 'open', assignee: 'alice' }),
        expect.objectContaining({ state: 'all', labels: `opsorch-incident-${INCIDENT}` }),
      ]),
    );
  });

  it('maps closed-as-completed to DONE and not-planned to CANCELLED, with raw values and priority labels', async () => {
    const data = await gqlData<Record<string, TicketsPage['tickets']>>(
      url,
      `{ done: tickets(filter: { statuses: [DONE] }, first: 100) { totalCount pageInfo { hasNextPage endCursor } nodes { id key title status rawStatus priority url createdAt assignee } }
         cancelled: tickets(filter: { statuses: [CANCELLED] }, first: 3) { totalCount pageInfo { hasNextPage endCursor } nodes { id key title status rawStatus priority url createdAt assignee } }
         blocked: tickets(filter: { statuses: [BLOCKED] }) { totalCount pageInfo { hasNextPage endCursor } nodes { id key title status rawStatus priority url createdAt assignee } } }`,
    );
    expect(data.done?.nodes.length).toBe(issuesOnly().filter((i) => i.state_reason === 'completed').length);
    for (const n of data.done?.nodes ?? []) expect([n.status, n.rawStatus]).toEqual(['DONE', 'closed:completed']);
    for (const n of data.cancelled?.nodes ?? [])
      expect([n.status, n.rawStatus]).toEqual(['CANCELLED', 'closed:not_planned']);
    expect(data.blocked?.nodes).toEqual([]);
    const ticket = await gqlData<{
      ticket: { priority: string; rawPriority: string; url: string; key: string; reporter: string };
    }>(url, 'query ($id: ID!) { ticket(id: $id) { key priority rawPriority url reporter } }', {
      id: toGlobalId('Ticket', 'github', '8'),
    });
    expect(ticket.ticket).toEqual({
      key: 'checkout#8',
      priority: 'HIGH',
      rawPriority: 'priority: high',
      url: 'https://github.com/acme/checkout/issues/8',
      reporter: 'carol',
    });
  });

  it('searches free text as one quoted phrase, so qualifiers in it stay text', async () => {
    const data = await gqlData<TicketsPage>(url, COUNTED_TICKETS, {
      filter: { query: 'timeout at payment' },
      first: 50,
    });
    expect(data.tickets.nodes.length).toBeGreaterThan(0);
    for (const n of data.tickets.nodes) expect(n.title).toContain('timeout at payment');
    expect(data.tickets.totalCount).toBe(data.tickets.nodes.length);

    const hostile = 'x" label:secret repo:evil/private OR is:pr (assignee:root) \\';
    const injected = await gqlData<TicketsPage>(url, TICKETS, {
      filter: { query: hostile, statuses: [OPEN_STATUS] },
      first: 50,
    });
    expect(injected.tickets.nodes).toEqual([]);
    const q = fake.requestsTo('/search/issues').at(-1)?.query.get('q');
    expect(q).toBe(
      'repo:acme/checkout is:issue state:open "x label:secret repo:evil/private OR is:pr (assignee:root)"',
    );
  });

  it('answers a batch of tickets by number, a pull request or unknown number as not found', async () => {
    const ids = ['3', '7', '9999', 'abc'].map((n) => toGlobalId('Ticket', 'github', n));
    const result = await gql<{ nodes: ({ key: string } | null)[] }>(
      url,
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Ticket { key } } }',
      { ids },
    );
    expect(result.data?.nodes).toEqual([{ key: 'checkout#3' }, null, null, null]);
    // A pull request is asked for once and refused; a non-number is never sent.
    expect(fake.requests.map((r) => r.path).sort()).toEqual([
      '/repos/acme/checkout/issues/3',
      '/repos/acme/checkout/issues/7',
      '/repos/acme/checkout/issues/9999',
    ]);
  });
});

const OPEN_STATUS = 'OPEN';

describe('GitHub ticket writes', () => {
  it('creates an issue with the incident and priority labels, and closes it as completed', async () => {
    const created = await gqlData<{
      ticketCreate: {
        ticket: { id: string; key: string; priority: string; url: string; incidents: unknown } | null;
        userErrors: unknown[];
      };
    }>(
      url,
      `mutation ($incident: ID!) { ticketCreate(input: { title: "Refund backlog", description: "From the incident", priority: HIGHEST, assignee: "alice", incidentId: $incident }) {
        ticket { id key priority url } userErrors { code message } } }`,
      { incident: toGlobalId('Incident', 'pagerduty', 'PNEW1') },
    );
    expect(created.ticketCreate.userErrors).toEqual([]);
    const post = fake.requestsTo('/repos/acme/checkout/issues', 'POST')[0];
    expect(post?.body).toEqual({
      title: 'Refund backlog',
      body: 'From the incident',
      assignees: ['alice'],
      labels: ['priority: highest', 'opsorch-incident-PNEW1'],
    });
    expect(created.ticketCreate.ticket?.priority).toBe('HIGHEST');
    const number = created.ticketCreate.ticket?.key.split('#')[1] as string;
    expect(created.ticketCreate.ticket?.url).toBe(`https://github.com/acme/checkout/issues/${number}`);

    const updated = await gqlData<{ ticketUpdate: { ticket: { status: string; rawStatus: string } | null } }>(
      url,
      'mutation ($id: ID!) { ticketUpdate(input: { id: $id, status: DONE }) { ticket { status rawStatus } userErrors { code message } } }',
      { id: created.ticketCreate.ticket?.id },
    );
    expect(updated.ticketUpdate.ticket).toEqual({ status: 'DONE', rawStatus: 'closed:completed' });
    expect(fake.requestsTo(`/repos/acme/checkout/issues/${number}`, 'PATCH')[0]?.body).toEqual({
      state: 'closed',
      state_reason: 'completed',
    });

    const invalid = await gqlData<{ ticketUpdate: { userErrors: { code: string; message: string }[] } }>(
      url,
      'mutation ($id: ID!) { ticketUpdate(input: { id: $id, status: BLOCKED }) { userErrors { code message } } }',
      { id: created.ticketCreate.ticket?.id },
    );
    expect(invalid.ticketUpdate.userErrors[0]?.code).toBe('INVALID');
  });

  it('retries a read after a 5xx but never a write', async () => {
    fake.failNext(1, 502);
    const read = await gqlData<{ ticket: { key: string } }>(url, 'query ($id: ID!) { ticket(id: $id) { key } }', {
      id: toGlobalId('Ticket', 'github', '4'),
    });
    expect(read.ticket.key).toBe('checkout#4');
    expect(fake.requestsTo('/repos/acme/checkout/issues/4')).toHaveLength(2);

    const before = fake.issues.length;
    fake.failNext(1, 502);
    const write = await gql(
      url,
      'mutation { ticketCreate(input: { title: "Once only" }) { ticket { key } userErrors { code } } }',
    );
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'github' });
    expect(fake.requestsTo('/repos/acme/checkout/issues', 'POST')).toHaveLength(1);
    expect(fake.issues.length).toBe(before);
  });
});

describe('GitHub failures', () => {
  it('waits out a short primary or secondary rate limit, and fails at once on a long one', async () => {
    fake.rateLimitNext(1, 1);
    const short = await gqlData<TicketsPage>(url, TICKETS, { first: 1 });
    expect(short.tickets.nodes).toHaveLength(1);
    expect(fake.requestsTo('/repos/acme/checkout/issues')).toHaveLength(2);

    fake.requests.length = 0;
    fake.rateLimitNext(1, 1, 'secondary');
    expect((await gqlData<TicketsPage>(url, TICKETS, { first: 1 })).tickets.nodes).toHaveLength(1);
    expect(fake.requestsTo('/repos/acme/checkout/issues')).toHaveLength(2);

    fake.requests.length = 0;
    fake.rateLimitNext(1, 120);
    const long = await gql(url, TICKETS, { first: 1 });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'github' });
    expect(Number(long.errors?.[0]?.extensions?.retryAfter)).toBeGreaterThan(100);
    expect(fake.requestsTo('/repos/acme/checkout/issues')).toHaveLength(1);
  });

  it('sends a rate-limited write once and answers PROVIDER_RATE_LIMITED with retryAfter, however short the wait', async () => {
    for (const kind of ['primary', 'secondary'] as const) {
      fake.requests.length = 0;
      const before = fake.issues.length;
      fake.rateLimitNext(1, 1, kind);
      const write = await gql(
        url,
        'mutation { ticketCreate(input: { title: "Not twice" }) { ticket { key } userErrors { code } } }',
      );
      expect(write.errors?.[0]?.extensions).toMatchObject({
        code: 'PROVIDER_RATE_LIMITED',
        provider: 'github',
        capability: 'ticket',
      });
      expect(Number(write.errors?.[0]?.extensions?.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(fake.requestsTo('/repos/acme/checkout/issues', 'POST')).toHaveLength(1);
      expect(fake.issues.length).toBe(before);
    }
  });

  it('stops following rel="next" at maxPages with TOO_MANY_PAGES, for issues and for teams', async () => {
    const capped = await startTestGateway([
      { name: 'github', adapter: await github({ maxPages: 3, pageSize: 2 }), capabilities: ['ticket', 'team'] },
    ]);
    try {
      for (const [path, query] of [
        ['/repos/acme/checkout/issues', '{ tickets(first: 100) { nodes { key } } }'],
        ['/orgs/acme/teams', '{ teams(first: 10) { nodes { name } } }'],
      ] as const) {
        fake.endless = path;
        fake.requests.length = 0;
        const result = await gql(capped.url, query);
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_PAGES', provider: 'github' });
        expect(result.errors?.[0]?.message).toContain('after 3 pages');
        expect(fake.requestsTo(path)).toHaveLength(3);
      }
    } finally {
      fake.endless = null;
      await capped.stop();
    }
  });

  it('reports bad credentials without the token, and a malformed answer as a provider error', async () => {
    const wrong = await startTestGateway([{ name: 'github', adapter: await github({ token: 'ghp_wrongwrongwrong' }) }]);
    try {
      const result = await gql(wrong.url, TICKETS, { first: 1 });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', provider: 'github' });
      expect(result.errors?.[0]?.message).toContain('Bad credentials');
      const health = await gqlData<{ providers: { health: { status: string; message: string } }[] }>(
        wrong.url,
        '{ providers { health { status message } } }',
      );
      expect(health.providers[0]?.health.status).toBe('DOWN');
      expect(JSON.stringify([result, health])).not.toContain('ghp_wrongwrongwrong');
    } finally {
      await wrong.stop();
    }
    fake.malformedNext();
    const malformed = await gql(url, TICKETS, { first: 1 });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'github' });
  });
});

describe('GitHub deployments', () => {
  interface DeploymentsPage {
    deployments: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: {
        id: string;
        version: string;
        environment: string;
        status: string;
        rawStatus: string;
        url: string;
        startedAt: string;
        finishedAt: string | null;
        commit: string;
        author: string;
      }[];
    };
  }
  const DEPLOYMENTS = /* GraphQL */ `
    query ($filter: DeploymentFilter, $first: Int, $after: String) {
      deployments(filter: $filter, first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id version environment status rawStatus url startedAt finishedAt commit author }
      }
    }
  `;

  it('lists deployments with their latest status, environment pushed to the API, across pages', async () => {
    const production = fake.deployments.filter((d) => d.environment === 'production').sort((a, b) => b.id - a.id);
    const seen: DeploymentsPage['deployments']['nodes'] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const data: DeploymentsPage = await gqlData<DeploymentsPage>(url, DEPLOYMENTS, {
        filter: { scope: { environment: 'production', service: 'checkout' } },
        first: 8,
        after,
      });
      seen.push(...data.deployments.nodes);
      if (!data.deployments.pageInfo.hasNextPage) break;
      after = data.deployments.pageInfo.endCursor;
    }
    expect(seen.map((d) => d.version)).toEqual(production.map((d) => d.ref));
    const lists = fake.requestsTo('/repos/acme/checkout/deployments').filter((r) => r.query.has('page'));
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((r) => r.query.get('environment') === 'production')).toBe(true);
    const failed = seen.find((d) => d.rawStatus === 'failure');
    expect(failed).toMatchObject({ status: 'FAILED', environment: 'production' });
    expect(failed?.url).toMatch(/^https:\/\/github\.com\/acme\/checkout\/actions\/runs\/\d+$/);
    expect(failed?.finishedAt).not.toBeNull();
    const pending = seen.find((d) => d.rawStatus === 'queued');
    expect(pending).toMatchObject({
      status: 'PENDING',
      finishedAt: null,
      url: 'https://github.com/acme/checkout/deployments/production',
    });
  });

  it('filters by status and answers nothing for another service without asking GitHub', async () => {
    const data = await gqlData<Record<string, DeploymentsPage['deployments']>>(
      url,
      `{ failed: deployments(filter: { statuses: [FAILED] }, first: 50) { pageInfo { hasNextPage endCursor } nodes { id version environment status rawStatus url startedAt finishedAt commit author } }
         other: deployments(filter: { scope: { service: "ledger" } }) { pageInfo { hasNextPage endCursor } nodes { id version environment status rawStatus url startedAt finishedAt commit author } } }`,
    );
    expect(data.failed?.nodes.length).toBeGreaterThan(2);
    for (const d of data.failed?.nodes ?? []) expect(['failure', 'error']).toContain(d.rawStatus);
    expect(data.other?.nodes).toEqual([]);
  });

  it('falls back to workflow runs where a repository has no deployments', async () => {
    const data = await gqlData<DeploymentsPage>(
      url,
      `{ deployments(first: 5, filter: { scope: { environment: "production" } }) {
      pageInfo { hasNextPage endCursor } nodes { id version environment status rawStatus url startedAt finishedAt commit author } } }`,
    );
    const legacy = data.deployments.nodes.filter((d) => d.url.includes('/actions/runs/88'));
    expect(legacy.length).toBeGreaterThan(0);
    for (const d of legacy) {
      expect(d.environment).toBe('production');
      expect(d.version).toHaveLength(7);
    }
    expect(fake.requestsTo(`/repos/acme/${LEGACY_REPO}/actions/runs`)).not.toHaveLength(0);
    expect(legacy.map((d) => d.status)).toEqual(expect.arrayContaining(['FAILED']));
  });
});

describe('GitHub teams', () => {
  it('lists teams and their members with roles, two calls per team and none per member', async () => {
    const data = await gqlData<{
      teams: {
        nodes: { name: string; url: string; members: { name: string; role: string; url: string; onCall: boolean }[] }[];
      };
    }>(url, '{ teams(first: 10) { nodes { name url members { name role url onCall } } } }');
    expect(data.teams.nodes.map((t) => t.name)).toEqual(['Edge', 'Payments', 'Platform']);
    const payments = data.teams.nodes.find((t) => t.name === 'Payments');
    expect(payments?.members).toHaveLength(121);
    expect(payments?.members[0]).toEqual({
      name: 'alice',
      role: 'maintainer',
      url: 'https://github.com/alice',
      onCall: false,
    });
    expect(payments?.url).toBe('https://github.com/orgs/acme/teams/payments');
    const memberCalls = fake.requests.filter((r) => r.path.endsWith('/members'));
    // Payments has two pages of members for `role=all`: 2 + 1 (maintainers) + 2 × 2 others.
    expect(memberCalls).toHaveLength(7);
    expect(fake.requests.filter((r) => r.path.startsWith('/users/') || r.path.includes('/memberships/'))).toEqual([]);
  });
});

describe('GitHub App auth', () => {
  it('signs a JWT for the installation token and uses that token', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const adapter = await createGitHubAdapter(
      {
        appId: fake.appId,
        privateKey: pem,
        installationId: fake.installationId,
        owner: fake.owner,
        repo: fake.repo,
        apiURL: fake.url,
      },
      { name: 'github-app', logger: testLogger },
    );
    try {
      const [page] = (await adapter.capabilities.ticket?.query([{ first: 2 }], {})) ?? [];
      expect(page instanceof Error ? page.message : page?.nodes).toHaveLength(2);
      const tokenCall = fake.requests.find((r) => r.path === `/app/installations/${fake.installationId}/access_tokens`);
      expect(tokenCall?.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
      expect(fake.requestsTo('/repos/acme/checkout/issues')[0]?.authorization).toMatch(/^token ghs_/);
    } finally {
      await adapter.close?.();
    }
  });
});
