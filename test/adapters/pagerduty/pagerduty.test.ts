/**
 * The PagerDuty adapter through the whole gateway, against a fake that answers as PagerDuty's
 * REST API v2 documentation shows.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { LONG_INCIDENT, LONG_LOG_ENTRIES, seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';

let fake: PagerDutyFake;
let gateway: TestGateway;
let url: string;

async function pagerDuty(overrides: Record<string, unknown> = {}) {
  return pagerDutyAdapterAt(fake, { config: overrides });
}

const incidentId = (id: string) => toGlobalId('Incident', 'pagerduty', id);

beforeAll(async () => {
  fake = await startPagerDutyFake();
  seedPagerDuty(fake);
  gateway = await startTestGateway([{ name: 'pagerduty', adapter: await pagerDuty() }]);
  url = gateway.url;
});

afterAll(async () => {
  await gateway?.stop();
  await fake?.stop();
});

beforeEach(() => {
  fake.requests.length = 0;
});

interface IncidentsPage {
  incidents: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { title: string; status: string; severity: string; rawSeverity: string; createdAt: string }[];
  };
}

const INCIDENTS = /* GraphQL */ `
  query ($filter: IncidentFilter, $first: Int, $after: String) {
    incidents(filter: $filter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { title status severity rawSeverity createdAt }
    }
  }
`;

describe('PagerDuty incidents', () => {
  it('lists every incident of the window across pages, newest first, beyond the 30-day default', async () => {
    const titles: string[] = [];
    const created: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const data: IncidentsPage = await gqlData<IncidentsPage>(url, INCIDENTS, { first: 25, after });
      titles.push(...data.incidents.nodes.map((n) => n.title));
      created.push(...data.incidents.nodes.map((n) => n.createdAt));
      if (!data.incidents.pageInfo.hasNextPage) break;
      after = data.incidents.pageInfo.endCursor;
    }
    expect(titles).toHaveLength(61);
    expect(new Set(titles).size).toBe(61);
    expect([...created].sort().reverse()).toEqual(created);
    // The oldest seeded incidents are ~90 days old: PagerDuty's own default window would hide them.
    expect(titles).toContain('Incident 59 on PSEDGEP');
    const listings = fake.requestsTo('/incidents', 'GET').filter((r) => r.path === '/incidents');
    for (const r of listings) {
      expect(r.query.get('since')).toBeTruthy();
      expect(r.query.get('until')).toBeTruthy();
      expect(r.query.get('sort_by')).toBe('created_at:desc');
      expect(r.headers.authorization).toBe(`Token token=${fake.token}`);
      expect(r.headers.accept).toBe('application/vnd.pagerduty+json;version=2');
    }
    // Keyset paging: every page reads from the newest incident up to its cursor's second, never by offset.
    expect(listings.map((r) => Number(r.query.get('offset')))).toEqual([0, 0, 0]);
    const bounds = listings.slice(1).map((r) => Date.parse(r.query.get('until') as string));
    expect(bounds).toEqual([created[24], created[49]].map((at) => Date.parse(at as string) + 1000));
  });

  it('follows offset/limit/more across provider pages while filtering what PagerDuty cannot', async () => {
    const data = await gqlData<IncidentsPage>(url, INCIDENTS, { filter: { severities: ['CRITICAL'] }, first: 5 });
    expect(data.incidents.nodes).toHaveLength(5);
    for (const n of data.incidents.nodes) {
      expect(n.severity).toBe('CRITICAL');
      expect(n.rawSeverity).toBe('P1');
    }
    expect(data.incidents.pageInfo.hasNextPage).toBe(true);
    const listings = fake.requests.filter((r) => r.path === '/incidents');
    expect(listings.length).toBeGreaterThan(1);
    expect(listings.every((r) => r.query.getAll('urgencies[]').join() === 'high')).toBe(true);

    const next = await gqlData<IncidentsPage>(url, INCIDENTS, {
      filter: { severities: ['CRITICAL'] },
      first: 5,
      after: data.incidents.pageInfo.endCursor,
    });
    const firstTitles = data.incidents.nodes.map((n) => n.title);
    for (const n of next.incidents.nodes) {
      expect(n.severity).toBe('CRITICAL');
      expect(firstTitles).not.toContain(n.title);
    }
  });

  it('maps statuses and severities with the raw values kept, and urgency when there is no priority', async () => {
    const data = await gqlData<{
      incidents: { nodes: { status: string; rawStatus: string; severity: string; rawSeverity: string }[] };
    }>(
      url,
      `{ incidents(first: 100, filter: { statuses: [ACKNOWLEDGED] }) { nodes { status rawStatus severity rawSeverity } } }`,
    );
    expect(data.incidents.nodes.length).toBeGreaterThan(5);
    for (const n of data.incidents.nodes) {
      expect(n.status).toBe('ACKNOWLEDGED');
      expect(n.rawStatus).toBe('acknowledged');
    }
    const pairs = new Set(data.incidents.nodes.map((n) => `${n.rawSeverity}→${n.severity}`));
    expect([...pairs].every((p) => ['P1→CRITICAL', 'P2→HIGH', 'P3→MEDIUM', 'high→HIGH', 'low→LOW'].includes(p))).toBe(
      true,
    );
    expect(fake.requests.find((r) => r.path === '/incidents')?.query.getAll('statuses[]')).toEqual(['acknowledged']);
  });

  it('resolves scope names to PagerDuty IDs with one services listing for the whole request', async () => {
    const data = await gqlData<Record<string, { nodes: { title: string }[] }>>(
      url,
      `{
        a: incidents(first: 3, filter: { scope: { service: "checkout-api" } }) { nodes { title } }
        b: incidents(first: 3, filter: { scope: { service: "ledger" } }) { nodes { title } }
        c: incidents(first: 3, filter: { scope: { service: "no-such-service" } }) { nodes { title } }
        d: incidents(first: 3, filter: { scope: { team: "Platform" } }) { nodes { title } }
      }`,
    );
    const titlesOf = (serviceId: string) =>
      fake.incidents.filter((i) => i.service_id === serviceId).map((i) => i.title);
    expect(data.a?.nodes).toHaveLength(3);
    for (const n of data.a?.nodes ?? []) expect(titlesOf('PSCHECK')).toContain(n.title);
    expect(data.b?.nodes).toHaveLength(3);
    for (const n of data.b?.nodes ?? []) expect(titlesOf('PSLEDGR')).toContain(n.title);
    expect(data.c?.nodes).toEqual([]);
    expect(data.d?.nodes).toHaveLength(3);
    for (const n of data.d?.nodes ?? []) expect(titlesOf('PSEDGEP')).toContain(n.title);
    expect(fake.requestsTo('/services', 'GET')).toHaveLength(1);
    expect(fake.requestsTo('/teams', 'GET')).toHaveLength(1);
    const serviceFilters = fake.requests
      .filter((r) => r.path === '/incidents')
      .map((r) => r.query.getAll('service_ids[]').join());
    expect(serviceFilters).toEqual(expect.arrayContaining(['PSCHECK', 'PSLEDGR']));
  });

  it('answers one incident with its whole timeline, service, team and who is on call', async () => {
    const data = await gqlData<{
      incident: {
        title: string;
        status: string;
        severity: string;
        url: string;
        description: string;
        acknowledgedAt: string | null;
        assignees: string[];
        service: { name: string; url: string; team: { name: string } | null } | null;
        team: {
          name: string;
          members: { name: string; email: string; role: string; onCallRole: string | null }[];
        } | null;
        timeline: {
          totalCount: number;
          nodes: { kind: string; rawKind: string; body: string; actor: string | null; at: string }[];
        };
      };
    }>(
      url,
      `query ($id: ID!) { incident(id: $id) {
        title status severity url description acknowledgedAt assignees
        service { name url team { name } }
        team { name members { name email role onCallRole } }
        timeline(first: 100) { totalCount nodes { kind rawKind body actor at } }
      } }`,
      { id: incidentId(LONG_INCIDENT) },
    );
    const incident = data.incident;
    expect(incident.title).toBe('Checkout latency above SLO');
    expect(incident.status).toBe('ACKNOWLEDGED');
    expect(incident.severity).toBe('CRITICAL');
    expect(incident.url).toBe(`https://acme.pagerduty.com/incidents/${LONG_INCIDENT}`);
    expect(incident.description).toContain('p99 latency');
    expect(incident.assignees).toEqual(['Bob Ng']);
    expect(incident.service?.name).toBe('checkout-api');
    expect(incident.service?.url).toBe('https://acme.pagerduty.com/service-directory/PSCHECK');
    expect(incident.service?.team?.name).toBe('Payments');
    expect(incident.team?.members).toEqual([
      { name: 'Bob Ng', email: 'bob@acme.test', role: 'responder', onCallRole: 'primary' },
      { name: 'Alice Ops', email: 'alice@acme.test', role: 'manager', onCallRole: 'secondary' },
      { name: 'Dan Shadow', email: 'dan@acme.test', role: null, onCallRole: 'secondary' },
    ]);

    // Every log entry (beyond PagerDuty's 25 and our 100 per page) plus the note, minus the
    // note's duplicate annotate entry.
    expect(incident.timeline.totalCount).toBe(LONG_LOG_ENTRIES - 1 + 1);
    const logPages = fake.requests.filter((r) => r.path.endsWith('/log_entries'));
    expect(logPages.map((r) => r.query.get('offset'))).toEqual(['0', '100']);
    const kinds = new Set(incident.timeline.nodes.map((n) => n.kind));
    expect(kinds).toEqual(new Set(['NOTIFICATION', 'NOTE']));
    const note = incident.timeline.nodes.find((n) => n.kind === 'NOTE');
    expect(note).toMatchObject({ body: 'Rolled back to v41; watching p99.', actor: 'Bob Ng' });
    const ats = incident.timeline.nodes.map((n) => n.at);
    expect([...ats].sort().reverse()).toEqual(ats);
  });

  it('answers who is on call for a service, through its team', async () => {
    const data = await gqlData<{
      services: { nodes: { name: string; onCall: { name: string; onCallRole: string }[] }[] };
    }>(url, `{ services(filter: { names: ["edge-proxy"] }) { nodes { name onCall { name onCallRole } } } }`);
    expect(data.services.nodes).toEqual([
      { name: 'edge-proxy', onCall: [{ name: 'Carol Diaz', onCallRole: 'primary' }] },
    ]);
  });

  it('creates, acknowledges, re-prioritizes, annotates and resolves an incident, with From on every write', async () => {
    const created = await gqlData<{
      incidentCreate: { incident: { id: string; status: string; severity: string; service: { name: string } } };
    }>(
      url,
      `mutation { incidentCreate(input: { title: "Ledger drift", description: "sums differ", severity: HIGH, service: "ledger", assignees: ["carol@acme.test"] }) {
        incident { id status severity service { name } } userErrors { message } } }`,
    );
    const id = created.incidentCreate.incident.id;
    expect(created.incidentCreate.incident).toMatchObject({
      status: 'TRIGGERED',
      severity: 'HIGH',
      service: { name: 'ledger' },
    });
    const post = fake.requestsTo('/incidents', 'POST')[0];
    expect(post?.body).toMatchObject({
      incident: {
        type: 'incident',
        title: 'Ledger drift',
        service: { id: 'PSLEDGR', type: 'service_reference' },
        urgency: 'high',
        priority: { id: 'PPRIO02', type: 'priority_reference' },
        body: { type: 'incident_body', details: 'sums differ' },
        assignments: [{ assignee: { id: 'PUCAROL', type: 'user_reference' } }],
      },
    });

    const ack = await gqlData<{ incidentAcknowledge: { incident: { status: string; acknowledgedAt: string | null } } }>(
      url,
      `mutation ($id: ID!) { incidentAcknowledge(input: { id: $id }) { incident { status } userErrors { message } } }`,
      { id },
    );
    expect(ack.incidentAcknowledge.incident.status).toBe('ACKNOWLEDGED');

    const updated = await gqlData<{ incidentUpdate: { incident: { severity: string; rawSeverity: string } } }>(
      url,
      `mutation ($id: ID!) { incidentUpdate(input: { id: $id, severity: CRITICAL }) { incident { severity rawSeverity } userErrors { message } } }`,
      { id },
    );
    expect(updated.incidentUpdate.incident).toEqual({ severity: 'CRITICAL', rawSeverity: 'P1' });

    const appended = await gqlData<{
      incidentTimelineAppend: { entry: { kind: string; body: string; actor: string } };
    }>(
      url,
      `mutation ($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "Paused the ledger job" }) { entry { kind body actor } userErrors { message } } }`,
      { id },
    );
    expect(appended.incidentTimelineAppend.entry).toEqual({
      kind: 'NOTE',
      body: 'Paused the ledger job',
      actor: 'Alice Ops',
    });

    const resolved = await gqlData<{ incidentResolve: { incident: { status: string; resolvedAt: string | null } } }>(
      url,
      `mutation ($id: ID!) { incidentResolve(input: { id: $id }) { incident { status resolvedAt } userErrors { message } } }`,
      { id },
    );
    expect(resolved.incidentResolve.incident.status).toBe('RESOLVED');
    expect(resolved.incidentResolve.incident.resolvedAt).toBeTruthy();

    const puts = fake.requests.filter((r) => r.method === 'PUT').map((r) => r.body);
    expect(puts).toEqual([
      { incident: { type: 'incident_reference', status: 'acknowledged' } },
      {
        incident: {
          type: 'incident_reference',
          urgency: 'high',
          priority: { id: 'PPRIO01', type: 'priority_reference' },
        },
      },
      { incident: { type: 'incident_reference', status: 'resolved' } },
    ]);
    for (const write of fake.requests.filter((r) => r.method !== 'GET'))
      expect(write.headers.from).toBe('alice@acme.test');

    const timeline = await gqlData<{ incident: { timeline: { nodes: { kind: string; body: string }[] } } }>(
      url,
      `query ($id: ID!) { incident(id: $id) { timeline { nodes { kind body } } } }`,
      { id },
    );
    expect(timeline.incident.timeline.nodes.filter((n) => n.kind === 'NOTE').map((n) => n.body)).toEqual([
      'Paused the ledger job',
    ]);
  });

  it('rejects what PagerDuty cannot do as user errors', async () => {
    const result = await gqlData<{
      incidentUpdate: { incident: null; userErrors: { code: string; message: string }[] };
    }>(
      url,
      `mutation ($id: ID!) { incidentUpdate(input: { id: $id, status: TRIGGERED }) { incident { id } userErrors { code message } } }`,
      { id: incidentId('PINC001') },
    );
    expect(result.incidentUpdate.userErrors[0]?.code).toBe('INVALID');
    const unknown = await gqlData<{ incidentCreate: { userErrors: { code: string; message: string }[] } }>(
      url,
      `mutation { incidentCreate(input: { title: "x", service: "nope" }) { incident { id } userErrors { code message } } }`,
    );
    expect(unknown.incidentCreate.userErrors[0]).toMatchObject({
      code: 'INVALID',
      message: expect.stringContaining('"nope"'),
    });
  });
});

describe('PagerDuty failures', () => {
  it('waits out a 429 for the ratelimit-reset PagerDuty sends, then answers', async () => {
    fake.rateLimitNext(2, 0);
    const data = await gqlData<{ incident: { title: string } }>(
      url,
      `query ($id: ID!) { incident(id: $id) { title } }`,
      {
        id: incidentId('PINC002'),
      },
    );
    expect(data.incident.title).toBe('Incident 2 on PSEDGEP');
    expect(fake.requestsTo('/incidents/PINC002')).toHaveLength(3);
  });

  it('reports RATE_LIMITED with retryAfter when PagerDuty asks for a longer pause', async () => {
    fake.rateLimitNext(1, 60);
    const result = await gql(url, `query ($id: ID!) { incident(id: $id) { title } }`, { id: incidentId('PINC003') });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 60,
      provider: 'pagerduty',
    });
    expect(fake.requestsTo('/incidents/PINC003')).toHaveLength(1);
  });

  it('stops following `more: true` at maxPages and says so on the field, while the rest of the query answers', async () => {
    const capped = await startTestGateway([{ name: 'pagerduty', adapter: await pagerDuty({ maxPages: 3 }) }]);
    const path = `/incidents/${LONG_INCIDENT}/log_entries`;
    fake.endless = path;
    try {
      const result = await gql<{ incident: { title: string; timeline: unknown } }>(
        capped.url,
        `query ($id: ID!) { incident(id: $id) { title timeline(first: 5) { totalCount } } }`,
        { id: incidentId(LONG_INCIDENT) },
      );
      expect(result.data?.incident.title).toBe('Checkout latency above SLO');
      expect(result.data?.incident.timeline).toBeNull();
      expect(result.errors?.[0]).toMatchObject({
        path: ['incident', 'timeline'],
        extensions: { code: 'TOO_MANY_PAGES', provider: 'pagerduty', capability: 'incident' },
      });
      expect(result.errors?.[0]?.message).toContain('after 3 pages');
      expect(fake.requestsTo(path)).toHaveLength(3);

      // The incident listing's own loop (free text PagerDuty cannot filter reads page after page).
      fake.endless = '/incidents';
      fake.requests.length = 0;
      const list = await gql(capped.url, INCIDENTS, { filter: { query: 'no incident says this' }, first: 5 });
      expect(list.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_PAGES', provider: 'pagerduty' });
      expect(fake.requestsTo('/incidents', 'GET').filter((r) => r.path === '/incidents')).toHaveLength(3);
    } finally {
      fake.endless = null;
      await capped.stop();
    }
  });

  it('answers a 404 on a sub-resource of an incident that exists as an error on the timeline, not as an empty one', async () => {
    for (const sub of ['notes', 'log_entries']) {
      fake.missing = `/incidents/${LONG_INCIDENT}/${sub}`;
      try {
        const result = await gql<{ incident: { title: string; timeline: unknown } }>(
          url,
          `query ($id: ID!) { incident(id: $id) { title timeline(first: 5) { totalCount nodes { body } } } }`,
          { id: incidentId(LONG_INCIDENT) },
        );
        expect(result.data?.incident.title).toBe('Checkout latency above SLO');
        expect(result.data?.incident.timeline).toBeNull();
        expect(result.errors).toHaveLength(1);
        expect(result.errors?.[0]).toMatchObject({
          path: ['incident', 'timeline'],
          extensions: { code: 'PROVIDER_ERROR', provider: 'pagerduty', capability: 'incident' },
        });
        expect(result.errors?.[0]?.message).toContain(`/${sub}`);
      } finally {
        fake.missing = null;
      }
    }
  });

  it('maps 404 to NOT_FOUND', async () => {
    const result = await gql(url, `query ($id: ID!) { incident(id: $id) { title } }`, { id: incidentId('PNOPE99') });
    expect(result.data?.incident).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      provider: 'pagerduty',
      capability: 'incident',
    });
    expect(result.errors?.[0]?.message).toContain('404');
  });

  it('maps a bad token to UNAUTHENTICATED without the token anywhere, and reports the provider down', async () => {
    const badToken = 'u+Secret_Token_That_Is_Wrong';
    const bad = await startTestGateway([{ name: 'pagerduty', adapter: await pagerDuty({ apiToken: badToken }) }]);
    try {
      const ask = async (query: string) => {
        const response = await fetch(bad.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
        const text = await response.text();
        expect(text).not.toContain(badToken);
        expect(text).not.toContain('Token token=');
        return JSON.parse(text) as {
          errors?: { message: string; extensions: { code: string } }[];
          data: { providers: { health: { status: string; message: string } }[] } | null;
        };
      };
      const incidents = await ask('{ incidents { edges { cursor } } }');
      expect(incidents.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      expect(incidents.errors?.[0]?.message).toContain('401');
      const providers = await ask('{ providers { provider health { status message } } }');
      expect(providers.data?.providers.length).toBeGreaterThan(0);
      for (const p of providers.data?.providers ?? []) expect(p.health.status).toBe('DOWN');
    } finally {
      await bad.stop();
    }
  });
});

describe('PagerDuty config', () => {
  it('names the bad key and never echoes a value', async () => {
    await expect(pagerDuty({ apiToken: '' })).rejects.toThrow(/apiToken/);
    await expect(pagerDuty({ apiURL: 'not a url' })).rejects.toThrow(/apiURL/);
    await expect(pagerDuty({ fromEmail: 'secret-not-an-email' })).rejects.toThrow(/fromEmail/);
    await expect(pagerDuty({ fromEmail: 'secret-not-an-email' })).rejects.not.toThrow(/secret-not-an-email/);
  });
});
