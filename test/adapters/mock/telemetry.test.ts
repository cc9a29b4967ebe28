import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Incident, LogQuery, MetricQuery, MetricSeries } from '../../../adapters/contract/index.js';
import { HOUR, list, type MockHandle, mock, ms, NOW, NOW_MS, ok } from './helpers.js';

let h: MockHandle;
let incident: Incident;

beforeAll(async () => {
  h = await mock();
  // A resolved incident with a clear before / during / after on its service.
  const resolved = await list(h.caps.incident.query, { statuses: ['RESOLVED'], severities: ['CRITICAL', 'HIGH'] });
  incident = resolved.find((i) => ms(i.resolvedAt) - ms(i.createdAt) >= 30 * 60_000)!;
});
afterAll(async () => {
  await h.adapter.close?.();
});

const iso = (t: number) => new Date(t).toISOString();
const logs = async (q: Partial<LogQuery>) =>
  ok((await h.caps.log.query([{ start: iso(NOW_MS - HOUR), end: NOW, limit: 100, ...q }], {}))[0]);
const metrics = async (q: Partial<MetricQuery>): Promise<MetricSeries[]> =>
  ok((await h.caps.metric.query([{ start: iso(NOW_MS - HOUR), end: NOW, step: 60, ...q }], {}))[0]);
const values = (s: MetricSeries | undefined) =>
  (s?.points ?? []).map((p) => p.value).filter((v): v is number => v !== null);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('logs', () => {
  it('returns the newest lines first within the window, up to the limit, deterministically', async () => {
    const a = await logs({ scope: { service: 'search' }, limit: 50 });
    expect(a.entries).toHaveLength(50);
    expect(a.truncated).toBe(true);
    const times = a.entries.map((e) => ms(e.timestamp));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    for (const t of times) expect(t).toBeGreaterThanOrEqual(NOW_MS - HOUR);
    expect(a.entries.every((e) => e.service === 'search' && e.labels?.service === 'search')).toBe(true);
    expect(await logs({ scope: { service: 'search' }, limit: 50 })).toEqual(a);
    // Overlapping windows see the same lines.
    const narrower = await logs({ scope: { service: 'search-api' }, limit: 10, end: a.entries[5]!.timestamp });
    expect(narrower.entries[0]).toEqual(a.entries[5]);
  });

  it('filters by level and free text, across services in scope', async () => {
    const errors = await logs({ levels: ['ERROR', 'FATAL'], limit: 1000, start: iso(NOW_MS - 6 * HOUR) });
    expect(errors.entries.length).toBeGreaterThan(0);
    expect(errors.entries.every((e) => e.level === 'ERROR' || e.level === 'FATAL')).toBe(true);
    expect(new Set(errors.entries.map((e) => e.service)).size).toBeGreaterThan(3);
    const text = await logs({ query: 'CACHE HIT', limit: 20 });
    expect(text.entries.length).toBeGreaterThan(0);
    expect(text.entries.every((e) => e.message.toLowerCase().includes('cache hit'))).toBe(true);
    const team = await logs({ scope: { team: 'Identity' }, limit: 200 });
    expect(new Set(team.entries.map((e) => e.service))).toEqual(new Set(['auth', 'user-profile']));
    expect((await logs({ scope: { service: 'unknown' } })).entries).toEqual([]);
  });

  it('gets noisier while an incident hurts the service', async () => {
    const created = ms(incident.createdAt);
    const window = 30 * 60_000;
    const errorsIn = async (start: number) =>
      (
        await logs({
          scope: { service: incident.service! },
          levels: ['ERROR', 'WARN', 'FATAL'],
          start: iso(start),
          end: iso(start + window),
          limit: 1000,
        })
      ).entries.length;
    const before = await errorsIn(created - 3 * HOUR);
    const during = await errorsIn(created);
    expect(during).toBeGreaterThan(before * 3);
  });

  it('links to Kibana Discover with the search encoded, and rejects bad input', async () => {
    const result = await logs({ scope: { service: 'checkout' }, query: `it's "quoted" & 100%`, levels: ['ERROR'] });
    const url = new URL(result.url!);
    expect(url.origin).toBe('https://kibana.acme.internal');
    expect(url.pathname).toBe('/app/discover');
    expect(url.hash.startsWith('#/?')).toBe(true);
    const params = new URLSearchParams(url.hash.slice(3));
    expect([...params.keys()]).toEqual(['_g', '_a']);
    const app = params.get('_a')!;
    expect(app).toContain(`service:("checkout")`);
    expect(app).toContain(`log.level:("error")`);
    expect(app).toContain(`\\"quoted\\"`);
    // Rison escapes the quote that would otherwise end its string.
    expect(app).toContain("it!'s");
    expect(app).toContain('& 100%');
    expect(params.get('_g')).toBe(`(time:(from:'${iso(NOW_MS - HOUR)}',to:'${NOW}'))`);
    const [inverted, tooMany] = await h.caps.log.query(
      [
        { start: NOW, end: iso(NOW_MS - HOUR), limit: 10 },
        { start: iso(NOW_MS - HOUR), end: NOW, limit: 5000 },
      ],
      {},
    );
    expect(inverted).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(tooMany).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('never returns lines from the future', async () => {
    const result = await logs({ start: iso(NOW_MS + HOUR), end: iso(NOW_MS + 2 * HOUR) });
    expect(result.entries).toEqual([]);
  });
});

describe('metrics', () => {
  it('honours start, end and step exactly', async () => {
    const start = NOW_MS - 2 * HOUR + 7_000;
    const [series] = await metrics({
      name: 'cpu_usage_ratio',
      scope: { service: 'auth' },
      start: iso(start),
      end: NOW,
      step: 300,
    });
    const stamps = series!.points.map((p) => ms(p.timestamp));
    expect(stamps[0]).toBe(start);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]! - stamps[i - 1]!).toBe(300_000);
    expect(stamps[stamps.length - 1]).toBeLessThanOrEqual(NOW_MS);
    expect(stamps[stamps.length - 1]! + 300_000).toBeGreaterThan(NOW_MS);
    expect(series!.labels).toEqual({ service: 'auth', environment: 'production', team: 'identity-team', job: 'auth' });
  });

  it('gives one series per service without scope, and only the scoped ones with it', async () => {
    const services = await list(h.caps.service.query, {});
    const all = await metrics({ name: 'http_requests_total' });
    expect(all.map((s) => s.labels.service).sort()).toEqual(services.map((s) => s.name).sort());
    const byAlias = await metrics({ name: 'http_requests_total', scope: { service: 'PAYMENTS' } });
    expect(byAlias.map((s) => s.labels.service)).toEqual(['payments-api']);
    const byTeam = await metrics({ name: 'http_requests_total', scope: { team: 'catalog-team' } });
    expect(byTeam.map((s) => s.labels.service).sort()).toEqual(['catalog', 'inventory']);
    expect(await metrics({ name: 'http_requests_total', scope: { environment: 'staging' } })).toEqual([]);
    expect(await metrics({ name: 'no_such_metric' })).toEqual([]);
  });

  it('keeps counters monotonic and gauges in range', async () => {
    const range = { start: iso(NOW_MS - 14 * 24 * HOUR), end: NOW, step: 900 };
    for (const name of ['http_requests_total', 'http_errors_total']) {
      for (const series of await metrics({ name, ...range })) {
        const v = values(series);
        expect(v.length).toBe(series.points.length);
        for (let i = 1; i < v.length; i++) expect(v[i]!).toBeGreaterThanOrEqual(v[i - 1]!);
        expect(v[v.length - 1]!).toBeGreaterThan(v[0]!);
      }
    }
    for (const series of await metrics({ name: 'cpu_usage_ratio', ...range })) {
      for (const v of values(series)) expect(v >= 0 && v <= 1).toBe(true);
    }
    for (const series of await metrics({ name: 'http_request_duration_seconds', ...range })) {
      for (const v of values(series)) expect(v > 0 && v <= 30).toBe(true);
    }
    for (const series of await metrics({ name: 'memory_usage_bytes', ...range })) {
      for (const v of values(series)) expect(v > 0 && Number.isInteger(v)).toBe(true);
    }
  });

  it('shows the incident: errors and latency spike on its service, then recover', async () => {
    const service = incident.service!;
    const created = ms(incident.createdAt);
    const resolved = ms(incident.resolvedAt);
    const query = { scope: { service }, start: iso(created - 4 * HOUR), end: iso(resolved + 4 * HOUR), step: 60 };
    const [errorRate] = await metrics({ ...query, name: 'http_errors_total', aggregation: 'RATE' });
    const [latency] = await metrics({ ...query, name: 'http_request_duration_seconds' });
    const meanDuring = (s: MetricSeries | undefined) =>
      mean(
        s!.points
          .filter((p) => ms(p.timestamp) > created && ms(p.timestamp) < resolved - 10 * 60_000)
          .map((p) => p.value!),
      );
    const meanBefore = (s: MetricSeries | undefined) =>
      mean(s!.points.filter((p) => ms(p.timestamp) < created - 2 * HOUR).map((p) => p.value!));
    expect(meanDuring(errorRate)).toBeGreaterThan(5 * meanBefore(errorRate));
    expect(meanDuring(latency)).toBeGreaterThan(1.3 * meanBefore(latency));
    expect(errorRate!.unit).toBe('requests/s');
  });

  it('shows an incident opened now from now on, leaving the past alone', async () => {
    const fresh = await mock();
    const query = {
      name: 'http_errors_total',
      aggregation: 'RATE' as const,
      scope: { service: 'kafka' },
      start: iso(NOW_MS - 3 * HOUR),
      end: NOW,
      step: 600,
    };
    const [before] = ok((await fresh.caps.metric.query([query], {}))[0]);
    await fresh.caps.incident.create({ title: 'Broker down', service: 'kafka', severity: 'CRITICAL' }, {});
    const [after] = ok((await fresh.caps.metric.query([query], {}))[0]);
    expect(after!.points.slice(0, -1)).toEqual(before!.points.slice(0, -1));
    const later = { ...query, start: iso(NOW_MS + 20 * 60_000), end: iso(NOW_MS + 20 * 60_000) };
    vi.useFakeTimers({ now: Date.now() + 20 * 60_000, toFake: ['Date'] });
    try {
      const [spiked] = ok((await fresh.caps.metric.query([later], {}))[0]);
      expect(values(spiked)[0]).toBeGreaterThan(5 * mean(values(before)));
    } finally {
      vi.useRealTimers();
    }
  });

  it('aggregates across services and groups by labels', async () => {
    const per = await metrics({ name: 'http_requests_total', scope: { team: 'Payments' } });
    const [sum] = await metrics({ name: 'http_requests_total', scope: { team: 'Payments' }, aggregation: 'SUM' });
    expect(sum!.labels).toEqual({});
    expect(values(sum)[0]).toBe(values(per[0])[0]! + values(per[1])[0]!);
    const cpu = await metrics({ name: 'cpu_usage_ratio', scope: { team: 'Payments' } });
    const [max] = await metrics({ name: 'cpu_usage_ratio', scope: { team: 'Payments' }, aggregation: 'MAX' });
    expect(values(max)[0]).toBe(Math.max(...cpu.map((s) => values(s)[0]!)));
    const [avg] = await metrics({ name: 'cpu_usage_ratio', scope: { team: 'Payments' }, aggregation: 'AVG' });
    expect(values(avg)[0]).toBeCloseTo(mean(cpu.map((s) => values(s)[0]!)));
    const [count] = await metrics({ name: 'cpu_usage_ratio', aggregation: 'COUNT' });
    expect(values(count)[0]).toBe(13);
    const byTeam = await metrics({ name: 'http_requests_total', aggregation: 'SUM', groupBy: ['team'] });
    expect(byTeam).toHaveLength(10);
    expect(byTeam.every((s) => Object.keys(s.labels).join() === 'team')).toBe(true);
    // groupBy alone still groups (sum for counters, avg for gauges) instead of being ignored.
    expect(await metrics({ name: 'cpu_usage_ratio', groupBy: ['team'] })).toHaveLength(10);
    const [p50] = await metrics({ name: 'cpu_usage_ratio', aggregation: 'P50' });
    expect(p50!.labels).toEqual({});
  });

  it('computes per-second rates of counters and refuses RATE on gauges', async () => {
    const [rate] = await metrics({
      name: 'http_requests_total',
      scope: { service: 'api-gateway' },
      aggregation: 'RATE',
    });
    for (const v of values(rate)) expect(v).toBeGreaterThan(500);
    const [bad] = await h.caps.metric.query(
      [{ name: 'cpu_usage_ratio', aggregation: 'RATE', start: iso(NOW_MS - HOUR), end: NOW, step: 60 }],
      {},
    );
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('counter') });
  });

  it('applies label matchers, and understands simple PromQL expressions', async () => {
    const eq = await metrics({ name: 'cpu_usage_ratio', labels: [{ name: 'team', op: 'EQ', value: 'identity-team' }] });
    expect(eq.map((s) => s.labels.service).sort()).toEqual(['auth', 'user-profile']);
    const re = await metrics({
      name: 'cpu_usage_ratio',
      labels: [{ name: 'service', op: 'REGEX', value: 'check.*|search' }],
    });
    expect(re.map((s) => s.labels.service).sort()).toEqual(['checkout', 'search']);
    const nre = await metrics({ name: 'cpu_usage_ratio', labels: [{ name: 'service', op: 'NOT_REGEX', value: '.*' }] });
    expect(nre).toEqual([]);
    const neq = await metrics({ name: 'cpu_usage_ratio', labels: [{ name: 'service', op: 'NEQ', value: 'kafka' }] });
    expect(neq).toHaveLength(12);

    const expr = await metrics({
      expression: 'sum by (team) (rate(http_errors_total{service=~"auth|user-profile"}[5m]))',
    });
    expect(expr).toHaveLength(1);
    expect(expr[0]!.labels).toEqual({ team: 'identity-team' });
    expect(new URL(expr[0]!.url!).searchParams.get('g0.expr')).toBe(
      'sum by (team) (rate(http_errors_total{service=~"auth|user-profile"}[5m]))',
    );
    const window = { start: iso(NOW_MS - HOUR), end: NOW, step: 60 };
    const [bad, mismatch, both] = await h.caps.metric.query(
      [
        { ...window, expression: 'histogram_quantile(0.9, x)' },
        { ...window, expression: 'cpu_usage_ratio', name: 'memory_usage_bytes' },
        { ...window, expression: 'cpu_usage_ratio{service="auth"}', name: 'cpu_usage_ratio' },
      ],
      {},
    );
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(mismatch).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(ok(both).map((s) => s.labels.service)).toEqual(['auth']);
  });

  it('links every series to the Prometheus graph page, label values escaped', async () => {
    const [series] = await metrics({
      name: 'cpu_usage_ratio',
      scope: { service: 'checkout' },
      labels: [{ name: 'job', op: 'NEQ', value: 'a"b\\c' }],
      start: iso(NOW_MS - 3 * HOUR),
      step: 120,
    });
    const url = new URL(series!.url!);
    expect(url.origin + url.pathname).toBe('http://prometheus.acme.internal:9090/graph');
    expect(url.searchParams.get('g0.expr')).toBe(
      'cpu_usage_ratio{service="checkout",environment="production",job!="a\\"b\\\\c"}',
    );
    expect(url.searchParams.get('g0.range_input')).toBe('3h');
    expect(url.searchParams.get('g0.step_input')).toBe('120');
    expect(series!.url).not.toContain('"');
  });

  it('returns no values for instants after now', async () => {
    const [series] = await metrics({
      name: 'cpu_usage_ratio',
      scope: { service: 'auth' },
      start: iso(NOW_MS - HOUR),
      end: iso(NOW_MS + HOUR),
      step: 600,
    });
    // The world clock starts at NOW and moves with the wall clock; a minute of slack covers the test run.
    const future = series!.points.filter((p) => ms(p.timestamp) > NOW_MS + 60_000);
    expect(future.length).toBeGreaterThan(0);
    expect(future.every((p) => p.value === null)).toBe(true);
  });

  it('rejects impossible ranges and steps', async () => {
    const results = await h.caps.metric.query(
      [
        { name: 'cpu_usage_ratio', start: NOW, end: iso(NOW_MS - HOUR), step: 60 },
        { name: 'cpu_usage_ratio', start: iso(NOW_MS - 30 * 24 * HOUR), end: NOW, step: 1 },
        { name: 'cpu_usage_ratio', start: iso(NOW_MS - HOUR), end: NOW, step: 0 },
        { start: iso(NOW_MS - HOUR), end: NOW, step: 60 },
      ],
      {},
    );
    for (const r of results) expect(r).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('describes its metrics with types and help', async () => {
    const [descriptors, none] = await h.caps.metric.describe([{ service: 'checkout' }, { service: 'nope' }], {});
    const byName = new Map(ok(descriptors).map((d) => [d.name, d]));
    expect(byName.get('http_requests_total')).toMatchObject({ type: 'COUNTER', unit: 'requests' });
    expect(byName.get('http_errors_total')?.type).toBe('COUNTER');
    expect(byName.get('http_request_duration_seconds')).toMatchObject({ type: 'GAUGE', unit: 'seconds' });
    expect(byName.get('cpu_usage_ratio')?.type).toBe('GAUGE');
    expect(byName.get('memory_usage_bytes')?.type).toBe('GAUGE');
    for (const d of byName.values()) {
      expect(d.help).toBeTruthy();
      expect(d.labels).toContain('service');
    }
    expect(ok(none)).toEqual([]);
  });
});
