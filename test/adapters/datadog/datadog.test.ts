/**
 * The Datadog adapter through the whole gateway (HTTP in, GraphQL out), against a fake that answers
 * as Datadog's API reference shows: metrics, logs, monitors and downtimes, incidents v2 with their
 * timeline, rate limits, auth failures, malformed answers, and the site matrix.
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatadogAdapter } from '../../../adapters/datadog/index.js';
import { siteOf } from '../../../adapters/datadog/sites.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { seedDatadog, WINDOW } from '../../fakes/datadog/seed.js';
import { type DatadogFake, type DdRequest, startDatadogFake } from '../../fakes/datadog/server.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';

let fake: DatadogFake;
let url: string;
const gateways: TestGateway[] = [];

async function gatewayWith(overrides: Record<string, unknown> = {}): Promise<string> {
  const adapter = await createDatadogAdapter(
    { apiKey: fake.apiKey, appKey: fake.appKey, site: 'datadoghq.eu', apiURL: fake.url, logPageSize: 5, ...overrides },
    { name: 'datadog', logger: testLogger },
  );
  const gateway = await startTestGateway([{ name: 'datadog', adapter }]);
  gateways.push(gateway);
  return gateway.url;
}

beforeAll(async () => {
  fake = await startDatadogFake();
  seedDatadog(fake);
  url = await gatewayWith();
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
  await fake.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

/** The body of a recorded log search, as the gateway sent it. */
function searchBody(r: DdRequest | undefined): { filter: { query: string }; page: { limit: number; cursor?: string } } {
  if (!r?.body) throw new Error('no log search was recorded');
  return r.body as { filter: { query: string }; page: { limit: number; cursor?: string } };
}

const METRICS = `query($q: MetricQueryInput!) { metrics(query: $q) { name labels unit url points { timestamp value } } }`;
const LOGS = `query($q: LogQueryInput!) { logs(query: $q) { url truncated entries { timestamp message level rawLevel service url labels } } }`;

interface Series {
  name: string;
  labels: Record<string, string>;
  unit: string | null;
  url: string;
  points: { timestamp: string; value: number | null }[];
}
interface Logs {
  logs: {
    url: string;
    truncated: boolean;
    entries: { timestamp: string; message: string; level: string; rawLevel: string; service: string; url: string }[];
  };
}

describe('metrics', () => {
  it('queries /api/v2/query/timeseries and names each series after its metric, with its group tags', async () => {
    const data = await gqlData<{ metrics: Series[] }>(url, METRICS, {
      q: {
        name: 'trace.http.request.hits',
        scope: { service: 'checkout' },
        labels: [{ name: 'env', value: 'staging', op: 'NEQ' }],
        groupBy: ['host'],
        aggregation: 'SUM',
        ...WINDOW,
        step: 600,
      },
    });
    expect(data.metrics.map((s) => [s.name, s.labels, s.points[0]?.value])).toEqual([
      ['trace.http.request.hits', { host: 'web-0' }, 10],
      ['trace.http.request.hits', { host: 'web-1' }, 30],
    ]);
    expect(data.metrics[0]?.points).toHaveLength(16);
    expect(data.metrics[0]?.unit).toBe('percent');
    const sent = fake.requestsTo('/api/v2/query/timeseries')[0]?.body as {
      data: { attributes: { queries: { query: string }[]; interval: number } };
    };
    expect(sent.data.attributes.queries[0]?.query).toBe(
      'sum:trace.http.request.hits{service:checkout,!env:staging} by {host}',
    );
    expect(sent.data.attributes.interval).toBe(600_000);
    const link = new URL(data.metrics[0]?.url as string);
    expect(link.origin).toBe('https://app.datadoghq.eu');
    expect(link.searchParams.get('query')).toBe(sent.data.attributes.queries[0]?.query);
  });

  it('refuses tag values and names that would change the query, before calling Datadog', async () => {
    for (const q of [
      { name: 'trace.http.request.hits', scope: { service: 'checkout} by {host' } },
      { name: 'trace.http.request.hits', scope: { service: 'a,service:ledger' } },
      { name: 'trace.http.request.hits{*}' },
      { name: 'x', labels: [{ name: 'env', value: 'prod', op: 'REGEX' }] },
      { name: 'x', groupBy: ['host} by {env'] },
    ]) {
      const result = await gql(url, METRICS, { q: { ...q, ...WINDOW, step: 60 } });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(fake.requestsTo('/api/v2/query/timeseries')).toHaveLength(0);
  });

  it('describes metrics across cursor pages', async () => {
    const data = await gqlData<{ metricDescriptors: { name: string; type: string }[] }>(
      url,
      '{ metricDescriptors { name type } }',
    );
    expect(data.metricDescriptors).toHaveLength(2501);
    expect(data.metricDescriptors.find((d) => d.name === 'trace.http.request.duration')?.type).toBe('HISTOGRAM');
    expect(fake.requestsTo('/api/v2/metrics').map((r) => r.query.get('page[cursor]'))).toEqual([null, '1000', '2000']);
  });
});

describe('logs', () => {
  it('follows meta.page.after cursors to the limit, newest first, with levels from the log status', async () => {
    const data = await gqlData<Logs>(url, LOGS, { q: { ...WINDOW, limit: 12, scope: { service: 'checkout' } } });
    expect(data.logs.entries).toHaveLength(12);
    expect(data.logs.truncated).toBe(true);
    const times = data.logs.entries.map((e) => e.timestamp);
    expect([...times].sort().reverse()).toEqual(times);
    const searches = fake.requestsTo('/api/v2/logs/events/search');
    expect(searches.map((r) => searchBody(r).page.limit)).toEqual([5, 5, 2]);
    expect(searches.map((r) => searchBody(r).page.cursor === undefined)).toEqual([true, false, false]);
    const levels = new Map(data.logs.entries.map((e) => [e.rawLevel, e.level]));
    expect(levels.get('critical')).toBe('FATAL');
    expect(levels.get('warn')).toBe('WARN');
    expect(data.logs.entries[0]?.url).toMatch(/^https:\/\/app\.datadoghq\.eu\/logs\?event=AQAAAY/);
    expect(new URL(data.logs.url).searchParams.get('query')).toBe(searchBody(searches[0]).filter.query);
  });

  it('stops following cursors at maxPages with TOO_MANY_PAGES', async () => {
    const capped = await gatewayWith({ maxPages: 2 });
    const result = await gql(capped, LOGS, { q: { ...WINDOW, limit: 12, scope: { service: 'checkout' } } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_PAGES', provider: 'datadog' });
    expect(result.errors?.[0]?.message).toContain('after 2 pages');
    expect(fake.requestsTo('/api/v2/logs/events/search')).toHaveLength(2);
  });

  it('filters by level, environment and field; status words map back to levels', async () => {
    const data = await gqlData<Logs>(url, LOGS, {
      q: {
        ...WINDOW,
        limit: 100,
        levels: ['ERROR', 'FATAL'],
        scope: { environment: 'production' },
        filters: [{ field: '@http.status_code', op: 'NEQ', value: '501' }],
      },
    });
    expect(data.logs.entries.length).toBeGreaterThan(0);
    for (const e of data.logs.entries) expect(['ERROR', 'FATAL']).toContain(e.level);
    const query = searchBody(fake.requestsTo('/api/v2/logs/events/search')[0]).filter.query;
    expect(query).toBe('status:(error OR critical OR alert OR emergency) env:production -@http.status_code:501');
  });

  it('keeps free text and values literal: no operators, facets, negations or wildcards get through', async () => {
    const literal = await gqlData<Logs>(url, LOGS, {
      q: { ...WINDOW, limit: 100, query: 'OR service:ledger -status:error *' },
    });
    expect(literal.logs.entries.map((e) => e.message)).toEqual(['user typed OR service:ledger -status:error *']);
    const sent = searchBody(fake.requestsTo('/api/v2/logs/events/search')[0]).filter.query;
    expect(sent).toBe('"OR" "service:ledger" "-status:error" "*"');

    const sneaky = await gqlData<Logs>(url, LOGS, {
      q: { ...WINDOW, limit: 100, scope: { service: 'nothing OR service:checkout' } },
    });
    expect(sneaky.logs.entries).toEqual([]);
    const quote = await gqlData<Logs>(url, LOGS, { q: { ...WINDOW, limit: 100, query: 'a" OR "b' } });
    expect(quote.logs.entries).toEqual([]);

    const badField = await gql(url, LOGS, { q: { ...WINDOW, filters: [{ field: 'service:x OR y', value: 'z' }] } });
    expect(badField.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const regex = await gql(url, LOGS, { q: { ...WINDOW, filters: [{ field: 'host', op: 'REGEX', value: '.*' }] } });
    expect(regex.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('passes Datadog syntax through only in raw mode, and only when the config allows it', async () => {
    const refused = await gql(url, LOGS, { q: { ...WINDOW, query: 'service:ledger', raw: true } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', provider: 'datadog' });
    const rawUrl = await gatewayWith({ allowRawQuery: true });
    const data = await gqlData<Logs>(rawUrl, LOGS, {
      q: { ...WINDOW, limit: 100, query: 'service:ledger', raw: true },
    });
    expect(data.logs.entries.length).toBe(5);
    expect(data.logs.entries.every((e) => e.service === 'ledger')).toBe(true);
  });

  it('waits out X-RateLimit-Reset and retries; a reset beyond the bound fails at once with RATE_LIMITED', async () => {
    fake.rateLimitNext(1, 1);
    const data = await gqlData<Logs>(url, LOGS, { q: { ...WINDOW, limit: 2 } });
    expect(data.logs.entries).toHaveLength(2);
    expect(fake.requestsTo('/api/v2/logs/events/search')).toHaveLength(2);

    fake.requests.length = 0;
    fake.rateLimitNext(1, 60);
    const limited = await gql(url, LOGS, { q: { ...WINDOW, limit: 2 } });
    expect(limited.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'datadog' });
    expect(fake.requestsTo('/api/v2/logs/events/search')).toHaveLength(1);
  });

  it('reports a malformed answer as a provider error', async () => {
    fake.malformedNext();
    const result = await gql(url, LOGS, { q: { ...WINDOW, limit: 2 } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'datadog' });
  });
});

interface Alerts {
  alerts: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string };
    nodes: { id: string; title: string; status: string; severity: string; rawSeverity: string; url: string }[];
  };
}
const ALERTS = `query($f: AlertFilter, $after: String) { alerts(filter: $f, first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id title status severity rawSeverity url } } }`;

describe('monitors as alerts', () => {
  it('reads every monitor page, maps state and priority, and pushes the scope as monitor_tags', async () => {
    const data = await gqlData<Alerts>(url, ALERTS, { f: { scope: { service: 'checkout' } } });
    expect(data.alerts.totalCount).toBe(75);
    const listings = fake.requestsTo('/api/v1/monitor');
    expect(listings.map((r) => r.query.get('monitor_tags'))).toEqual(['service:checkout']);
    const all = await gqlData<Alerts>(url, ALERTS, {});
    expect(all.alerts.totalCount).toBe(150);
    expect(fake.requestsTo('/api/v1/monitor').map((r) => r.query.get('page'))).toEqual(['0', '0', '1']);
    const byTitle = new Map(all.alerts.nodes.map((n) => [n.title, n]));
    expect(byTitle.get('Monitor 1: checkout latency')).toMatchObject({
      status: 'FIRING',
      severity: 'CRITICAL',
      rawSeverity: 'P1',
    });
    expect(byTitle.get('Monitor 2: ledger latency')).toMatchObject({ status: 'RESOLVED', severity: 'HIGH' });
    expect(byTitle.get('Monitor 0: ledger latency')).toMatchObject({
      status: 'FIRING',
      severity: 'HIGH',
      rawSeverity: 'Alert',
    });
    expect(byTitle.get('Monitor 1: checkout latency')?.url).toBe('https://app.datadoghq.eu/monitors/1001');
  });

  it('silences a monitor through a downtime, after which it reads as SILENCED', async () => {
    const alertId = toGlobalId('Alert', 'datadog', '1004');
    const result = await gqlData<{
      alertSilence: {
        silence: { id: string; url: string; matchers: { name: string; value: string }[] } | null;
        userErrors: unknown[];
      };
    }>(
      url,
      `mutation($id: ID!) { alertSilence(input: { alertId: $id, durationMinutes: 30, comment: "deploying fix", createdBy: "alice" }) {
        silence { id url matchers { name value } } userErrors { message } } }`,
      { id: alertId },
    );
    expect(result.alertSilence.userErrors).toEqual([]);
    expect(result.alertSilence.silence?.url).toMatch(/^https:\/\/app\.datadoghq\.eu\/monitors\/downtimes\?id=/);
    const sent = fake.requestsTo('/api/v2/downtime', 'POST')[0]?.body as {
      data: { attributes: { monitor_identifier: unknown; message: string; schedule: { start: string; end: string } } };
    };
    expect(sent.data.attributes.monitor_identifier).toEqual({ monitor_id: 1004 });
    expect(sent.data.attributes.message).toBe('deploying fix (by alice)');
    const { start, end } = sent.data.attributes.schedule;
    expect(Date.parse(end) - Date.parse(start)).toBe(30 * 60_000);
    const after = await gqlData<{ alert: { status: string } }>(url, 'query($id: ID!) { alert(id: $id) { status } }', {
      id: alertId,
    });
    expect(after.alert.status).toBe('SILENCED');

    const byTags = await gql(
      url,
      `mutation { alertSilence(input: { matchers: [{ name: "service", value: "checkout} OR {*" }], durationMinutes: 5, comment: "x", createdBy: "bob" }) {
        silence { id } userErrors { message code } } }`,
    );
    expect(JSON.stringify(byTags)).toContain('Datadog tags cannot');
    expect(fake.requestsTo('/api/v2/downtime', 'POST')).toHaveLength(1);
  });
});

interface Incidents {
  incidents: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: {
      id: string;
      title: string;
      status: string;
      rawStatus: string;
      severity: string;
      rawSeverity: string;
      url: string;
      createdAt: string;
    }[];
  };
}
const INCIDENTS = `query($f: IncidentFilter, $after: String) { incidents(filter: $f, first: 50, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id title status rawStatus severity rawSeverity url createdAt } } }`;

describe('incidents v2', () => {
  it('pages through every incident (offset pages at Datadog, keyset cursors here), newest first', async () => {
    const seen: Incidents['incidents']['nodes'] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const data: Incidents = await gqlData<Incidents>(url, INCIDENTS, {
        f: { createdWithin: { start: '2026-11-01T00:00:00Z', end: '2026-11-21T00:00:00Z' } },
        after,
      });
      seen.push(...data.incidents.nodes);
      if (!data.incidents.pageInfo.hasNextPage) break;
      after = data.incidents.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(130);
    expect(new Set(seen.map((n) => n.id)).size).toBe(130);
    expect(seen.map((n) => n.createdAt)).toEqual([...seen.map((n) => n.createdAt)].sort().reverse());
    expect(
      fake
        .requestsTo('/api/v2/incidents')
        .map((r) => r.query.get('page[offset]'))
        .slice(0, 2),
    ).toEqual(['0', '100']);
    expect(seen[0]).toMatchObject({
      title: 'Incident 1: ledger errors',
      status: 'TRIGGERED',
      rawStatus: 'active',
      severity: 'CRITICAL',
      rawSeverity: 'SEV-1',
    });
    expect(seen[1]).toMatchObject({ status: 'MITIGATED', rawStatus: 'stable', severity: 'HIGH' });
    expect(seen[0]?.url).toBe('https://app.datadoghq.eu/incidents/1');
  });

  it('creates with severity, updates state and severity, refuses a state Datadog lacks, and reads the timeline', async () => {
    const created = await gqlData<{
      incidentCreate: { incident: { id: string; severity: string; status: string; url: string } };
    }>(
      url,
      `mutation { incidentCreate(input: { title: "Checkout 502s", severity: HIGH, service: "checkout", description: "Started after deploy" }) {
        incident { id severity status url } } }`,
    );
    const incident = created.incidentCreate.incident;
    expect(incident).toMatchObject({ severity: 'HIGH', status: 'TRIGGERED' });
    const stored = fake.incidents.at(-1);
    expect(stored).toMatchObject({ severity: 'SEV-2', state: 'active', services: ['checkout'] });
    expect(incident.url).toBe(`https://app.datadoghq.eu/incidents/${stored?.public_id}`);

    const updated = await gqlData<{ incidentUpdate: { incident: { status: string; severity: string } } }>(
      url,
      `mutation($id: ID!) { incidentUpdate(input: { id: $id, status: MITIGATED, severity: CRITICAL }) { incident { status severity } } }`,
      { id: incident.id },
    );
    expect(updated.incidentUpdate.incident).toEqual({ status: 'MITIGATED', severity: 'CRITICAL' });
    expect(stored).toMatchObject({ state: 'stable', severity: 'SEV-1' });
    const patch = fake.requestsTo(`/api/v2/incidents/${stored?.id}`, 'PATCH')[0]?.body as {
      data: { attributes: unknown };
    };
    expect(patch.data.attributes).toEqual({
      fields: { state: { type: 'dropdown', value: 'stable' }, severity: { type: 'dropdown', value: 'SEV-1' } },
    });

    const ack = await gql(
      url,
      `mutation($id: ID!) { incidentAcknowledge(input: { id: $id }) { incident { status } userErrors { message } } }`,
      {
        id: incident.id,
      },
    );
    expect(JSON.stringify(ack)).toMatch(/no Datadog state/);
    expect(stored?.state).toBe('stable');

    await gqlData(
      url,
      `mutation($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "Rolled back" }) { entry { id } } }`,
      {
        id: incident.id,
      },
    );
    const timeline = await gqlData<{
      incident: { timeline: { nodes: { body: string; kind: string; rawKind: string }[] } };
    }>(url, `query($id: ID!) { incident(id: $id) { timeline { nodes { body kind rawKind } } } }`, { id: incident.id });
    expect(timeline.incident.timeline.nodes.map((n) => n.body)).toEqual(['Rolled back', 'Started after deploy']);
    expect(timeline.incident.timeline.nodes[0]).toMatchObject({ kind: 'NOTE', rawKind: 'markdown' });
  });
});

describe('incident timeline', () => {
  it('answers a 404 on the timeline of an incident that exists as an error on the field, and NOT_FOUND for an incident that does not', async () => {
    const stored = fake.incidents[0];
    if (!stored) throw new Error('the fake has no incident');
    const id = toGlobalId('Incident', 'datadog', stored.id);
    const query = `query ($id: ID!) { incident(id: $id) { title timeline(first: 5) { nodes { body } } } }`;
    fake.missing = `/api/v2/incidents/${stored.id}/timeline`;
    try {
      const result = await gql<{ incident: { title: string; timeline: unknown } }>(url, query, { id });
      expect(result.data?.incident.title).toBe(stored.title);
      expect(result.data?.incident.timeline).toBeNull();
      expect(result.errors).toHaveLength(1);
      expect(result.errors?.[0]).toMatchObject({
        path: ['incident', 'timeline'],
        extensions: { code: 'PROVIDER_ERROR', provider: 'datadog', capability: 'incident' },
      });
      expect(result.errors?.[0]?.message).toMatch(/for an incident that exists/);
    } finally {
      fake.missing = null;
    }

    const gone = '00000000-0000-4000-8000-000000000000';
    const missing = await gql(url, `query ($id: ID!) { incident(id: $id) { title } }`, {
      id: toGlobalId('Incident', 'datadog', gone),
    });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', provider: 'datadog' });
  });
});

describe('auth and sites', () => {
  it('answers FORBIDDEN for a wrong application key and reports health DOWN for a wrong API key, never showing a key', async () => {
    const wrongApp = 'dd-app-wrong-0000000000000000000000000000';
    const badApp = await gatewayWith({ appKey: wrongApp });
    const result = await gql(badApp, LOGS, { q: { ...WINDOW } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', provider: 'datadog' });
    expect(JSON.stringify(result)).not.toContain(wrongApp);
    expect(JSON.stringify(result)).not.toContain(fake.apiKey);

    const wrongApi = 'dd-api-wrong-000000000000000000000000000';
    const badApi = await gatewayWith({ apiKey: wrongApi });
    const health = await gqlData<{ providers: { health: { status: string; message: string } }[] }>(
      badApi,
      '{ providers { health { status message } } }',
    );
    expect(health.providers.every((p) => p.health.status === 'DOWN')).toBe(true);
    expect(JSON.stringify(health)).not.toContain(wrongApi);
  });

  it('serves each site from its own API host and links into its own UI host', async () => {
    const matrix: [string, string, string][] = [
      ['datadoghq.com', 'https://api.datadoghq.com', 'https://app.datadoghq.com'],
      ['us3.datadoghq.com', 'https://api.us3.datadoghq.com', 'https://us3.datadoghq.com'],
      ['us5.datadoghq.com', 'https://api.us5.datadoghq.com', 'https://us5.datadoghq.com'],
      ['datadoghq.eu', 'https://api.datadoghq.eu', 'https://app.datadoghq.eu'],
      ['ap1.datadoghq.com', 'https://api.ap1.datadoghq.com', 'https://ap1.datadoghq.com'],
      ['ddog-gov.com', 'https://api.ddog-gov.com', 'https://app.ddog-gov.com'],
    ];
    for (const [site, api, ui] of matrix) {
      expect(siteOf(site)).toMatchObject({ api, ui });
      const siteUrl = await gatewayWith({ site });
      const data = await gqlData<Alerts>(siteUrl, ALERTS, { f: { scope: { service: 'checkout' } } });
      expect(new URL(data.alerts.nodes[0]?.url as string).origin).toBe(ui);
      const logs = await gqlData<Logs>(siteUrl, LOGS, { q: { ...WINDOW, limit: 1 } });
      expect(new URL(logs.logs.url).origin).toBe(ui);
    }
    expect(siteOf('eu1')?.name).toBe('datadoghq.eu');
    expect(siteOf('app.datadoghq.com')?.name).toBe('datadoghq.com');
    expect(siteOf('us1-fed')?.name).toBe('ddog-gov.com');
  });

  it("sends each site's calls to that site's own API host: the egress proxy is asked to CONNECT there", async () => {
    // A proxy that records the tunnel each call asks for and refuses it: nothing leaves the machine.
    const targets: string[] = [];
    const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: IncomingMessage, socket: Duplex) => {
      targets.push(req.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyURL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      for (const [site, api] of [
        ['datadoghq.com', 'api.datadoghq.com'],
        ['us3.datadoghq.com', 'api.us3.datadoghq.com'],
        ['us5.datadoghq.com', 'api.us5.datadoghq.com'],
        ['datadoghq.eu', 'api.datadoghq.eu'],
        ['ap1.datadoghq.com', 'api.ap1.datadoghq.com'],
        ['ddog-gov.com', 'api.ddog-gov.com'],
      ]) {
        targets.length = 0;
        const adapter = await createDatadogAdapter(
          { apiKey: fake.apiKey, appKey: fake.appKey, site, proxyURL },
          { name: 'datadog', logger: testLogger },
        );
        const gateway = await startTestGateway([{ name: 'datadog', adapter }]);
        gateways.push(gateway);
        const result = await gql(gateway.url, LOGS, { q: { ...WINDOW, limit: 1 } });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'datadog' });
        expect(targets).toEqual([`${api}:443`]);
      }
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it("starts from OpsOrch's documented config unchanged, and names bad keys", async () => {
    const adapter = await createDatadogAdapter(
      { apiKey: 'abc', appKey: 'def', site: 'datadoghq.com', source: 'datadog' },
      { name: 'datadog', logger: testLogger },
    );
    expect(Object.keys(adapter.capabilities).sort()).toEqual(['alert', 'incident', 'log', 'metric']);
    await adapter.close?.();
    const make = (config: Record<string, unknown>) =>
      Promise.resolve().then(() => createDatadogAdapter(config, { name: 'datadog', logger: testLogger }));
    await expect(make({ appKey: 'x' })).rejects.toThrow(/apiKey/);
    await expect(make({ apiKey: 'x' })).rejects.toThrow(/appKey/);
    await expect(make({ apiKey: 'x', appKey: 'y', site: 'datadoghq.org' })).rejects.toThrow(/site: must be one of/);
    await expect(make({ apiKey: 'x', appKey: 'y', webhookToken: 'short' })).rejects.toThrow(/webhookToken/);
    await expect(make({ apiKey: 'x', appKey: 'y', apiURL: 'https://u:p@proxy' })).rejects.toThrow(/apiURL/);
  });
});
