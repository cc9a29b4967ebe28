/** The console's incident page: one request renders the whole page, every record linked to its source. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentWindow } from '../../resolvers/incidents.js';
import type { IncidentNode } from '../../src/data/models.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gqlData } from '../helpers/graphql.js';

const INCIDENT_PAGE = /* GraphQL */ `
  query IncidentPage($id: ID!) {
    incident(id: $id) {
      id title status severity rawStatus rawSeverity createdAt url
      source { provider capability nativeId }
      window { start end }
      service {
        id name url
        team { id name url members { name email role onCall onCallRole url } onCall { name onCallRole } }
      }
      team { name }
      timeline(first: 10) { totalCount nodes { id kind body at url incident { id } } }
      alerts(first: 20) { totalCount nodes { id title status severity startsAt endsAt url service { name } } }
      tickets(first: 10) { totalCount nodes { id key title status url incidents { id } } }
      deployments(hoursBefore: 72, first: 10) { nodes { id version status startedAt url service { name } } }
      metrics(names: ["http_requests_total", "http_request_duration_seconds"]) {
        name labels url points { timestamp value }
      }
      logs(limit: 50) { url truncated entries { timestamp message level service } }
    }
  }
`;

type Page = {
  incident: {
    id: string;
    url: string;
    createdAt: string;
    window: { start: string; end: string };
    source: { provider: string; capability: string; nativeId: string };
    service: {
      name: string;
      url: string;
      team: { name: string; url: string; members: { url: string | null; onCall: boolean }[]; onCall: unknown[] };
    };
    team: { name: string };
    timeline: { totalCount: number; nodes: { url: string | null; at: string; incident: { id: string } }[] };
    alerts: {
      totalCount: number;
      nodes: { url: string; startsAt: string; endsAt: string | null; service: { name: string } }[];
    };
    tickets: { nodes: { url: string; incidents: { id: string }[] }[] };
    deployments: { nodes: { url: string; startedAt: string; service: { name: string } }[] };
    metrics: { name: string; url: string; points: { timestamp: string; value: number | null }[] }[];
    logs: { url: string; entries: { timestamp: string; service: string | null }[] };
  };
};

describe('incident page in one round trip', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
  });
  afterAll(() => gateway.stop());

  it('joins incident → service → team → members, timeline, alerts, tickets, deployments, metrics and logs', async () => {
    // The incident a ticket links to: the page then has something in every section.
    const { tickets } = await gqlData<{ tickets: { nodes: { incidents: { id: string }[] }[] } }>(
      gateway.url,
      '{ tickets(first: 100) { nodes { incidents { id } } } }',
    );
    const id = tickets.nodes.flatMap((t) => t.incidents)[0]?.id;
    expect(id).toBeDefined();

    const { incident } = await gqlData<Page>(gateway.url, INCIDENT_PAGE, { id });
    const link = /^https?:\/\/\S+$/;

    expect(incident.id).toBe(id);
    expect(incident.url).toMatch(link);
    expect(incident.source.provider).toBe('mock');
    expect(incident.source.capability).toBe('INCIDENT');
    expect(incident.service.url).toMatch(link);
    expect(incident.service.team.name).toBe(incident.team.name);
    expect(incident.service.team.members.length).toBeGreaterThan(0);
    expect(incident.service.team.members.every((m) => m.url === null || link.test(m.url))).toBe(true);

    expect(incident.timeline.totalCount).toBeGreaterThan(0);
    expect(incident.timeline.nodes.every((e) => e.incident.id === id)).toBe(true);
    const times = incident.timeline.nodes.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const windowStart = Date.parse(incident.window.start);
    const windowEnd = Date.parse(incident.window.end);
    for (const alert of incident.alerts.nodes) {
      expect(alert.url).toMatch(link);
      expect(alert.service.name).toBe(incident.service.name);
      expect(Date.parse(alert.startsAt)).toBeLessThanOrEqual(windowEnd);
      if (alert.endsAt) expect(Date.parse(alert.endsAt)).toBeGreaterThanOrEqual(windowStart);
    }

    expect(incident.tickets.nodes.length).toBeGreaterThan(0);
    for (const ticket of incident.tickets.nodes) {
      expect(ticket.url).toMatch(link);
      expect(ticket.incidents.map((i) => i.id)).toContain(id);
    }

    for (const deployment of incident.deployments.nodes) {
      expect(deployment.url).toMatch(link);
      expect(deployment.service.name).toBe(incident.service.name);
      expect(Date.parse(deployment.startedAt)).toBeLessThanOrEqual(Date.parse(incident.createdAt));
    }

    expect(incident.metrics.map((m) => m.name).sort()).toEqual([
      'http_request_duration_seconds',
      'http_requests_total',
    ]);
    for (const series of incident.metrics) {
      expect(series.url).toMatch(link);
      expect(series.points.length).toBeGreaterThan(10);
      for (const point of series.points) {
        const t = Date.parse(point.timestamp);
        expect(t).toBeGreaterThanOrEqual(windowStart);
        expect(t).toBeLessThanOrEqual(windowEnd);
      }
    }

    expect(incident.logs.url).toMatch(link);
    expect(incident.logs.entries.length).toBeGreaterThan(0);
    for (const entry of incident.logs.entries) {
      expect(entry.service).toBe(incident.service.name);
      const t = Date.parse(entry.timestamp);
      expect(t).toBeGreaterThanOrEqual(windowStart);
      expect(t).toBeLessThanOrEqual(windowEnd);
    }
  });
});

describe('incidentWindow', () => {
  const record = (createdAt: string, resolvedAt: string | null): IncidentNode => ({
    provider: 'mock',
    id: 'inc-1',
    title: 'checkout errors',
    status: resolvedAt ? 'RESOLVED' : 'TRIGGERED',
    severity: 'HIGH',
    createdAt,
    resolvedAt,
    assignees: [],
    url: 'https://incidents.example.com/inc-1',
  });
  const at = (iso: string) => Date.parse(iso);

  it('runs from half an hour before creation until now while the incident is open, following now on the same record', () => {
    const open = record('2026-12-02T10:00:00.000Z', null);
    expect(incidentWindow(open, at('2026-12-02T11:00:00.000Z'))).toEqual({
      start: '2026-12-02T09:30:00.000Z',
      end: '2026-12-02T11:00:00.000Z',
    });
    // The same record asked again at a later instant (a cached record in the next TTL period).
    expect(incidentWindow(open, at('2026-12-02T11:05:00.000Z'))).toEqual({
      start: '2026-12-02T09:30:00.000Z',
      end: '2026-12-02T11:05:00.000Z',
    });
  });

  it('ends at resolution whatever the time, and never before its start', () => {
    const resolved = record('2026-12-02T10:00:00.000Z', '2026-12-02T10:20:00.000Z');
    const window = { start: '2026-12-02T09:30:00.000Z', end: '2026-12-02T10:20:00.000Z' };
    expect(incidentWindow(resolved, at('2026-12-02T11:00:00.000Z'))).toEqual(window);
    expect(incidentWindow(resolved, at('2026-12-03T00:00:00.000Z'))).toEqual(window);
    // Resolved (by a provider's clock) before the window's start: the window is empty, not reversed.
    const early = record('2026-12-02T10:00:00.000Z', '2026-12-02T09:00:00.000Z');
    expect(incidentWindow(early, at('2026-12-02T11:00:00.000Z'))).toEqual({
      start: '2026-12-02T09:30:00.000Z',
      end: '2026-12-02T09:30:00.000Z',
    });
  });

  it('reads timestamps in other forms as Date.parse does', () => {
    const offset = record('2026-12-02T12:00:00+02:00', '2026-12-02T10:20:00.123456789Z');
    expect(incidentWindow(offset, 0)).toEqual({ start: '2026-12-02T09:30:00.000Z', end: '2026-12-02T10:20:00.123Z' });
  });

  it('gives each caller a window of its own', () => {
    const open = record('2026-12-02T10:00:00.000Z', null);
    const first = incidentWindow(open, at('2026-12-02T11:00:00.000Z'));
    first.end = 'changed';
    expect(incidentWindow(open, at('2026-12-02T11:00:00.000Z')).end).toBe('2026-12-02T11:00:00.000Z');
  });
});
