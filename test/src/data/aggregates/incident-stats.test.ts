/**
 * `incidentStats` of services and teams through the real server, checked against the incidents
 * themselves as the same gateway lists them; and the bound that makes them approximate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_NOW, mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gqlData } from '../../../helpers/graphql.js';

interface Stats {
  range: { start: string; end: string };
  total: number;
  open: number;
  acknowledged: number;
  resolved: number;
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  bySeverity: { severity: string; count: number }[];
  byStatus: { status: string; count: number }[];
  approximate: boolean;
}
interface Incident {
  status: string;
  severity: string;
  createdAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
}

const RANGE = { start: '2026-10-21T12:00:00.000Z', end: MOCK_NOW };
const STATS =
  'range { start end } total open acknowledged resolved mttaSeconds mttrSeconds bySeverity { severity count } byStatus { status count } approximate';
const INCIDENT = 'status severity createdAt acknowledgedAt resolvedAt';

function expected(incidents: Incident[]) {
  const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;
  const acked = incidents.filter((i) => i.acknowledgedAt);
  const resolved = incidents.filter((i) => i.status === 'RESOLVED' && i.resolvedAt);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    total: incidents.length,
    open: incidents.filter((i) => i.status !== 'RESOLVED').length,
    acknowledged: acked.length,
    resolved: resolved.length,
    mttaSeconds: mean(acked.map((i) => seconds(i.createdAt, i.acknowledgedAt as string))),
    mttrSeconds: mean(resolved.map((i) => seconds(i.createdAt, i.resolvedAt as string))),
    critical: incidents.filter((i) => i.severity === 'CRITICAL').length,
  };
}

describe('incident statistics', () => {
  let gateway: TestGateway;
  let bounded: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    bounded = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { maxAggregateRecords: 2 },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await bounded.stop();
  });

  it("of every service are those of the service's incidents in the range", async () => {
    const data = await gqlData<{
      services: { nodes: { name: string; incidentStats: Stats; incidents: { nodes: Incident[] } }[] };
    }>(
      gateway.url,
      `query($range: TimeRangeInput!) { services(first: 30) { nodes { name
        incidentStats(range: $range) { ${STATS} }
        incidents(filter: { createdWithin: $range }, first: 100) { nodes { ${INCIDENT} } } } } }`,
      { range: RANGE },
    );
    const withIncidents = data.services.nodes.filter((s) => s.incidents.nodes.length > 0);
    expect(withIncidents.length).toBeGreaterThan(2);
    expect(data.services.nodes.some((s) => s.incidentStats.mttrSeconds !== null)).toBe(true);
    expect(data.services.nodes.some((s) => s.incidentStats.mttaSeconds !== null)).toBe(true);
    for (const service of data.services.nodes) {
      const stats = service.incidentStats;
      const want = expected(service.incidents.nodes);
      expect(stats.range).toEqual(RANGE);
      expect(stats.approximate).toBe(false);
      expect({
        total: stats.total,
        open: stats.open,
        acknowledged: stats.acknowledged,
        resolved: stats.resolved,
        critical: stats.bySeverity.find((s) => s.severity === 'CRITICAL')?.count,
      }).toEqual({
        total: want.total,
        open: want.open,
        acknowledged: want.acknowledged,
        resolved: want.resolved,
        critical: want.critical,
      });
      if (want.mttaSeconds === null) expect(stats.mttaSeconds).toBeNull();
      else expect(stats.mttaSeconds).toBeCloseTo(want.mttaSeconds, 6);
      if (want.mttrSeconds === null) expect(stats.mttrSeconds).toBeNull();
      else expect(stats.mttrSeconds).toBeCloseTo(want.mttrSeconds, 6);
      expect(stats.byStatus.reduce((a, s) => a + s.count, 0)).toBe(stats.total);
      expect(stats.bySeverity.reduce((a, s) => a + s.count, 0)).toBe(stats.total);
    }
  });

  it("of a team are those of the team's incidents in the range", async () => {
    const data = await gqlData<{
      teams: { nodes: { name: string; incidentStats: Stats }[] };
      incidents: { nodes: (Incident & { team: { name: string } | null })[] };
    }>(
      gateway.url,
      `query($range: TimeRangeInput!) { teams(first: 100) { nodes { name incidentStats(range: $range) { ${STATS} } } }
        incidents(filter: { createdWithin: $range }, first: 100) { nodes { ${INCIDENT} team { name } } } }`,
      { range: RANGE },
    );
    let seen = 0;
    for (const team of data.teams.nodes) {
      const own = data.incidents.nodes.filter((i) => i.team?.name === team.name);
      seen += own.length;
      const want = expected(own);
      expect([team.name, team.incidentStats.total, team.incidentStats.open]).toEqual([
        team.name,
        want.total,
        want.open,
      ]);
      if (want.mttrSeconds !== null) expect(team.incidentStats.mttrSeconds).toBeCloseTo(want.mttrSeconds, 6);
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('default to the last 7 days', async () => {
    const data = await gqlData<{ teams: { nodes: { incidentStats: Stats }[] } }>(
      gateway.url,
      `{ teams(first: 1) { nodes { incidentStats { range { start end } } } } }`,
    );
    const range = data.teams.nodes[0]?.incidentStats.range;
    expect(Date.parse(range?.end ?? '') - Date.parse(range?.start ?? '')).toBe(7 * 86_400_000);
  });

  it('refuse a range that ends before it starts', async () => {
    const { gql } = await import('../../../helpers/graphql.js');
    const result = await gql(
      gateway.url,
      `{ teams(first: 1) { nodes { incidentStats(range: { start: "2026-11-02T00:00:00Z", end: "2026-11-01T00:00:00Z" }) { total } } } }`,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('say they are approximate when the bound stopped the scan, and cover the newest incidents', async () => {
    const data = await gqlData<{
      services: { nodes: { incidentStats: Stats; incidents: { nodes: Incident[] } }[] };
    }>(
      bounded.url,
      `query($range: TimeRangeInput!) { services(first: 30) { nodes {
        incidentStats(range: $range) { ${STATS} }
        incidents(filter: { createdWithin: $range }, first: 100) { nodes { ${INCIDENT} } } } } }`,
      { range: RANGE },
    );
    const big = data.services.nodes.filter((s) => s.incidents.nodes.length > 2);
    expect(big.length).toBeGreaterThan(0);
    for (const service of data.services.nodes) {
      const over = service.incidents.nodes.length > 2;
      expect(service.incidentStats.approximate).toBe(over);
      const want = expected(service.incidents.nodes.slice(0, 2));
      expect([service.incidentStats.total, service.incidentStats.open]).toEqual([want.total, want.open]);
    }
  });
});
