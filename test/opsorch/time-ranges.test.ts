/**
 * Time windows side by side with OpsOrch Core, over the same plugin processes (so both read the
 * same records with the same timestamps), boundaries included.
 * - Logs and metrics: Core's queries carry `start`/`end`; the gateway sends the same window and
 *   answers the same lines and points, a record exactly on a boundary included on both sides.
 * - Incidents, alerts and deployments: OpsOrch's queries have no time fields, so the gateway filters
 *   what the plugin answers. Compared with Core's whole list cut to the same window, the boundaries
 *   inclusive: `createdWithin` by creation, `startedWithin` by start, `activeWithin` by overlap of
 *   [createdAt, resolvedAt (in fields or metadata) or open]. Times compare at the millisecond, the gateway's precision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, type OpsOrchPair, startOpsOrchPair } from '../helpers/opsorch-pair.js';

const ms = (t: unknown) => Date.parse(new Date(t as string).toISOString());
const iso = (t: number) => new Date(t).toISOString();
const sorted = (values: unknown[]) => values.map(String).sort();

interface Conn {
  totalCount: number | null;
  nodes: { source: { nativeId: string } }[];
}

describe('time windows: the gateway and OpsOrch Core over the same plugins', () => {
  let pair: OpsOrchPair;

  beforeAll(async () => {
    pair = await startOpsOrchPair();
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
  });

  async function listIn(field: string, filter: string, range: { start: number; end: number }): Promise<string[]> {
    const data = await pair.gq<Record<string, Conn>>(
      `query($start: DateTime!, $end: DateTime!) { list: ${field}(filter: { ${filter}: { start: $start, end: $end } }, first: 100) { totalCount nodes { source { nativeId } } } }`,
      { start: iso(range.start), end: iso(range.end) },
    );
    const list = data.list as Conn;
    expect(list.totalCount).toBe(list.nodes.length);
    return sorted(list.nodes.map((n) => n.source.nativeId));
  }

  /** A window from one record's time to another's, both inside the list, not at its ends. */
  function boundaries(times: number[]): { start: number; end: number } {
    const distinct = [...new Set(times)].sort((a, b) => a - b);
    expect(distinct.length).toBeGreaterThanOrEqual(6);
    return { start: distinct[2] as number, end: distinct[distinct.length - 3] as number };
  }

  describe('incidents: filter.createdWithin', () => {
    it('holds the incidents Core lists created in the window, the records on both boundaries included', async () => {
      const all = await pair.rest('/incidents/query', {});
      const window = boundaries(all.map((i) => ms(i.createdAt)));
      const inside = (w: { start: number; end: number }) =>
        sorted(all.filter((i) => ms(i.createdAt) >= w.start && ms(i.createdAt) <= w.end).map((i) => i.id));
      const onBoundary = all.filter((i) => [window.start, window.end].includes(ms(i.createdAt))).map((i) => i.id);
      expect(onBoundary.length).toBeGreaterThanOrEqual(2);

      const found = await listIn('incidents', 'createdWithin', window);
      expect(found).toEqual(inside(window));
      expect(found).toEqual(expect.arrayContaining(onBoundary));
      expect(found.length).toBeLessThan(all.length - 3);

      const narrowed = { start: window.start + 1, end: window.end - 1 };
      const within = await listIn('incidents', 'createdWithin', narrowed);
      expect(within).toEqual(inside(narrowed));
      for (const id of onBoundary) expect(within).not.toContain(id);
    });

    it('composes with the other filters as Core composes them', async () => {
      const all = await pair.rest('/incidents/query', { statuses: ['mitigating', 'monitoring'] });
      const times = all.map((i) => ms(i.createdAt)).sort((a, b) => a - b);
      const window = { start: times[1] as number, end: times.at(-1) as number };
      const data = await pair.gq<{ list: Conn }>(
        `query($start: DateTime!, $end: DateTime!) { list: incidents(filter: { statuses: [MITIGATED], createdWithin: { start: $start, end: $end } }, first: 100) { totalCount nodes { source { nativeId } } } }`,
        { start: iso(window.start), end: iso(window.end) },
      );
      const expected = all.filter((i) => ms(i.createdAt) >= window.start && ms(i.createdAt) <= window.end);
      expect(expected.length).toBeGreaterThan(0);
      expect(sorted(data.list.nodes.map((n) => n.source.nativeId))).toEqual(sorted(expected.map((i) => i.id)));
    });
  });

  describe('alerts: filter.activeWithin', () => {
    const resolvedAt = (a: Json) =>
      (((a.fields as Json | undefined)?.resolvedAt ?? (a.metadata as Json | undefined)?.resolvedAt) as
        | string
        | undefined) ?? null;

    // OpsOrch's alert mock resolves some alerts as time passes, stamping the moment of the query that saw it
    // first: the window closes before the test's first query, so both sides see the same alerts in it.
    it('holds the alerts Core lists that were active in the window: started by its end, not resolved before its start', async () => {
      const all = await pair.rest('/alerts/query', {});
      const resolved = all.filter((a) => resolvedAt(a) !== null);
      expect(resolved.length).toBeGreaterThan(0);
      // The window opens exactly when a resolved alert ended and closes exactly when another alert started.
      const end = boundaries(all.map((a) => ms(a.createdAt))).end;
      const ended = resolved.map((a) => ms(resolvedAt(a))).filter((t) => t < end);
      expect(ended.length).toBeGreaterThan(0);
      const start = Math.min(...ended);
      const active = (w: { start: number; end: number }) =>
        sorted(
          all
            .filter((a) => ms(a.createdAt) <= w.end && (resolvedAt(a) === null || ms(resolvedAt(a)) >= w.start))
            .map((a) => a.id),
        );
      const endedAtStart = resolved.filter((a) => ms(resolvedAt(a)) === start).map((a) => a.id);
      const startedAtEnd = all.filter((a) => ms(a.createdAt) === end).map((a) => a.id);

      const found = await listIn('alerts', 'activeWithin', { start, end });
      expect(found).toEqual(active({ start, end }));
      expect(found).toEqual(expect.arrayContaining([...endedAtStart, ...startedAtEnd]));
      expect(found.length).toBeLessThan(all.length);

      const narrowed = { start: start + 1, end: end - 1 };
      const within = await listIn('alerts', 'activeWithin', narrowed);
      expect(within).toEqual(active(narrowed));
      for (const id of [...endedAtStart, ...startedAtEnd]) expect(within).not.toContain(id);
    });
  });

  describe('deployments: filter.startedWithin', () => {
    it('holds the deployments Core lists started in the window, the records on both boundaries included', async () => {
      // OpsOrch's mock dates its scenario deployments from each query's clock; the window closes an hour before them.
      const hourAgo = Date.now() - 3_600_000;
      const all = await pair.rest('/deployments/query', {});
      const settled = all.filter((d) => ms(d.startedAt) < hourAgo);
      const window = boundaries(settled.map((d) => ms(d.startedAt)));
      const inside = (w: { start: number; end: number }) =>
        sorted(all.filter((d) => ms(d.startedAt) >= w.start && ms(d.startedAt) <= w.end).map((d) => d.id));
      const onBoundary = all.filter((d) => [window.start, window.end].includes(ms(d.startedAt))).map((d) => d.id);
      expect(onBoundary.length).toBeGreaterThanOrEqual(2);

      const found = await listIn('deployments', 'startedWithin', window);
      expect(found).toEqual(inside(window));
      expect(found).toEqual(expect.arrayContaining(onBoundary));

      const narrowed = { start: window.start + 1, end: window.end - 1 };
      const within = await listIn('deployments', 'startedWithin', narrowed);
      expect(within).toEqual(inside(narrowed));
      for (const id of onBoundary) expect(within).not.toContain(id);
    });
  });

  describe('logs: query.start and query.end', () => {
    async function both(start: string, end: string) {
      const core = await pair.rest<{ entries: Json[] }>('/logs/query', {
        scope: { service: 'svc-checkout' },
        start,
        end,
        limit: 100,
      });
      const data = await pair.gq<{ logs: { entries: { timestamp: string; message: string; rawLevel: string }[] } }>(
        'query($start: DateTime!, $end: DateTime!) { logs(query: { scope: { service: "svc-checkout" }, start: $start, end: $end, limit: 100 }) { entries { timestamp message rawLevel } } }',
        { start, end },
      );
      const fromCore = [...core.entries]
        .sort((a, b) => ms(b.timestamp) - ms(a.timestamp))
        .map((e) => ({ timestamp: iso(ms(e.timestamp)), message: e.message, rawLevel: e.severity }));
      return { fromCore, gateway: data.logs.entries };
    }

    it('answers the lines Core answers for the same window; a line exactly on the start is in both, and out of both a millisecond later', async () => {
      // OpsOrch's log mock adds fixed lines at set distances before `end`, the oldest 25 minutes before it.
      const end = Math.floor(Date.now() / 1000) * 1000;
      const start = end - 25 * 60_000;
      const on = await both(iso(start), iso(end));
      expect(on.gateway.length).toBeGreaterThan(0);
      expect(on.gateway).toEqual(on.fromCore);
      expect(on.gateway.map((e) => e.timestamp)).toContain(iso(start));

      const off = await both(iso(start + 1), iso(end));
      expect(off.gateway).toEqual(off.fromCore);
      expect(off.gateway.map((e) => e.timestamp)).not.toContain(iso(start));
    });
  });

  describe('metrics: query.start, query.end and step', () => {
    async function both(start: number, end: number) {
      const name = 'http_requests_total';
      const core = await pair.rest('/metrics/query', {
        expression: { metricName: name },
        scope: { service: 'svc-checkout' },
        start: iso(start),
        end: iso(end),
        step: 60,
      });
      const data = await pair.gq<{ metrics: { name: string; points: { timestamp: string; value: number }[] }[] }>(
        `query($start: DateTime!, $end: DateTime!) { metrics(query: { name: "${name}", scope: { service: "svc-checkout" }, start: $start, end: $end, step: 60 }) { name points { timestamp value } } }`,
        { start: iso(start), end: iso(end) },
      );
      const fromCore = core
        .filter((s) => s.name === name)
        .map((s) => ({
          name: s.name,
          points: (s.points as Json[]).map((p) => ({ timestamp: iso(ms(p.timestamp)), value: p.value })),
        }));
      return { fromCore, gateway: data.metrics };
    }

    it('answers the points Core answers, from a point on the start to a point on the end', async () => {
      const end = Math.floor(Date.now() / 60_000) * 60_000;
      const start = end - 3_600_000;
      const on = await both(start, end);
      expect(on.gateway).toEqual(on.fromCore);
      const points = on.gateway[0]?.points ?? [];
      expect(points).toHaveLength(61);
      expect([points[0]?.timestamp, points.at(-1)?.timestamp]).toEqual([iso(start), iso(end)]);

      const short = await both(start, end - 1);
      expect(short.gateway).toEqual(short.fromCore);
      expect(short.gateway[0]?.points.at(-1)?.timestamp).toBe(iso(end - 60_000));
    });
  });
});
