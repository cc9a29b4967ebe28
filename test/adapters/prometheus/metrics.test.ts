/**
 * Metrics through the whole gateway against a real Prometheus scraping an exporter this test
 * controls (every counter grows by a fixed amount per scrape, so values are predictable).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusAdapter } from '../../../adapters/prometheus/index.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';
import {
  type Exporter,
  eventually,
  instantQuery,
  type RealServer,
  startExporter,
  startPrometheus,
} from '../../helpers/prometheus.js';

function render(path: string, n: number): string {
  if (path === '/inventory') return `legacy_jobs_total ${7 * n}\n`;
  return `# HELP http_requests_total Requests served.
# TYPE http_requests_total counter
http_requests_total{service="checkout-api",env="prod",method="GET"} ${10 * n}
http_requests_total{service="checkout-api",env="prod",method="POST"} ${5 * n}
http_requests_total{service="checkout-api",env="staging",method="GET"} ${2 * n}
http_requests_total{service="payments",env="prod",method="GET"} ${100 * n}
# HELP queue_depth Jobs waiting to run.
# TYPE queue_depth gauge
queue_depth{service="checkout-api",env="prod"} 42
queue_depth{service="checkout-api",env="canary"} NaN
# HELP http_request_duration_seconds Request latency.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{service="checkout-api",le="0.1"} ${50 * n}
http_request_duration_seconds_bucket{service="checkout-api",le="0.5"} ${90 * n}
http_request_duration_seconds_bucket{service="checkout-api",le="1"} ${100 * n}
http_request_duration_seconds_bucket{service="checkout-api",le="+Inf"} ${100 * n}
http_request_duration_seconds_sum{service="checkout-api"} ${20 * n}
http_request_duration_seconds_count{service="checkout-api"} ${100 * n}
`;
}

let exporter: Exporter;
let prometheus: RealServer;
let gateway: TestGateway;
let window: { start: string; end: string };

beforeAll(async () => {
  exporter = await startExporter(render);
  prometheus = await startPrometheus([
    { job: 'app', target: exporter.target },
    { job: 'inventory', target: exporter.target, path: '/inventory' },
  ]);
  // Enough scrapes for rates and several points per series.
  await eventually(async () => {
    const [series] = await instantQuery(prometheus.url, 'count_over_time(legacy_jobs_total[1m])');
    return Number(series?.value[1] ?? 0) >= 10 ? true : undefined;
  });
  const end = Date.now();
  window = { start: new Date(end - 20_000).toISOString(), end: new Date(end).toISOString() };
  const adapter = await createPrometheusAdapter({ url: prometheus.url }, { name: 'prometheus', logger: testLogger });
  gateway = await startTestGateway([{ name: 'prometheus', adapter }]);
});

afterAll(async () => {
  await gateway?.stop();
  await prometheus?.stop();
  await exporter?.close();
});

const METRICS = `query($q: MetricQueryInput!) {
  metrics(query: $q) { name labels unit url points { timestamp value } source { provider capability nativeId } }
}`;

interface Series {
  name: string;
  labels: Record<string, string>;
  unit: string | null;
  url: string;
  points: { timestamp: string; value: number | null }[];
  source: { provider: string; capability: string; nativeId: string };
}

async function metrics(q: Record<string, unknown>): Promise<Series[]> {
  return (await gqlData<{ metrics: Series[] }>(gateway.url, METRICS, { q: { ...window, ...q } })).metrics;
}

const values = (s: Series) => s.points.map((p) => p.value).filter((v): v is number => v !== null);

describe('metrics from a real Prometheus', () => {
  it('returns the values the exporter served, rising with every scrape, one point per step', async () => {
    const [series, ...rest] = await metrics({
      name: 'http_requests_total',
      scope: { service: 'checkout-api', environment: 'prod' },
      labels: [{ name: 'method', value: 'GET' }],
      step: 1,
    });
    expect(rest).toHaveLength(0);
    expect(series?.name).toBe('http_requests_total');
    expect(series?.labels).toMatchObject({ service: 'checkout-api', env: 'prod', method: 'GET', job: 'app' });
    expect(series?.source).toEqual({ provider: 'prometheus', capability: 'METRIC', nativeId: 'http_requests_total' });
    const v = values(series as Series);
    expect(v.length).toBeGreaterThanOrEqual(5);
    for (const value of v) expect(value % 10).toBe(0);
    for (let i = 1; i < v.length; i++) expect(v[i]).toBeGreaterThanOrEqual(v[i - 1] as number);
    expect(v.at(-1)).toBeGreaterThan(v[0] as number);
    const times = (series as Series).points.map((p) => Date.parse(p.timestamp));
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBe(1000);
  });

  it('honours the step', async () => {
    const [series] = await metrics({
      name: 'queue_depth',
      scope: { service: 'checkout-api', environment: 'prod' },
      step: 3,
    });
    const times = (series as Series).points.map((p) => Date.parse(p.timestamp));
    expect(times.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBe(3000);
    expect(values(series as Series).every((v) => v === 42)).toBe(true);
  });

  it('returns NaN samples as null', async () => {
    const [series] = await metrics({ name: 'queue_depth', scope: { environment: 'canary' }, step: 1 });
    expect((series as Series).points.length).toBeGreaterThan(0);
    expect((series as Series).points.every((p) => p.value === null)).toBe(true);
  });

  it('aggregates with and without groupBy', async () => {
    const [total, ...none] = await metrics({
      name: 'http_requests_total',
      scope: { service: 'checkout-api' },
      aggregation: 'SUM',
      step: 1,
    });
    expect(none).toHaveLength(0);
    expect(total?.labels).toEqual({});
    expect(total?.name).toBe('http_requests_total');
    // 10n + 5n + 2n per scrape: always a multiple of 17.
    for (const v of values(total as Series)) expect(v % 17).toBe(0);

    const byMethod = await metrics({
      name: 'http_requests_total',
      scope: { service: 'checkout-api' },
      aggregation: 'MAX',
      groupBy: ['method'],
      step: 1,
    });
    expect(byMethod.map((s) => s.labels).sort((a, b) => (a.method ?? '').localeCompare(b.method ?? ''))).toEqual([
      { method: 'GET' },
      { method: 'POST' },
    ]);
  });

  it('computes rates and histogram quantiles', async () => {
    const rates = await metrics({
      name: 'http_requests_total',
      scope: { service: 'checkout-api', environment: 'prod' },
      aggregation: 'RATE',
      groupBy: ['method'],
      step: 1,
    });
    const get = rates.find((s) => s.labels.method === 'GET') as Series;
    const post = rates.find((s) => s.labels.method === 'POST') as Series;
    expect(values(post).length).toBeGreaterThan(0);
    // GET grows by 10 and POST by 5 per scrape, so GET's rate is twice POST's at every instant
    // (absolute rates depend on how much of the rate window Prometheus has data for).
    get.points.forEach((p, i) => {
      expect(p.value).toBeGreaterThan(0);
      expect((p.value as number) / (post.points[i]?.value as number)).toBeCloseTo(2, 6);
    });

    const [p99] = await metrics({
      name: 'http_request_duration_seconds',
      scope: { service: 'checkout-api' },
      aggregation: 'P99',
      step: 1,
    });
    expect(p99?.unit).toBe('seconds');
    const quantiles = values(p99 as Series);
    expect(quantiles.length).toBeGreaterThan(0);
    // Rank 99 of 100 falls in the (0.5, 1] bucket, 9 of its 10 observations in: 0.5 + 0.9 * 0.5.
    for (const q of quantiles) expect(q).toBeCloseTo(0.95, 5);
  });

  it('runs a raw PromQL expression as given', async () => {
    const expression = 'sum by (env) (http_requests_total{service="checkout-api"})';
    const series = await metrics({ expression, step: 1 });
    expect(series.map((s) => s.labels.env).sort()).toEqual(['prod', 'staging']);
    expect(series[0]?.name).toBe(expression);
  });

  it('falls back to the job label for series without a service label, and only for those', async () => {
    const [legacy] = await metrics({ name: 'legacy_jobs_total', scope: { service: 'inventory' }, step: 1 });
    expect(legacy?.labels).toMatchObject({ job: 'inventory' });
    for (const v of values(legacy as Series)) expect(v % 7).toBe(0);
    // Series of job "app" carry a service label, so `service: app` must not pick them up.
    expect(await metrics({ name: 'http_requests_total', scope: { service: 'app' }, step: 1 })).toEqual([]);
  });

  it('links each series to the graph page with the expression and the exact window', async () => {
    const [series] = await metrics({
      name: 'http_requests_total',
      scope: { service: 'checkout-api', environment: 'prod' },
      labels: [{ name: 'method', value: 'GET' }],
      step: 2,
    });
    const url = new URL((series as Series).url);
    expect(`${url.origin}${url.pathname}`).toBe(`${prometheus.url}/graph`);
    expect(url.search).not.toContain('+');
    const params = url.searchParams;
    const expr = params.get('g0.expr') as string;
    expect(expr).toContain('http_requests_total{');
    expect(expr).toContain('method="GET"');
    expect(expr).toContain('env="prod"');
    expect(expr).toContain('service="checkout-api"');
    expect(params.get('g0.tab')).toBe('0');
    expect(params.get('g0.range_input')).toBe('20s');
    expect(params.get('g0.end_input')).toBe(window.end.slice(0, 19).replace('T', ' '));
    expect(params.get('g0.step_input')).toBe('2');
    // The link's expression is a real query: Prometheus answers it with the same series.
    const [same] = await instantQuery(prometheus.url, expr);
    expect(same?.metric).toMatchObject(series?.labels ?? {});
  });

  it('describes metrics with their real type and help, histograms as one family', async () => {
    const { metricDescriptors } = await gqlData<{
      metricDescriptors: { name: string; type: string; help: string | null; labels: string[] }[];
    }>(gateway.url, `query($scope: ScopeInput) { metricDescriptors(scope: $scope) { name type help labels } }`, {
      scope: { service: 'checkout-api' },
    });
    const byName = new Map(metricDescriptors.map((d) => [d.name, d]));
    expect(byName.get('http_requests_total')).toMatchObject({ type: 'COUNTER', help: 'Requests served.' });
    expect(byName.get('queue_depth')).toMatchObject({ type: 'GAUGE', help: 'Jobs waiting to run.' });
    expect(byName.get('http_request_duration_seconds')).toMatchObject({ type: 'HISTOGRAM' });
    expect([...byName.keys()].some((n) => n.endsWith('_bucket'))).toBe(false);
    // Scoped: metrics of other jobs only, without a service label, are not listed.
    expect(byName.has('legacy_jobs_total')).toBe(false);

    const all = await gqlData<{ metricDescriptors: { name: string; type: string }[] }>(
      gateway.url,
      '{ metricDescriptors { name type } }',
    );
    const legacy = all.metricDescriptors.find((d) => d.name === 'legacy_jobs_total');
    expect(legacy?.type).toBe('UNKNOWN');
  });

  it('reports Prometheus as healthy', async () => {
    const { providers } = await gqlData<{ providers: { provider: string; health: { status: string } }[] }>(
      gateway.url,
      '{ providers { provider health { status } } }',
    );
    expect(providers).toContainEqual({ provider: 'prometheus', health: { status: 'HEALTHY' } });
  });
});

describe('hostile and bad input', () => {
  it('escapes a service name that tries to inject PromQL: no extra series, no error', async () => {
    const injection = 'checkout"} or vector(1) or up{job="';
    const result = await gql<{ metrics: Series[] }>(gateway.url, METRICS, {
      q: { ...window, name: 'http_requests_total', scope: { service: injection }, step: 1 },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.metrics).toEqual([]);

    const viaLabel = await gql<{ metrics: Series[] }>(gateway.url, METRICS, {
      q: { ...window, name: 'up', labels: [{ name: 'job', value: 'app"} or vector(1) or up{job="' }], step: 1 },
    });
    expect(viaLabel.errors).toBeUndefined();
    expect(viaLabel.data?.metrics).toEqual([]);
  });

  it('rejects label and metric names that are not names', async () => {
    const badLabel = await gql(gateway.url, METRICS, {
      q: { ...window, name: 'up', labels: [{ name: 'job"}or vector(1)#', value: 'x' }], step: 1 },
    });
    expect(badLabel.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badName = await gql(gateway.url, METRICS, { q: { ...window, name: 'up or vector(1)', step: 1 } });
    expect(badName.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('turns invalid raw PromQL into BAD_USER_INPUT carrying the parse error', async () => {
    const result = await gql(gateway.url, METRICS, {
      q: { ...window, expression: 'sum(rate(http_requests_total[5m]', step: 1 },
    });
    const error = result.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: 'prometheus', capability: 'metric' });
    expect(error?.message).toMatch(/parse error/);
    expect(error?.message.length).toBeLessThan(500);
    expect(result.status).toBe(200);
  });
});
