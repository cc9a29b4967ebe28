import { afterEach, describe, expect, it } from 'vitest';
import type { Incident, Service, Team, TeamMember } from '../../../adapters/contract/index.js';
import { TEAMLESS_INCIDENT_NUMBER } from '../../../adapters/mock/world/incidents.js';
import { DAY, isNewestFirst, list, type MockHandle, mock, ms, NOW_MS, ok } from './helpers.js';

const SEEDS = (process.env.MOCK_SEEDS ?? '42,1,2,3,7,99,1234,31337,-5,2147483647').split(',').map(Number);

const handles: MockHandle[] = [];
async function open(config: Record<string, unknown> = {}) {
  const handle = await mock(config);
  handles.push(handle);
  return handle;
}
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.adapter.close?.()));
});

async function snapshot({ caps }: MockHandle) {
  const incidents = await list(caps.incident.query, {});
  return {
    incidents,
    timelines: await caps.incident.timelines(
      incidents.map((i) => i.id),
      {},
    ),
    alerts: await list(caps.alert.query, {}),
    tickets: await list(caps.ticket.query, {}),
    services: await list(caps.service.query, {}),
    teams: await list(caps.team.query, {}),
    deployments: await list(caps.deployment.query, {}),
    plans: await list(caps.orchestration.queryPlans, {}),
    runs: await list(caps.orchestration.queryRuns, {}),
  };
}

describe('determinism', () => {
  it('builds the same world from the same seed and now', async () => {
    const a = await snapshot(await open({ seed: 7 }));
    const b = await snapshot(await open({ seed: 7 }));
    expect(b).toEqual(a);
  });

  it('builds a different world from a different seed', async () => {
    const a = await snapshot(await open({ seed: 7 }));
    const b = await snapshot(await open({ seed: 8 }));
    expect(b.incidents.map((i) => i.id)).not.toEqual(a.incidents.map((i) => i.id));
    expect(b.incidents.map((i) => i.createdAt)).not.toEqual(a.incidents.map((i) => i.createdAt));
  });

  it('anchors every generated time at `now`', async () => {
    const later = await snapshot(await open({ now: '2027-03-01T00:00:00Z' }));
    for (const incident of later.incidents) {
      expect(ms(incident.createdAt)).toBeLessThanOrEqual(Date.parse('2027-03-01T00:00:00Z'));
      expect(ms(incident.createdAt)).toBeGreaterThan(Date.parse('2027-03-01T00:00:00Z') - 15 * DAY);
    }
  });

  it('keeps adapter instances apart', async () => {
    const a = await open();
    const b = await open();
    await a.caps.incident.create({ title: 'Only in a' }, {});
    const inA = await list(a.caps.incident.query, { query: 'Only in a' });
    const inB = await list(b.caps.incident.query, { query: 'Only in a' });
    expect(inA).toHaveLength(1);
    expect(inB).toHaveLength(0);
  });
});

describe('the world', () => {
  it('has a realistic size and variety', async () => {
    const w = await snapshot(await open());
    expect(w.services.length).toBeGreaterThanOrEqual(12);
    expect(w.teams).toHaveLength(10);
    expect(w.incidents.length).toBeGreaterThanOrEqual(20);
    expect(w.alerts).toHaveLength(40);
    expect(w.tickets).toHaveLength(15);
    expect(w.deployments).toHaveLength(15);
    expect(w.plans.length).toBeGreaterThanOrEqual(5);
    expect(new Set(w.incidents.map((i) => i.status))).toEqual(
      new Set(['TRIGGERED', 'ACKNOWLEDGED', 'MITIGATED', 'RESOLVED']),
    );
    expect(new Set(w.incidents.map((i) => i.severity))).toEqual(new Set(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO']));
    expect(w.alerts.some((a) => a.status === 'FIRING')).toBe(true);
    expect(w.alerts.some((a) => a.status === 'RESOLVED')).toBe(true);
    expect(w.runs.some((r) => r.status === 'RUNNING')).toBe(true);
    expect(w.runs.some((r) => r.status === 'WAITING')).toBe(true);
    expect(w.runs.some((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(w.tickets.map((t) => t.key).sort()).toEqual(Array.from({ length: 15 }, (_, i) => `OPS-${101 + i}`).sort());
  });

  it('spreads incidents over the last two weeks, newest first', async () => {
    const { incidents } = await snapshot(await open());
    expect(isNewestFirst(incidents.map((i) => i.createdAt))).toBe(true);
    const oldest = Math.min(...incidents.map((i) => ms(i.createdAt)));
    expect(oldest).toBeGreaterThan(NOW_MS - 14 * DAY - DAY);
    expect(oldest).toBeLessThan(NOW_MS - 5 * DAY);
  });

  it.each(SEEDS)('is internally consistent (seed %i)', async (seed) => {
    const handle = await open({ seed });
    const w = await snapshot(handle);
    const services = new Map<string, Service>(w.services.map((s) => [s.name, s]));
    const teams = new Map<string, Team>(w.teams.map((t) => [t.name, t]));
    const members = new Map<string, TeamMember[]>();
    const memberResults = await handle.caps.team.members(
      w.teams.map((t) => t.id),
      {},
    );
    w.teams.forEach((t, i) => {
      members.set(t.name, ok(memberResults[i]));
    });

    for (const service of w.services) {
      expect(teams.has(service.team!)).toBe(true);
      expect(service.environment).toBe('production');
      expect(service.aliases?.length).toBeGreaterThan(0);
      expect(service.url).toBe(`https://acme.pagerduty.com/service-directory/${service.id}`);
    }
    for (const team of w.teams) {
      const list = members.get(team.name)!;
      expect(list.length).toBeGreaterThanOrEqual(3);
      expect(list.length).toBeLessThanOrEqual(6);
      expect(list.filter((m) => m.onCallRole === 'primary')).toHaveLength(1);
      for (const m of list) expect(m.email).toMatch(/^[a-z]+\.[a-z]+@acme\.com$/);
      expect(team.url).toBe(`https://acme.pagerduty.com/teams/${team.id}`);
    }

    expect(w.incidents.filter((i) => !i.team).map((i) => i.fields?.incident_number)).toEqual([
      TEAMLESS_INCIDENT_NUMBER,
    ]);
    w.incidents.forEach((incident: Incident, index) => {
      expect(incident.id).toMatch(/^P[A-Z0-9]{6}$/);
      expect(incident.url).toBe(`https://acme.pagerduty.com/incidents/${incident.id}`);
      const service = services.get(incident.service!);
      expect(service).toBeDefined();
      // One incident names no team of its own (TEAMLESS_INCIDENT_NUMBER): it is its service's team's.
      expect(incident.team ?? service!.team).toBe(service!.team);
      const teamMembers = members.get(service!.team!)!.map((m) => m.name);
      expect(incident.assignees.length).toBeGreaterThan(0);
      for (const a of incident.assignees) expect(teamMembers).toContain(a);
      expect(incident.rawStatus).toBe(incident.status.toLowerCase());
      expect(incident.rawSeverity).toMatch(/^P[1-5]$/);

      const created = ms(incident.createdAt);
      const end = incident.resolvedAt ? ms(incident.resolvedAt) : NOW_MS;
      expect(incident.resolvedAt !== null).toBe(incident.status === 'RESOLVED');
      if (incident.status === 'TRIGGERED') expect(incident.acknowledgedAt).toBeNull();
      if (incident.status === 'ACKNOWLEDGED' || incident.status === 'MITIGATED')
        expect(incident.acknowledgedAt).not.toBeNull();
      if (incident.acknowledgedAt) {
        expect(ms(incident.acknowledgedAt)).toBeGreaterThan(created);
        expect(ms(incident.acknowledgedAt)).toBeLessThanOrEqual(end);
      }

      const timeline = ok(w.timelines[index]);
      expect(timeline.length).toBeGreaterThanOrEqual(1);
      expect(timeline.length).toBeLessThanOrEqual(8);
      expect(isNewestFirst(timeline.map((e) => e.at))).toBe(true);
      expect(timeline[timeline.length - 1]!.kind).toBe('CREATED');
      expect(timeline.filter((e) => e.kind === 'CREATED')).toHaveLength(1);
      expect(timeline[timeline.length - 1]!.at).toBe(incident.createdAt);
      expect(timeline[0]!.at).toBe(incident.updatedAt);
      for (const entry of timeline) {
        expect(entry.incidentId).toBe(incident.id);
        expect(ms(entry.at)).toBeGreaterThanOrEqual(created);
        expect(ms(entry.at)).toBeLessThanOrEqual(end);
      }
      const statusChanges = timeline.filter((e) => e.kind === 'STATUS_CHANGE').map((e) => e.fields?.to);
      if (incident.acknowledgedAt) {
        expect(timeline.find((e) => e.fields?.to === 'acknowledged')?.at).toBe(incident.acknowledgedAt);
      }
      if (incident.status === 'RESOLVED') {
        expect(statusChanges[0]).toBe('resolved');
        expect(timeline[0]!.at).toBe(incident.resolvedAt);
      }
      if (incident.status === 'MITIGATED') expect(statusChanges[0]).toBe('mitigated');
      const escalation = timeline.find((e) => e.kind === 'ESCALATION');
      if (escalation && incident.acknowledgedAt) expect(ms(escalation.at)).toBeLessThan(ms(incident.acknowledgedAt));
    });

    const incidentIds = new Set(w.incidents.map((i) => i.id));
    for (const ticket of w.tickets) {
      for (const id of ticket.incidentIds) expect(incidentIds.has(id)).toBe(true);
      expect(services.has(ticket.service!)).toBe(true);
      expect(ticket.url).toBe(`https://acme.atlassian.net/browse/${ticket.key}`);
      expect(['To Do', 'In Progress', 'Blocked', 'Done', "Won't Do"]).toContain(ticket.rawStatus);
    }
    expect(w.tickets.filter((t) => t.incidentIds.length > 0).length).toBeGreaterThanOrEqual(8);

    for (const alert of w.alerts) {
      expect(alert.id).toMatch(/^[0-9a-f]{16}$/);
      expect(services.has(alert.service!)).toBe(true);
      expect(alert.labels).toMatchObject({ service: alert.service, severity: alert.rawSeverity });
      expect(Object.keys(alert.labels ?? {})).toEqual(
        expect.arrayContaining(['alertname', 'service', 'severity', 'instance']),
      );
      expect(alert.url).toMatch(/^http:\/\/alertmanager\.acme\.internal:9093\/#\/alerts\?.*filter=%7B/);
      if (alert.status === 'RESOLVED') expect(ms(alert.endsAt)).toBeGreaterThan(ms(alert.startsAt));
      else expect(alert.endsAt).toBeNull();
    }
    // Most incidents have an alert on the same service overlapping their window.
    const overlapping = w.incidents.filter((i) =>
      w.alerts.some(
        (a) =>
          a.service === i.service &&
          ms(a.startsAt) <= (i.resolvedAt ? ms(i.resolvedAt) : NOW_MS) &&
          (a.endsAt ? ms(a.endsAt) : NOW_MS) >= ms(i.createdAt),
      ),
    );
    expect(overlapping).toHaveLength(w.incidents.length);

    for (const d of w.deployments) {
      expect(services.has(d.service!)).toBe(true);
      expect(d.version).toMatch(/^v\d+\.\d+\.\d+$/);
      expect(d.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(d.url).toBe(`https://github.com/acme/${d.service}/actions/runs/${d.id}`);
    }
    // Several deploys land in the two hours before an incident on the same service.
    const suspects = w.incidents.filter((i) =>
      w.deployments.some(
        (d) =>
          d.service === i.service &&
          ms(d.startedAt) < ms(i.createdAt) &&
          ms(d.startedAt) >= ms(i.createdAt) - 2 * 3_600_000,
      ),
    );
    expect(suspects.length).toBeGreaterThanOrEqual(5);

    const planIds = new Set(w.plans.map((p) => p.id));
    for (const plan of w.plans) {
      expect(services.has(plan.service!)).toBe(true);
      expect(new Set(plan.steps.map((s) => s.kind))).toEqual(new Set(['MANUAL', 'AUTOMATED']));
    }
    for (const run of w.runs) {
      expect(planIds.has(run.planId)).toBe(true);
      if (run.incidentId) expect(incidentIds.has(run.incidentId)).toBe(true);
      expect(run.url).toMatch(/^https:\/\/rundeck\.acme\.internal\/project\/ops\/execution\/show\/\d+$/);
      const active = run.steps.filter((s) => s.status === 'RUNNING' || s.status === 'WAITING');
      if (run.status === 'RUNNING' || run.status === 'WAITING') {
        expect(active).toHaveLength(1);
        expect(run.finishedAt).toBeNull();
        const incident = w.incidents.find((i) => i.id === run.incidentId);
        expect(incident?.status).not.toBe('RESOLVED');
      } else {
        expect(active).toHaveLength(0);
        expect(ms(run.finishedAt)).toBeGreaterThanOrEqual(ms(run.startedAt));
      }
    }
  });
});
