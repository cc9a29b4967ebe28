/**
 * The operator console's incident list in one round trip, joined across providers: incidents,
 * their services and teams and linked tickets from the seeded mock world; metrics over each
 * incident's window from a real Prometheus; the service's alerts from a real Alertmanager. The
 * mock calls the service `checkout`, Prometheus and Alertmanager label it `checkout-api`: the
 * join goes through the service aliases. Every provider is wrapped in a call counter to show
 * that each hop is one batched call, however many incidents the page holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerAdapter } from '../../adapters/alertmanager/index.js';
import { createPrometheusAdapter } from '../../adapters/prometheus/index.js';
import { postAlerts, settledAlerts, startAlertmanager } from '../helpers/alertmanager.js';
import { type CallLog, countingAdapter } from '../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway, testLogger } from '../helpers/gateway.js';
import { gqlData } from '../helpers/graphql.js';
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
let gateway: TestGateway;
const calls: Record<'mock' | 'prometheus' | 'alertmanager', CallLog> = {} as never;

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

  const env = (name: string) => ({ name, logger: testLogger });
  const mock = countingAdapter(await mockAdapter({ now: new Date().toISOString() }));
  const prom = countingAdapter(await createPrometheusAdapter({ url: prometheus.url }, env('prometheus')));
  const am = countingAdapter(
    await createAlertmanagerAdapter({ alertmanagerURL: alertmanager.url }, env('alertmanager')),
  );
  calls.mock = mock.log;
  calls.prometheus = prom.log;
  calls.alertmanager = am.log;
  gateway = await startTestGateway(
    [
      { name: 'mock', adapter: mock.adapter, capabilities: ['incident', 'service', 'team', 'ticket'] },
      { name: 'prometheus', adapter: prom.adapter },
      { name: 'alertmanager', adapter: am.adapter },
    ],
    { serviceAliases: { checkout: { prometheus: ['checkout-api'], alertmanager: ['checkout-api'] } } },
  );
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
  await exporter?.close();
});

const CONSOLE = `query Console {
  incidents(first: 10, filter: { scope: { service: "checkout" }, statuses: [TRIGGERED, ACKNOWLEDGED] }) {
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
    } }
  }
}`;

interface ConsoleIncident {
  id: string;
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

describe('console incident page joined across providers', () => {
  it('joins incident → service → metrics, alerts and tickets, one batched call per hop', async () => {
    for (const log of Object.values(calls)) log.reset();
    const data = await gqlData<{ incidents: { edges: { node: ConsoleIncident }[] } }>(gateway.url, CONSOLE);
    const incidents = data.incidents.edges.map((e) => e.node);
    expect(incidents.length).toBeGreaterThanOrEqual(2);

    for (const incident of incidents) {
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
      for (const ticket of incident.tickets.edges) expect(ticket.node.source.provider).toBe('mock');
    }
    expect(incidents.some((i) => i.tickets.edges.length > 0)).toBe(true);

    // One call per provider operation for the whole page, each carrying every incident's item.
    expect(calls.mock.count('incident', 'query')).toBe(1);
    expect(calls.mock.count('service', 'query')).toBe(1);
    expect(calls.mock.count('ticket', 'query')).toBe(1);
    expect(calls.mock.calls.find((c) => c.capability === 'ticket')?.items).toBe(incidents.length);
    expect(calls.prometheus.count('metric', 'query')).toBe(1);
    expect(calls.prometheus.calls[0]?.items).toBe(incidents.length * 2);
    expect(calls.alertmanager.count('alert', 'query')).toBe(1);
    expect(calls.alertmanager.calls[0]?.items).toBe(incidents.length);
    expect(calls.alertmanager.count('alert', 'getMany')).toBe(0);
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
