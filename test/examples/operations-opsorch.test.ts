/**
 * Every operation in examples/operations/ run against the gateway over OpsOrch's own plugins, with
 * OpsOrch Core beside it over the same plugin processes: each answer is non-empty and agrees with
 * what Core answers for the equivalent REST query. Where OpsOrch has no equivalent, the test says so:
 * - OpsOrch team members carry no on-call role (`owner`, `member`), so `onCall` is empty, and
 *   OpsOrch keeps no schedule, so `nextOnCall` is null;
 * - OpsOrch runs name no incident (Core's run start takes only `planId`), so `Incident.orchestrationRuns` is empty;
 * - windows ending "now" (an incident's, a service's default) cannot be repeated on Core to the
 *   millisecond, so those logs and metrics are checked for shape and window; `MetricsAndLogs`
 *   (explicit window) is compared point for point and line for line.
 * Timestamps agree to the millisecond (the gateway's DateTime precision; Core prints nanoseconds).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DocumentNode, Kind, type OperationDefinitionNode, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as enums from '../../adapters/plugin/enums.js';
import { fromGlobalId } from '../../src/graphql/ids.js';
import { type Json, type OpsOrchPair, startOpsOrchPair } from '../helpers/opsorch-pair.js';
import { subscribe } from '../helpers/subscriptions.js';

const DIR = new URL('../../examples/operations/', import.meta.url).pathname;

/** Each operation of each example file, printed on its own. */
const OPERATIONS = new Map<string, string>();
for (const file of readdirSync(DIR).filter((f) => f.endsWith('.graphql'))) {
  const document = parse(readFileSync(join(DIR, file), 'utf8'));
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
    const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition as OperationDefinitionNode] };
    OPERATIONS.set(definition.name.value, print(single));
  }
}

const ms = (t: unknown) => new Date(t as string).toISOString();
const byNewest = <T extends Json>(records: T[], field: string) =>
  [...records].sort((a, b) => Date.parse(b[field] as string) - Date.parse(a[field] as string));
const sorted = (values: unknown[]) => values.map(String).sort();

interface Conn<T> {
  totalCount?: number | null;
  nodes: T[];
}

describe('example operations over OpsOrch plugins, checked against OpsOrch Core', () => {
  let pair: OpsOrchPair;
  let services: Map<string, Json>;
  let teams: Map<string, Json>;
  const checked = new Set<string>();

  async function run<T>(name: string, variables: Json = {}): Promise<T> {
    const operation = OPERATIONS.get(name);
    if (!operation) throw new Error(`no example operation ${name}`);
    checked.add(name);
    return pair.gq<T>(operation, variables);
  }

  beforeAll(async () => {
    pair = await startOpsOrchPair({ pollIntervalMs: 100 });
    services = new Map((await pair.rest('/services/query', {})).map((s) => [s.id as string, s]));
    teams = new Map((await pair.rest('/teams/query', {})).map((t) => [t.id as string, t]));
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
  });

  const serviceName = (id: unknown) => (services.get(id as string)?.name as string | undefined) ?? null;

  it('FiringAlerts: the firing critical and high alerts Core finds, with their services', async () => {
    const fromCore = await pair.rest('/alerts/query', {
      statuses: ['firing'],
      severities: ['critical', 'sev1', 'error', 'sev2'],
    });
    const data = await run<{ alerts: Conn<Json & { service: { name: string } | null }> }>('FiringAlerts');
    expect(data.alerts.nodes.length).toBeGreaterThan(0);
    expect(data.alerts.totalCount).toBe(fromCore.length);
    expect(sorted(data.alerts.nodes.map((n) => n.url))).toEqual(sorted(fromCore.map((c) => c.url)));
    for (const node of data.alerts.nodes) {
      const c = fromCore.find((r) => r.url === node.url) as Json;
      expect([node.title, node.rawSeverity, node.startsAt, node.service?.name ?? null]).toEqual([
        c.title,
        c.severity,
        ms(c.createdAt),
        serviceName(c.service),
      ]);
    }
    expect(data.alerts.nodes.map((n) => n.startsAt)).toEqual(
      byNewest(data.alerts.nodes, 'startsAt').map((n) => n.startsAt),
    );

    const scoped = await run<{ alerts: Conn<Json> }>('FiringAlerts', { service: 'svc-checkout' });
    const coreScoped = fromCore.filter((c) => c.service === 'svc-checkout');
    expect(coreScoped.length).toBeGreaterThan(0);
    expect(sorted(scoped.alerts.nodes.map((n) => n.url))).toEqual(sorted(coreScoped.map((c) => c.url)));
  });

  it('OpenIncidents: the open incidents Core finds, newest first, with service and team, paged without repeats', async () => {
    const fromCore = await pair.rest('/incidents/query', {
      statuses: ['open', 'triggered', 'acknowledged', 'investigating', 'identified', 'mitigating', 'monitoring'],
    });
    type Row = Json & { service: { name: string; team: { name: string; onCall: unknown[] } } | null };
    const seen: Row[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { incidents: Conn<Row> & { pageInfo: { hasNextPage: boolean; endCursor: string } } } = await run(
        'OpenIncidents',
        after ? { after } : {},
      );
      expect(page.incidents.totalCount).toBe(fromCore.length);
      seen.push(...page.incidents.nodes);
      if (!page.incidents.pageInfo.hasNextPage) break;
      after = page.incidents.pageInfo.endCursor;
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(sorted(seen.map((n) => n.url))).toEqual(sorted(fromCore.map((c) => c.url)));
    expect(seen.map((n) => n.url)).toEqual(byNewest(fromCore, 'createdAt').map((c) => c.url));
    for (const node of seen) {
      const c = fromCore.find((r) => r.url === node.url) as Json;
      const svc = services.get(c.service as string);
      expect([node.title, node.createdAt, node.service?.name ?? null]).toEqual([
        c.title,
        ms(c.createdAt),
        serviceName(c.service),
      ]);
      if (svc) {
        // A service may name an owner team the team plugin does not have (`team-lumen`): no team, no error.
        const team = teams.get((svc.tags as Json).owner as string);
        expect(node.service?.team).toEqual(team ? { name: team.name, onCall: [] } : null);
      }
    }
  });

  it('IncidentPage: the incident, its service, team, timeline, alerts, tickets and deployments as Core has them', async () => {
    const c = await pair.rest<Json>('/incidents/inc-001');
    const svc = services.get(c.service as string) as Json;
    const team = teams.get((svc.tags as Json).owner as string) as Json;
    const data = await run<{ incident: Json & Record<string, unknown> }>('IncidentPage', {
      id: pair.gid('Incident', 'incident', 'inc-001'),
    });
    const inc = data.incident;
    expect([inc.title, inc.rawStatus, inc.url, inc.createdAt, inc.acknowledgedAt, inc.resolvedAt]).toEqual([
      c.title,
      c.status,
      c.url,
      ms(c.createdAt),
      null,
      null,
    ]);
    expect(inc.source).toEqual({ provider: 'plugin-incidentplugin', nativeId: 'inc-001' });

    const service = inc.service as Json & { team: Json & { members: Json[]; onCall: unknown[] } };
    expect([service.name, service.tier, service.url]).toEqual([svc.name, (svc.tags as Json).tier, svc.url]);
    expect([service.team.name, service.team.url]).toEqual([team.name, team.url]);
    const members = await pair.rest(`/teams/${team.id}/members`);
    expect(service.team.members).toEqual(members.map((m) => ({ name: m.name, role: m.role })));
    expect(service.team.onCall).toEqual([]);

    const timeline = byNewest(await pair.rest('/incidents/inc-001/timeline'), 'at');
    expect((inc.timeline as Conn<Json>).nodes).toEqual(
      timeline.slice(0, 20).map((e) => ({
        kind: expect.any(String),
        body: e.body,
        actor: (e.actor as Json | undefined)?.name ?? null,
        at: ms(e.at),
        url: null,
      })),
    );

    // Alerts of the service active since half an hour before the incident (OpsOrch alerts end at metadata.resolvedAt).
    const start = Date.parse(c.createdAt as string) - 30 * 60_000;
    const alerts = (await pair.rest('/alerts/query', { scope: { service: c.service } })).filter((a) => {
      const resolved = (a.metadata as Json | undefined)?.resolvedAt as string | undefined;
      return !resolved || Date.parse(resolved) >= start;
    });
    const pageAlerts = inc.alerts as Conn<Json>;
    expect(pageAlerts.nodes.length).toBeGreaterThan(0);
    expect(pageAlerts.totalCount).toBe(alerts.length);
    expect(pageAlerts.nodes.map((a) => a.url)).toEqual(
      byNewest(alerts, 'createdAt')
        .slice(0, 10)
        .map((a) => a.url),
    );

    const tickets = (await pair.rest('/tickets/query', {})).filter((t) =>
      ((t.metadata as Json | undefined)?.relatedIncidents as string[] | undefined)?.includes('inc-001'),
    );
    expect(tickets.length).toBeGreaterThan(0);
    expect((inc.tickets as Conn<Json>).nodes).toEqual(
      tickets.map((t) => ({
        key: t.key ?? t.id,
        title: t.title,
        status: expect.any(String),
        priority: { P0: 'HIGHEST', P1: 'HIGH', P2: 'MEDIUM', P3: 'LOW' }[(t.fields as Json).priority as string],
        assignee: (t.assignees as string[] | undefined)?.[0] ?? null,
        url: t.url,
      })),
    );

    const created = Date.parse(c.createdAt as string);
    const deployments = (await pair.rest('/deployments/query', { scope: { service: c.service } })).filter((d) => {
      const t = Date.parse(d.startedAt as string);
      return t >= created - 24 * 3_600_000 && t <= created;
    });
    expect(deployments.length).toBeGreaterThan(0);
    expect((inc.deployments as Conn<Json>).nodes).toEqual(
      byNewest(deployments, 'startedAt')
        .slice(0, 5)
        .map((d) => ({
          version: d.version,
          status: expect.any(String),
          startedAt: ms(d.startedAt),
          author: (d.actor as Json | undefined)?.name ?? null,
          commit: (d.metadata as Json | undefined)?.commit ?? null,
          url: d.url,
        })),
    );

    const window = { start, end: Date.now() };
    const metrics = inc.metrics as (Json & { points: { timestamp: string }[] })[];
    expect(metrics.map((m) => m.name)).toEqual([
      'http_requests_total',
      'http_errors_total',
      'http_request_duration_seconds',
    ]);
    for (const series of metrics) {
      expect(series.points.length).toBeGreaterThan(0);
      expect(Date.parse(series.points[0]?.timestamp as string)).toBe(start);
      for (const p of series.points) expect(Date.parse(p.timestamp)).toBeLessThanOrEqual(window.end);
      expect((series.labels as Json).service).toBe(c.service);
    }
    const logs = inc.logs as { entries: (Json & { timestamp: string })[]; url: string };
    expect(logs.entries.length).toBeGreaterThan(0);
    for (const e of logs.entries) expect(Date.parse(e.timestamp)).toBeGreaterThanOrEqual(start);
    expect(logs.url).toContain(`service=${c.service}`);

    // OpsOrch runs name no incident: nothing can be listed for one.
    expect(inc.orchestrationRuns).toEqual({ nodes: [] });
  });

  it('ServiceOverview: a service looked up by name, with what Core holds for its ID', async () => {
    const svc = services.get('svc-checkout') as Json;
    const team = teams.get((svc.tags as Json).owner as string) as Json;
    const data = await run<{ services: Conn<Record<string, unknown>> }>('ServiceOverview', { name: svc.name });
    expect(data.services.nodes).toHaveLength(1);
    const s = data.services.nodes[0] as Record<string, unknown>;
    expect([s.name, s.tier, s.url, s.team]).toEqual([
      svc.name,
      (svc.tags as Json).tier,
      svc.url,
      { name: team.name, handle: team.id },
    ]);
    const scope = { scope: { service: 'svc-checkout' } };
    const incidents = byNewest(await pair.rest('/incidents/query', scope), 'createdAt').slice(0, 5);
    expect((s.incidents as Conn<Json>).nodes.map((n) => [n.url, n.createdAt])).toEqual(
      incidents.map((c) => [c.url, ms(c.createdAt)]),
    );
    const firing = byNewest(await pair.rest('/alerts/query', { ...scope, statuses: ['firing'] }), 'createdAt');
    expect(firing.length).toBeGreaterThan(0);
    expect((s.alerts as Conn<Json>).nodes.map((n) => n.url)).toEqual(firing.slice(0, 10).map((c) => c.url));
    const deployments = byNewest(await pair.rest('/deployments/query', scope), 'startedAt').slice(0, 5);
    // OpsOrch's deployment mock dates its scenario deployments from each query's own clock: compared by link and version.
    expect((s.deployments as Conn<Json>).nodes.map((n) => [n.url, n.version])).toEqual(
      deployments.map((d) => [d.url, d.version]),
    );
    const tickets = byNewest(
      await pair.rest('/tickets/query', { ...scope, statuses: ['todo', 'in_progress', 'in_review'] }),
      'createdAt',
    ).slice(0, 5);
    expect(tickets.length).toBeGreaterThan(0);
    expect((s.tickets as Conn<Json>).nodes.map((n) => n.key)).toEqual(tickets.map((t) => t.key ?? t.id));
    const metrics = s.metrics as Json[];
    expect(metrics.map((m) => m.name)).toEqual([
      'http_requests_total',
      'http_errors_total',
      'http_request_duration_seconds',
    ]);
    const logs = s.logs as { entries: Json[] };
    expect(logs.entries.length).toBeGreaterThan(0);
    for (const e of logs.entries) expect(['ERROR', 'FATAL']).toContain(e.level);
  });

  it('MetricsAndLogs: over an explicit window, the same series, points and lines Core answers', async () => {
    const end = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    const start = new Date(Date.parse(end) - 3_600_000).toISOString();
    const data = await run<{
      metrics: Json[];
      metricDescriptors: Json[];
      logs: { entries: Json[]; url: string; truncated: boolean };
    }>('MetricsAndLogs', { service: 'svc-checkout', start, end });
    const scope = { service: 'svc-checkout' };
    // The gateway chose the step (the example leaves it out): Core is asked with the same one.
    const [first, second] = (data.metrics[0]?.points ?? []) as { timestamp: string }[];
    const step = (Date.parse(second?.timestamp as string) - Date.parse(first?.timestamp as string)) / 1000;
    expect(Date.parse(first?.timestamp as string)).toBe(Date.parse(start));
    const series = await pair.rest('/metrics/query', {
      expression: { metricName: 'http_request_duration_seconds' },
      scope,
      start,
      end,
      step,
    });
    const asked = series.filter((s) => s.name === 'http_request_duration_seconds');
    expect(asked.length).toBeGreaterThan(0);
    expect(data.metrics).toEqual(
      asked.map((s) => ({
        name: s.name,
        labels: Object.fromEntries(Object.entries(s.labels as Json).map(([k, v]) => [k, String(v)])),
        unit: null,
        url: s.url,
        points: (s.points as Json[]).map((p) => ({ timestamp: ms(p.timestamp), value: p.value })),
      })),
    );
    const descriptors = (await pair.rest<{ metrics: Json[] }>('/metrics/describe', scope)).metrics;
    expect(descriptors.length).toBeGreaterThan(0);
    expect(data.metricDescriptors.map((d) => [d.name, d.type, d.help, d.unit])).toEqual(
      descriptors.map((d) => [d.name, String(d.type).toUpperCase(), d.description, d.unit ?? null]),
    );
    const logs = await pair.rest<{ entries: Json[]; url: string }>('/logs/query', {
      expression: { severityIn: ['warn', 'error'] },
      scope,
      start,
      end,
      limit: 100,
    });
    // Deliberate difference: OpsOrch's mock escalates some lines to `critical`; the gateway keeps the levels asked for.
    const asWanted = logs.entries.filter((e) => ['warn', 'error'].includes(e.severity as string));
    expect(asWanted.length).toBeGreaterThan(0);
    expect(data.logs.url).toBe(logs.url);
    expect(data.logs.entries).toEqual(
      byNewest(asWanted, 'timestamp').map((e) => ({
        timestamp: ms(e.timestamp),
        level: String(e.severity).toUpperCase(),
        message: e.message,
        labels: e.labels ?? null,
      })),
    );
  });

  it('OnCall: every team Core has, with the services Core finds for the team', async () => {
    const data = await run<{
      teams: Conn<Json & { services: Conn<{ name: string }>; onCall: unknown[]; nextOnCall: unknown }>;
    }>('OnCall');
    const all = [...teams.values()];
    expect(data.teams.nodes.map((t) => t.name)).toEqual(
      all.map((t) => t.name).sort((a, b) => String(a).localeCompare(String(b))),
    );
    for (const node of data.teams.nodes) {
      const t = all.find((x) => x.name === node.name) as Json;
      expect([node.handle, node.url, node.onCall, node.nextOnCall]).toEqual([t.id, t.url, [], null]);
      const owned = await pair.rest('/services/query', { scope: { team: t.id } });
      expect(sorted(node.services.nodes.map((s) => s.name))).toEqual(sorted(owned.map((s) => s.name)));
    }
    expect(data.teams.nodes.some((t) => t.services.nodes.length > 0)).toBe(true);
  });

  /** Core's records counted by the enum value the gateway reads each one's word as. */
  const tallyOf = (records: Json[], field: string, read: (raw: unknown) => string) => {
    const out: Record<string, number> = {};
    for (const r of records) {
      const value = read(r[field]);
      out[value] = (out[value] ?? 0) + 1;
    }
    return out;
  };
  const counted = (counts: { count: number; status?: string; severity?: string }[], key: 'status' | 'severity') =>
    Object.fromEntries(counts.filter((c) => c.count > 0).map((c) => [c[key], c.count]));
  /** A raw time from any of the places OpsOrch records keep it. */
  const timeOf = (r: Json, name: string): number | null => {
    for (const bag of [r, r.fields as Json | undefined, r.metadata as Json | undefined]) {
      const value = bag?.[name];
      if (typeof value === 'string' && value) return Date.parse(value);
    }
    return null;
  };

  it('ConsoleCounts: open incidents, firing alerts and open tickets counted as Core lists them', async () => {
    type Counts = { status?: string; severity?: string; count: number }[];
    type Counted = { totalCount: number; approximate: boolean; countsByStatus?: Counts; countsBySeverity?: Counts };
    const data = await run<{ incidents: Counted; alerts: Counted; tickets: Counted }>('ConsoleCounts');
    const incidents = await pair.rest('/incidents/query', {
      statuses: ['open', 'triggered', 'acknowledged', 'investigating', 'identified', 'mitigating', 'monitoring'],
    });
    expect(incidents.length).toBeGreaterThan(0);
    expect([data.incidents.totalCount, data.incidents.approximate]).toEqual([incidents.length, false]);
    expect(counted(data.incidents.countsByStatus ?? [], 'status')).toEqual(
      tallyOf(incidents, 'status', enums.incidentStatus.read),
    );
    expect(counted(data.incidents.countsBySeverity ?? [], 'severity')).toEqual(
      tallyOf(incidents, 'severity', enums.severity.read),
    );
    const alerts = (await pair.rest('/alerts/query', { statuses: ['firing'] })).filter(
      (a) => enums.alertStatus.read(a.status) === 'FIRING',
    );
    expect([data.alerts.totalCount, data.alerts.approximate]).toEqual([alerts.length, false]);
    expect(counted(data.alerts.countsBySeverity ?? [], 'severity')).toEqual(
      tallyOf(alerts, 'severity', enums.alertSeverity.read),
    );
    const tickets = (await pair.rest('/tickets/query', {})).filter((t) =>
      ['OPEN', 'IN_PROGRESS', 'BLOCKED'].includes(enums.ticketStatus.read(t.status)),
    );
    expect(tickets.length).toBeGreaterThan(0);
    expect([data.tickets.totalCount, data.tickets.approximate]).toEqual([tickets.length, false]);
    expect(counted(data.tickets.countsByStatus ?? [], 'status')).toEqual(
      tallyOf(tickets, 'status', enums.ticketStatus.read),
    );
  });

  it("OnCallReview: each team's and service's incidents in the range, open, MTTA and MTTR, from Core's records", async () => {
    const end = new Date().toISOString();
    const range = { start: new Date(Date.parse(end) - 90 * 86_400_000).toISOString(), end };
    type Stats = {
      total: number;
      open: number;
      mttaSeconds: number | null;
      mttrSeconds: number | null;
      approximate: boolean;
    };
    const data = await run<{
      teams: Conn<{ name: string; incidentStats: Stats; services: Conn<{ name: string; incidentStats: Stats }> }>;
    }>('OnCallReview', { range });
    const all = await pair.rest('/incidents/query', {});
    const inRange = (r: Json) => {
      const at = Date.parse(r.createdAt as string);
      return at >= Date.parse(range.start) && at <= Date.parse(range.end);
    };
    const expected = (records: Json[]) => {
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
      const since = (r: Json, name: string) => {
        const at = timeOf(r, name);
        return at === null ? null : (at - Date.parse(r.createdAt as string)) / 1000;
      };
      const resolved = records.filter((r) => enums.incidentStatus.read(r.status) === 'RESOLVED');
      return {
        total: records.length,
        open: records.length - resolved.length,
        mtta: mean(records.map((r) => since(r, 'acknowledgedAt')).filter((x): x is number => x !== null && x >= 0)),
        mttr: mean(resolved.map((r) => since(r, 'resolvedAt')).filter((x): x is number => x !== null && x >= 0)),
      };
    };
    let seen = 0;
    for (const team of data.teams.nodes) {
      for (const service of team.services.nodes) {
        seen += 1;
        const svc = [...services.values()].find((x) => x.name === service.name) as Json;
        const want = expected(all.filter((r) => r.service === svc.id && inRange(r)));
        const got = service.incidentStats;
        expect([service.name, got.total, got.open, got.approximate]).toEqual([
          service.name,
          want.total,
          want.open,
          false,
        ]);
        if (want.mttr === null) expect(got.mttrSeconds).toBeNull();
        else expect(got.mttrSeconds).toBeCloseTo(want.mttr, 3);
        if (want.mtta === null) expect(got.mttaSeconds).toBeNull();
        else expect(got.mttaSeconds).toBeCloseTo(want.mtta, 3);
      }
    }
    expect(seen).toBeGreaterThan(0);
    expect(data.teams.nodes.some((t) => t.services.nodes.some((s) => s.incidentStats.total > 0))).toBe(true);
  });

  it('ServiceHealth: golden-signal statistics of the series Core answers, and open incidents counted', async () => {
    const end = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    const start = new Date(Date.parse(end) - 3_600_000).toISOString();
    const svc = services.get('svc-checkout') as Json;
    type Series = {
      name: string;
      stats: { latest: number | null; min: number | null; max: number | null; avg: number | null; count: number };
    };
    const data = await run<{
      services: Conn<{ metrics: Series[]; incidents: Conn<Json> & { countsBySeverity: { count: number }[] } }>;
    }>('ServiceHealth', { name: svc.name, start, end });
    const s = data.services.nodes[0];
    expect(s?.metrics.map((m) => m.name)).toEqual([
      'http_requests_total',
      'http_errors_total',
      'http_request_duration_seconds',
    ]);
    for (const m of s?.metrics ?? []) {
      expect(m.stats.count).toBeGreaterThan(0);
      expect(m.stats.min as number).toBeLessThanOrEqual(m.stats.avg as number);
      expect(m.stats.avg as number).toBeLessThanOrEqual(m.stats.max as number);
    }
    const open = await pair.rest('/incidents/query', {
      scope: { service: 'svc-checkout' },
      statuses: ['open', 'triggered', 'acknowledged', 'investigating', 'identified', 'mitigating', 'monitoring'],
    });
    expect(s?.incidents.totalCount).toBe(open.length);
    expect(s?.incidents.countsBySeverity.reduce((a, c) => a + c.count, 0)).toBe(open.length);
  });

  it('ProviderHealth: one healthy plugin per capability, as configured for Core', async () => {
    const data = await run<{ providers: Json[] }>('ProviderHealth');
    expect(data.providers).toHaveLength(11);
    for (const p of data.providers) {
      expect(p.kind).toBe('plugin');
      expect((p.health as Json).status).toBe('HEALTHY');
      expect(p.provider).toBe(`plugin-${String(p.capability).toLowerCase()}plugin`);
    }
  });

  describe('IncidentResponse mutations, each read back from Core', () => {
    const incident = 'inc-003';
    const id = () => pair.gid('Incident', 'incident', incident);

    it('Acknowledge: Core reads the new status and the note', async () => {
      const data = await run<{ incidentAcknowledge: { incident: Json; userErrors: unknown[] } }>('Acknowledge', {
        id: id(),
      });
      expect(data.incidentAcknowledge.userErrors).toEqual([]);
      const stored = await pair.rest<Json>(`/incidents/${incident}`);
      expect(stored.status).toBe('acknowledged');
      expect(data.incidentAcknowledge.incident).toEqual({
        status: 'ACKNOWLEDGED',
        acknowledgedAt: ms((stored.fields as Json).acknowledgedAt),
      });
      const timeline = await pair.rest(`/incidents/${incident}/timeline`);
      expect(timeline.filter((e) => e.body === 'On it').map((e) => e.kind)).toEqual(['note']);
    });

    it('Note: Core reads the entry under the ID the gateway reported', async () => {
      const data = await run<{ incidentTimelineAppend: { entry: Json; userErrors: unknown[] } }>('Note', {
        id: id(),
        body: 'Rolled back the canary',
      });
      const entry = data.incidentTimelineAppend.entry;
      const timeline = await pair.rest(`/incidents/${incident}/timeline`);
      const stored = timeline.find((e) => e.body === 'Rolled back the canary') as Json;
      expect(entry).toEqual({
        id: pair.gid('TimelineEntry', 'incident', `${incident}/${String(stored.id)}`),
        kind: 'NOTE',
        body: 'Rolled back the canary',
        at: ms(stored.at),
      });
    });

    it('Broadcast: sent as Core sends it', async () => {
      const data = await run<{ messageSend: { message: Json; userErrors: unknown[] } }>('Broadcast', {
        id: id(),
        channel: '#inc-003',
        body: 'Mitigation in progress',
      });
      const core = await pair.rest<Json>('/messages/send', { channel: '#inc-003', body: 'Mitigation in progress' });
      const message = data.messageSend.message;
      expect(message.channel).toBe(core.channel);
      expect(String(message.url).replace(String(message.id), '<id>')).toBe(
        String(core.url).replace(String(core.id), '<id>'),
      );
    });

    it('FollowUp: Core reads the ticket, its priority word and its incident', async () => {
      const data = await run<{ ticketCreate: { ticket: { key: string; url: string }; userErrors: unknown[] } }>(
        'FollowUp',
        { id: id(), title: 'Postmortem for inc-003' },
      );
      const stored = await pair.rest<Json>(`/tickets/${data.ticketCreate.ticket.key}`);
      expect([stored.title, stored.url, (stored.fields as Json).priority]).toEqual([
        'Postmortem for inc-003',
        data.ticketCreate.ticket.url,
        'P1',
      ]);
      expect((stored.metadata as Json).relatedIncidents).toEqual([incident]);
    });

    it("StartRunbook: the run Core reads, its steps named by the plan's", async () => {
      const plan = await pair.rest<Json>('/orchestration/plans/plan-playbook-001');
      const data = await run<{ orchestrationRunStart: { run: Json & { steps: Json[] }; userErrors: unknown[] } }>(
        'StartRunbook',
        { planId: pair.gid('OrchestrationPlan', 'orchestration', 'plan-playbook-001'), incidentId: id() },
      );
      const started = data.orchestrationRunStart.run;
      const stored = await pair.rest<Json>(`/orchestration/runs/${fromGlobalId(String(started.id)).nativeId}`);
      expect(stored.planId).toBe('plan-playbook-001');
      expect((stored.steps as Json[]).map((step) => step.stepId)).toEqual(
        (plan.steps as Json[]).map((step) => step.id),
      );
      expect(started.steps).toEqual(
        (plan.steps as Json[]).map((step) => ({
          id: step.id,
          name: step.title,
          kind: step.type === 'manual' ? 'MANUAL' : 'AUTOMATED',
          status: 'PENDING',
        })),
      );
    });

    it('Resolve: Core reads the resolved status and the note', async () => {
      const data = await run<{ incidentResolve: { incident: Json; userErrors: unknown[] } }>('Resolve', { id: id() });
      const stored = await pair.rest<Json>(`/incidents/${incident}`);
      expect(stored.status).toBe('resolved');
      expect(data.incidentResolve.incident).toEqual({
        status: 'RESOLVED',
        resolvedAt: ms((stored.fields as Json).resolvedAt),
      });
      const timeline = await pair.rest(`/incidents/${incident}/timeline`);
      expect(timeline.filter((e) => e.body === 'Fixed by rollback')).toHaveLength(1);
    });
  });

  describe('subscriptions', () => {
    it('WatchTimeline: a note written through Core and one through the gateway, each seen once, and replayed with since', async () => {
      const id = pair.gid('Incident', 'incident', 'inc-005');
      const before = byNewest(await pair.rest('/incidents/inc-005/timeline'), 'at');
      const since = new Date(Date.parse(before[0]?.at as string) - 1).toISOString();
      const watcher = subscribe<Json>(pair.gateway.wsUrl, OPERATIONS.get('WatchTimeline') as string, { id, since });
      checked.add('WatchTimeline');
      await watcher.waitFor((e) => e.body === before[0]?.body, 'the replayed newest entry');

      const response = await fetch(`${pair.coreUrl}/incidents/inc-005/timeline`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'note', body: 'written through Core' }),
      });
      expect(response.status).toBe(201);
      await watcher.waitFor((e) => e.body === 'written through Core', 'the note written through Core');
      await pair.gq(
        'mutation($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, kind: NOTE, body: "written through the gateway" }) { entry { id } } }',
        { id },
      );
      await watcher.waitFor((e) => e.body === 'written through the gateway', 'the note written through the gateway');
      // A last note through Core arrives by a later poll, which read both notes again: still once each.
      await fetch(`${pair.coreUrl}/incidents/inc-005/timeline`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'note', body: 'sentinel' }),
      });
      await watcher.waitFor((e) => e.body === 'sentinel', 'the sentinel note');
      const after = await pair.rest('/incidents/inc-005/timeline');
      for (const body of ['written through Core', 'written through the gateway']) {
        const stored = after.find((e) => e.body === body) as Json;
        expect(watcher.received.filter((e) => e.body === body)).toEqual([
          {
            id: pair.gid('TimelineEntry', 'incident', `inc-005/${String(stored.id)}`),
            kind: 'NOTE',
            body,
            actor: null,
            at: ms(stored.at),
            url: null,
          },
        ]);
      }
      await watcher.close();
    });

    it('WatchStatusChanges: acknowledging a critical incident is seen with its previous status', async () => {
      const watcher = subscribe<Json>(pair.gateway.wsUrl, OPERATIONS.get('WatchStatusChanges') as string);
      checked.add('WatchStatusChanges');
      const critical = (
        await pair.rest('/incidents/query', { statuses: ['open', 'triggered'], severities: ['sev1'] })
      )[0] as Json;
      const id = pair.gid('Incident', 'incident', critical.id as string);
      await pair.gq('mutation($id: ID!) { incidentAcknowledge(input: { id: $id }) { incident { id } } }', { id });
      const event = await watcher.waitFor((e) => (e.incident as Json).id === id, 'the status change');
      expect(event).toMatchObject({
        changedFields: expect.arrayContaining(['status']),
        previousStatus: 'TRIGGERED',
        incident: { id, title: critical.title, status: 'ACKNOWLEDGED', severity: 'CRITICAL', url: critical.url },
      });
      await watcher.close();
    });
  });

  it('checks every example operation', () => {
    expect([...checked].sort()).toEqual([...OPERATIONS.keys()].sort());
  });
});
