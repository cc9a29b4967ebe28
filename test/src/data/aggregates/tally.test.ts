/**
 * Counts on connections (`totalCount`, `countsByStatus`, `countsBySeverity`, `approximate`) through
 * the real server, checked against the records themselves: over the mock world (a provider that
 * counts), and over PagerDuty (a provider that does not, so the gateway scans it page by page up to
 * its bound).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPagerDuty } from '../../../fakes/pagerduty/seed.js';
import { type FakeIncident, type PagerDutyFake, startPagerDutyFake } from '../../../fakes/pagerduty/server.js';
import { countingAdapter } from '../../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gqlData } from '../../../helpers/graphql.js';
import { pagerDutyAdapterAt } from '../../../helpers/pagerduty.js';

type Count = { status?: string; severity?: string; count: number };
interface Counted {
  totalCount: number | null;
  approximate: boolean;
  countsByStatus: Count[];
  countsBySeverity?: Count[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: { status: string; severity?: string }[];
}

const LISTS = [
  { field: 'incidents', severities: true },
  { field: 'alerts', severities: true },
  { field: 'tickets', severities: false },
  { field: 'deployments', severities: false },
  { field: 'orchestrationRuns', severities: false },
];

function byValue(counts: Count[], key: 'status' | 'severity'): Record<string, number> {
  return Object.fromEntries(counts.map((c) => [c[key], c.count]));
}

function tallyOf(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Zero counts dropped, to compare with a tally of records. */
const nonZero = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));

async function walk(url: string, field: string, filter: unknown, severities: boolean) {
  const nodes: { status: string; severity?: string }[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const data: Record<string, Counted> = await gqlData(
      url,
      `query($filter: ${filterType(field)}, $after: String) { list: ${field}(filter: $filter, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor } nodes { status ${severities ? 'severity' : ''} } } }`,
      { filter, after },
    );
    const page = data.list as Counted;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
  throw new Error('list did not end');
}

function filterType(field: string): string {
  return {
    incidents: 'IncidentFilter',
    alerts: 'AlertFilter',
    tickets: 'TicketFilter',
    deployments: 'DeploymentFilter',
    orchestrationRuns: 'OrchestrationRunFilter',
  }[field] as string;
}

async function counts(url: string, field: string, filter: unknown, severities: boolean): Promise<Counted> {
  const data: Record<string, Counted> = await gqlData(
    url,
    `query($filter: ${filterType(field)}) { list: ${field}(filter: $filter, first: 1) {
      totalCount approximate countsByStatus { status count }
      ${severities ? 'countsBySeverity { severity count }' : ''} pageInfo { hasNextPage endCursor } nodes { status } } }`,
    { filter },
  );
  return data.list as Counted;
}

describe('counts over a provider that counts (the mock world)', () => {
  let gateway: TestGateway;
  let log: ReturnType<typeof countingAdapter>['log'];
  beforeAll(async () => {
    const counting = countingAdapter(await mockAdapter());
    log = counting.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counting.adapter }]);
  });
  afterAll(() => gateway.stop());

  it.each(LISTS)('$field: the counts are those of the records', async ({ field, severities }) => {
    const records = await walk(gateway.url, field, null, severities);
    expect(records.length).toBeGreaterThan(1);
    const counted = await counts(gateway.url, field, null, severities);
    expect(counted.approximate).toBe(false);
    expect(counted.totalCount).toBe(records.length);
    expect(nonZero(byValue(counted.countsByStatus, 'status'))).toEqual(tallyOf(records.map((r) => r.status)));
    expect(counted.countsByStatus.reduce((a, c) => a + c.count, 0)).toBe(records.length);
    if (severities) {
      expect(nonZero(byValue(counted.countsBySeverity ?? [], 'severity'))).toEqual(
        tallyOf(records.map((r) => r.severity as string)),
      );
    }
  });

  it('lists exactly the statuses the filter allows, zero included, and counts only those', async () => {
    const filter = { statuses: ['ACKNOWLEDGED', 'TRIGGERED'] };
    const records = await walk(gateway.url, 'incidents', filter, true);
    const counted = await counts(gateway.url, 'incidents', filter, true);
    expect(counted.countsByStatus.map((c) => c.status)).toEqual(['TRIGGERED', 'ACKNOWLEDGED']);
    expect(byValue(counted.countsByStatus, 'status')).toEqual({
      TRIGGERED: records.filter((r) => r.status === 'TRIGGERED').length,
      ACKNOWLEDGED: records.filter((r) => r.status === 'ACKNOWLEDGED').length,
    });
    expect(counted.countsBySeverity?.map((c) => c.severity)).toEqual([
      'CRITICAL',
      'HIGH',
      'MEDIUM',
      'LOW',
      'INFO',
      'UNKNOWN',
    ]);
    expect(counted.countsBySeverity?.reduce((a, c) => a + c.count, 0)).toBe(records.length);
  });

  it("counts every service's incidents in one batched provider call, not one per service", async () => {
    const query = `{ services(first: 20) { nodes { name incidents(first: 1) { countsByStatus { status count } } } } }`;
    const warm = await gqlData<{ services: { nodes: unknown[] } }>(gateway.url, query);
    expect(warm.services.nodes.length).toBeGreaterThan(3);
    log.reset();
    await gqlData(gateway.url, query);
    // The page of services, the page of each service's incidents (one batch) and the count (one batch).
    expect(log.count('incident', 'query')).toBeLessThanOrEqual(2);
    expect(
      log.calls.filter((c) => c.capability === 'incident').every((c) => c.items >= warm.services.nodes.length),
    ).toBe(true);
  });
});

describe('counts a provider gives: one batched call of one query per status and severity', () => {
  let gateway: TestGateway;
  let log: ReturnType<typeof countingAdapter>['log'];
  beforeAll(async () => {
    const counting = countingAdapter(await mockAdapter());
    log = counting.log;
    // A bound smaller than the list: the gateway must ask the provider to count rather than scan.
    gateway = await startTestGateway([{ name: 'mock', adapter: counting.adapter }], {
      limits: { maxAggregateRecords: 5 },
    });
  });
  afterAll(() => gateway.stop());

  it('are exact, not approximate, past the scan bound', async () => {
    const records = await walk(gateway.url, 'incidents', null, true);
    expect(records.length).toBeGreaterThan(5);
    log.reset();
    const counted = await counts(gateway.url, 'incidents', null, true);
    expect(counted.approximate).toBe(false);
    expect(counted.totalCount).toBe(records.length);
    expect(nonZero(byValue(counted.countsByStatus, 'status'))).toEqual(tallyOf(records.map((r) => r.status)));
    expect(nonZero(byValue(counted.countsBySeverity ?? [], 'severity'))).toEqual(
      tallyOf(records.map((r) => r.severity as string)),
    );
    // The page asked for, the first scan page, then 5 statuses and 6 severities in one call.
    expect(log.calls.filter((c) => c.capability === 'incident').map((c) => c.items)).toEqual([1, 1, 11]);
  });
});

describe('counts over a provider that cannot count (PagerDuty): a bounded scan across pages', () => {
  let fake: PagerDutyFake;
  let exact: TestGateway;
  let bounded: TestGateway;
  const BOUND = 150;

  beforeAll(async () => {
    fake = await startPagerDutyFake();
    seedPagerDuty(fake);
    // Enough incidents in the window that counting them crosses several gateway and PagerDuty pages.
    const now = fake.now.getTime();
    const statuses: FakeIncident['status'][] = ['triggered', 'acknowledged', 'resolved', 'resolved'];
    for (let i = 0; i < 240; i++) {
      const created = new Date(now - (i + 1) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      fake.incidents.push({
        id: `PBULK${String(i).padStart(3, '0')}`,
        incident_number: 5000 + i,
        title: `Bulk ${i}`,
        status: statuses[i % 4] as FakeIncident['status'],
        urgency: i % 3 === 0 ? 'high' : 'low',
        priority: null,
        created_at: created,
        updated_at: created,
        service_id: 'PSCHECK',
        team_ids: ['PTPAYME'],
        assignee_ids: [],
        details: null,
        log_entries: [],
        notes: [],
      });
    }
    const adapter = () => pagerDutyAdapterAt(fake);
    exact = await startTestGateway([{ name: 'pagerduty', adapter: await adapter() }]);
    bounded = await startTestGateway([{ name: 'pagerduty', adapter: await adapter() }], {
      limits: { maxAggregateRecords: BOUND },
    });
  });
  afterAll(async () => {
    await exact?.stop();
    await bounded?.stop();
    await fake?.stop();
  });

  it('counts every incident exactly when the list fits the bound', async () => {
    const records = await walk(exact.url, 'incidents', null, true);
    expect(records.length).toBeGreaterThan(250);
    const counted = await counts(exact.url, 'incidents', null, true);
    expect(counted.approximate).toBe(false);
    expect(counted.totalCount).toBe(records.length);
    expect(nonZero(byValue(counted.countsByStatus, 'status'))).toEqual(tallyOf(records.map((r) => r.status)));
    expect(nonZero(byValue(counted.countsBySeverity ?? [], 'severity'))).toEqual(
      tallyOf(records.map((r) => r.severity as string)),
    );
  });

  it('stops at the bound and says the counts are approximate: those of the newest records', async () => {
    const records = (await walk(bounded.url, 'incidents', null, true)).slice(0, BOUND);
    const counted = await counts(bounded.url, 'incidents', null, true);
    expect(counted.approximate).toBe(true);
    expect(counted.totalCount).toBe(BOUND);
    expect(nonZero(byValue(counted.countsByStatus, 'status'))).toEqual(tallyOf(records.map((r) => r.status)));
    expect(nonZero(byValue(counted.countsBySeverity ?? [], 'severity'))).toEqual(
      tallyOf(records.map((r) => r.severity as string)),
    );
  });

  it('is exact again when a filter brings the list under the bound', async () => {
    const filter = { statuses: ['TRIGGERED'] };
    const records = await walk(bounded.url, 'incidents', filter, true);
    expect(records.length).toBeLessThan(BOUND);
    const counted = await counts(bounded.url, 'incidents', filter, true);
    expect(counted.approximate).toBe(false);
    expect(counted.totalCount).toBe(records.length);
    expect(counted.countsByStatus).toEqual([{ status: 'TRIGGERED', count: records.length }]);
  });
});
