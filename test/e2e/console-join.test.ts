/**
 * The operator console's incident list in one round trip, joined across providers: metrics over
 * each incident's window from a real Prometheus and the service's alerts from a real
 * Alertmanager, with incidents, services, teams and linked tickets first from the seeded mock
 * world, then from PagerDuty and Jira (their fakes). The service's canonical name is `checkout`;
 * Prometheus and Alertmanager label it `checkout-api`: the join goes through the service aliases.
 * Every provider is wrapped in a call counter to show that each hop is one batched call, however
 * many incidents the page holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerAdapter } from '../../adapters/alertmanager/index.js';
import type { Adapter } from '../../adapters/contract/index.js';
import { createJiraAdapter } from '../../adapters/jira/index.js';
import { createPrometheusAdapter } from '../../adapters/prometheus/index.js';
import { seedJira } from '../fakes/jira/seed.js';
import { type JiraFake, jiraTimestamp, startJiraFake } from '../fakes/jira/server.js';
import { seedPagerDuty } from '../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../fakes/pagerduty/server.js';
import { postAlerts, settledAlerts, startAlertmanager } from '../helpers/alertmanager.js';
import { type CallLog, countingAdapter } from '../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway, testLogger } from '../helpers/gateway.js';
import { gqlData } from '../helpers/graphql.js';
import { pagerDutyAdapterAt } from '../helpers/pagerduty.js';
import {
  type Exporter,
  eventually,
  instantQuery,
  type RealServer,
  startExporter,
  startPrometheus,
} from '../helpers/prometheus.js';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

let exporter: Exporter;
let prometheus: RealServer;
let alertmanager: RealServer;

type Counted = Record<string, CallLog>;

beforeAll(async () => {
  exporter = await startExporter(
    (_path, n) => `# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{service="checkout-api",method="GET"} ${10 * n}
http_requests_total{service="payments",method="GET"} ${3 * n}
# HELP queue_depth Jobs waiting to run.
# TYPE queue_depth gauge
queue_depth{service="checkout-api"} 42
`,
  );
  [prometheus, alertmanager] = await Promise.all([
    startPrometheus([{ job: 'app', target: exporter.target }]),
    startAlertmanager(),
  ]);
  await postAlerts(alertmanager.url, [
    {
      labels: { alertname: 'CheckoutErrors', service: 'checkout-api', severity: 'critical' },
      annotations: { summary: 'checkout 5xx above 5%' },
      startsAt: minutesAgo(20),
    },
    { labels: { alertname: 'CheckoutLatency', service: 'checkout-api', severity: 'warning' }, startsAt: minutesAgo(8) },
    { labels: { alertname: 'PaymentsDown', service: 'payments', severity: 'critical' }, startsAt: minutesAgo(5) },
  ]);
  await settledAlerts(alertmanager.url, 3);
  await eventually(async () => {
    const [series] = await instantQuery(prometheus.url, 'count_over_time(queue_depth[1m])');
    return Number(series?.value[1] ?? 0) >= 4 ? true : undefined;
  });
});

afterAll(async () => {
  await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
  await exporter?.close();
});

const env = (name: string) => ({ name, logger: testLogger });
const ALIASES = { checkout: { prometheus: ['checkout-api'], alertmanager: ['checkout-api'] } };

/**
 * A gateway over the given incident/service/team/ticket providers plus the real Prometheus and
 * Alertmanager, every adapter wrapped in a call counter.
 */
async function consoleGateway(
  sources: { name: string; adapter: Adapter; capabilities: ('incident' | 'service' | 'team' | 'ticket')[] }[],
  aliases: Record<string, Record<string, string[]>>,
): Promise<{ gateway: TestGateway; calls: Counted }> {
  const calls: Counted = {};
  const count = (name: string, adapter: Adapter) => {
    const counted = countingAdapter(adapter);
    calls[name] = counted.log;
    return counted.adapter;
  };
  const gateway = await startTestGateway(
    [
      ...sources.map((s) => ({ ...s, adapter: count(s.name, s.adapter) })),
      {
        name: 'prometheus',
        adapter: count('prometheus', await createPrometheusAdapter({ url: prometheus.url }, env('prometheus'))),
      },
      {
        name: 'alertmanager',
        adapter: count(
          'alertmanager',
          await createAlertmanagerAdapter({ alertmanagerURL: alertmanager.url }, env('alertmanager')),
        ),
      },
    ],
    { serviceAliases: aliases },
  );
  return { gateway, calls };
}

const CONSOLE = `query Console($filter: IncidentFilter) {
  incidents(first: 10, filter: $filter) {
    edges { node {
      id title status
      window { start end }
      service { name team { name } }
      team { name }
      metrics(names: ["http_requests_total", "queue_depth"], step: 2) {
        name labels url points { timestamp value } source { provider }
      }
      alerts(first: 10) { edges { node { title status severity url service { name } source { provider } } } }
      tickets(first: 10) { edges { node { key title source { provider } } } }
      sourceOf: source { provider }
    } }
  }
}`;

interface ConsoleIncident {
  id: string;
  title: string;
  sourceOf: { provider: string };
  window: { start: string; end: string };
  service: { name: string; team: { name: string } | null } | null;
  metrics: {
    name: string;
    labels: Record<string, string>;
    url: string;
    points: { timestamp: string; value: number | null }[];
    source: { provider: string };
  }[];
  alerts: {
    edges: {
      node: {
        title: string;
        status: string;
        severity: string;
        url: string;
        service: { name: string } | null;
        source: { provider: string };
      };
    }[];
  };
  tickets: { edges: { node: { key: string; source: { provider: string } } }[] };
}

/** What every console row must show, whoever serves incidents and tickets. */
async function consolePage(
  gateway: TestGateway,
  calls: Counted,
  filter: Record<string, unknown>,
  incidentProvider: string,
  ticketProvider: string,
): Promise<ConsoleIncident[]> {
  for (const log of Object.values(calls)) log.reset();
  const data = await gqlData<{ incidents: { edges: { node: ConsoleIncident }[] } }>(gateway.url, CONSOLE, { filter });
  const incidents = data.incidents.edges.map((e) => e.node);
  expect(incidents.length).toBeGreaterThanOrEqual(2);

  for (const incident of incidents) {
    expect(incident.sourceOf.provider).toBe(incidentProvider);
    expect(incident.service?.name).toBe('checkout');
    expect(incident.service?.team?.name).toBeTruthy();

    // Metrics of `checkout-api`, from Prometheus, inside the incident window.
    const names = incident.metrics.map((s) => s.name).sort();
    expect(names).toEqual(['http_requests_total', 'queue_depth']);
    for (const series of incident.metrics) {
      expect(series.source.provider).toBe('prometheus');
      expect(series.labels.service).toBe('checkout-api');
      expect(series.points.length).toBeGreaterThan(0);
      for (const p of series.points) {
        expect(Date.parse(p.timestamp)).toBeGreaterThanOrEqual(Date.parse(incident.window.start));
        expect(Date.parse(p.timestamp)).toBeLessThanOrEqual(Date.parse(incident.window.end));
      }
      const link = new URL(series.url).searchParams;
      expect(link.get('g0.end_input')).toBe(incident.window.end.slice(0, 19).replace('T', ' '));
    }
    const depth = incident.metrics.find((s) => s.name === 'queue_depth');
    expect(depth?.points.every((p) => p.value === 42)).toBe(true);

    // Alerts of `checkout-api` from Alertmanager, joined back to the canonical service.
    const alerts = incident.alerts.edges.map((e) => e.node);
    expect(alerts.map((a) => a.title)).toEqual(['CheckoutLatency', 'CheckoutErrors: checkout 5xx above 5%']);
    for (const alert of alerts) {
      expect(alert.source.provider).toBe('alertmanager');
      expect(alert.service?.name).toBe('checkout');
      expect(alert.url.startsWith(`${alertmanager.url}/#/alerts?`)).toBe(true);
    }
    for (const ticket of incident.tickets.edges) expect(ticket.node.source.provider).toBe(ticketProvider);
  }
  expect(incidents.some((i) => i.tickets.edges.length > 0)).toBe(true);

  // One call per provider operation for the whole page, each carrying every incident's item.
  const prom = calls.prometheus as CallLog;
  const am = calls.alertmanager as CallLog;
  expect(prom.count('metric', 'query')).toBe(1);
  expect(prom.calls[0]?.items).toBe(incidents.length * 2);
  expect(am.count('alert', 'query')).toBe(1);
  expect(am.calls[0]?.items).toBe(incidents.length);
  expect(am.count('alert', 'getMany')).toBe(0);
  return incidents;
}

describe('console incident page: mock world + Prometheus + Alertmanager', () => {
  let gateway: TestGateway;
  let calls: Counted;

  beforeAll(async () => {
    const mock = await mockAdapter({ now: new Date().toISOString() });
    ({ gateway, calls } = await consoleGateway(
      [{ name: 'mock', adapter: mock, capabilities: ['incident', 'service', 'team', 'ticket'] }],
      ALIASES,
    ));
    // The on-call engineer has opened a follow-up ticket on the open checkout incident.
    const open = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
      gateway.url,
      '{ incidents(first: 1, filter: { scope: { service: "checkout" }, statuses: [TRIGGERED, ACKNOWLEDGED] }) { edges { node { id } } } }',
    );
    await gqlData(
      gateway.url,
      'mutation($input: TicketCreateInput!) { ticketCreate(input: $input) { ticket { id } } }',
      {
        input: { title: 'Follow up: checkout 5xx', incidentId: open.incidents.edges[0]?.node.id },
      },
    );
  });
  afterAll(() => gateway?.stop());

  it('joins incident → service → metrics, alerts and tickets, one batched call per hop', async () => {
    const incidents = await consolePage(
      gateway,
      calls,
      { scope: { service: 'checkout' }, statuses: ['TRIGGERED', 'ACKNOWLEDGED'] },
      'mock',
      'mock',
    );
    const mock = calls.mock as CallLog;
    expect(mock.count('incident', 'query')).toBe(1);
    expect(mock.count('service', 'query')).toBe(1);
    expect(mock.count('ticket', 'query')).toBe(1);
    expect(mock.calls.find((c) => c.capability === 'ticket')?.items).toBe(incidents.length);
  });

  it("serves Service.metrics through the service's Prometheus alias", async () => {
    const data = await gqlData<{
      services: { edges: { node: { name: string; metrics: { name: string; labels: Record<string, string> }[] } }[] };
    }>(
      gateway.url,
      `{ services(filter: { names: ["checkout"] }) { edges { node { name metrics(names: ["http_requests_total"], step: 2) { name labels } } } } }`,
    );
    const checkout = data.services.edges[0]?.node;
    expect(checkout?.name).toBe('checkout');
    expect(checkout?.metrics).toEqual([
      { name: 'http_requests_total', labels: expect.objectContaining({ service: 'checkout-api', method: 'GET' }) },
    ]);
  });
});

describe('console incident page: PagerDuty + Jira + Prometheus + Alertmanager', () => {
  let pagerduty: PagerDutyFake;
  let jira: JiraFake;
  let gateway: TestGateway;
  let calls: Counted;
  const SECOND = 'PJOIN02';

  beforeAll(async () => {
    [pagerduty, jira] = await Promise.all([startPagerDutyFake(), startJiraFake()]);
    seedPagerDuty(pagerduty);
    seedJira(jira);
    // A second open incident on the same service, with its own ticket, so the page has two rows.
    const created = new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    pagerduty.incidents.push({
      id: SECOND,
      incident_number: 2001,
      title: 'Checkout error rate above 5%',
      status: 'triggered',
      urgency: 'high',
      priority: 'P2',
      created_at: created,
      updated_at: created,
      service_id: 'PSCHECK',
      team_ids: ['PTPAYME'],
      assignee_ids: ['PUBOBNG'],
      details: null,
      log_entries: [],
      notes: [],
    });
    jira.issues.push({
      id: '30001',
      key: 'OPS-501',
      project: 'OPS',
      summary: 'Checkout error budget burn',
      description: null,
      status: 'To Do',
      priority: 'High',
      assignee: null,
      reporter: null,
      created: jiraTimestamp(Date.now() - 5 * 60_000),
      updated: jiraTimestamp(Date.now() - 5 * 60_000),
      labels: [`opsorch-incident-${SECOND}`],
      components: ['checkout-api'],
      issuetype: 'Task',
    });
    const pd = await pagerDutyAdapterAt(pagerduty);
    const jiraAdapter = await createJiraAdapter(
      { apiURL: jira.url, email: jira.email, apiToken: jira.token, projectKey: 'OPS' },
      env('jira'),
    );
    ({ gateway, calls } = await consoleGateway(
      [
        { name: 'pagerduty', adapter: pd, capabilities: ['incident', 'service', 'team'] },
        { name: 'jira', adapter: jiraAdapter, capabilities: ['ticket'] },
      ],
      { checkout: { ...ALIASES.checkout, pagerduty: ['checkout-api'] } },
    ));
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([pagerduty?.stop(), jira?.stop()]);
  });

  it('joins a PagerDuty incident → its service → Prometheus metrics and Alertmanager alerts → Jira tickets', async () => {
    const incidents = await consolePage(
      gateway,
      calls,
      {
        scope: { service: 'checkout' },
        statuses: ['TRIGGERED', 'ACKNOWLEDGED'],
        createdWithin: { start: new Date(Date.now() - 2 * 3_600_000).toISOString(), end: new Date().toISOString() },
      },
      'pagerduty',
      'jira',
    );
    const ticketsOf = Object.fromEntries(
      incidents.map((i) => [i.title, i.tickets.edges.map((e) => e.node.key).sort()]),
    );
    expect(ticketsOf).toEqual({
      'Checkout latency above SLO': ['OPS-7', 'OPS-9'],
      'Checkout error rate above 5%': ['OPS-501'],
    });
    const pd = calls.pagerduty as CallLog;
    const jiraCalls = calls.jira as CallLog;
    expect(pd.count('incident', 'query')).toBe(1);
    expect(pd.count('service', 'query')).toBe(1);
    expect(jiraCalls.count('ticket', 'query')).toBe(1);
    expect(jiraCalls.calls[0]?.items).toBe(incidents.length);
  });
});
