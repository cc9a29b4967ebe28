/** `MetricSeries.stats` through the real server, checked against the series' own points. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_NOW, mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gqlData } from '../../../helpers/graphql.js';

interface Series {
  name: string;
  points: { timestamp: string; value: number | null }[];
  stats: {
    latest: number | null;
    min: number | null;
    max: number | null;
    avg: number | null;
    p95: number | null;
    count: number;
  };
}

describe('metric series statistics', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
  });
  afterAll(() => gateway.stop());

  it('are the latest, min, max, mean and nearest-rank p95 of the points that have a value', async () => {
    const data = await gqlData<{ services: { nodes: { metrics: Series[] }[] } }>(
      gateway.url,
      `query($start: DateTime!, $end: DateTime!) { services(first: 3) { nodes {
        metrics(start: $start, end: $end) { name points { timestamp value } stats { latest min max avg p95 count } } } } }`,
      { start: '2026-11-20T10:00:00.000Z', end: MOCK_NOW },
    );
    const series = data.services.nodes.flatMap((s) => s.metrics);
    expect(series.length).toBeGreaterThan(2);
    for (const s of series) {
      const valued = s.points.filter((p) => p.value !== null);
      const values = valued.map((p) => p.value as number).sort((a, b) => a - b);
      expect(s.stats.count).toBe(values.length);
      if (values.length === 0) {
        expect(s.stats).toEqual({ latest: null, min: null, max: null, avg: null, p95: null, count: 0 });
        continue;
      }
      const newest = [...valued].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))[0];
      expect(s.stats.latest).toBe(newest?.value);
      expect(s.stats.min).toBe(values[0]);
      expect(s.stats.max).toBe(values.at(-1));
      expect(s.stats.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
      // Nearest rank: at least 95% of the values are at or below p95, and fewer than 95% below it.
      const p95 = s.stats.p95 as number;
      expect(values.filter((v) => v <= p95).length / values.length).toBeGreaterThanOrEqual(0.95);
      expect(values.filter((v) => v < p95).length / values.length).toBeLessThan(0.95);
    }
  });
});
