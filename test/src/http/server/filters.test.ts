/** Every filter narrows its list, and everything it returns satisfies it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gqlData } from '../../../helpers/graphql.js';

type Incident = {
  id: string;
  title: string;
  description: string | null;
  status: string;
  severity: string;
  assignees: string[];
  createdAt: string;
  service: { name: string; aliases: string[] } | null;
  team: { name: string } | null;
};

describe('filters', () => {
  let gateway: TestGateway;
  let all: Incident[];

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    all = (
      await gqlData<{ incidents: { nodes: Incident[] } }>(
        gateway.url,
        '{ incidents(first: 100) { nodes { id title description status severity assignees createdAt service { name aliases } team { name } } } }',
      )
    ).incidents.nodes;
  });
  afterAll(() => gateway.stop());

  async function incidents(filter: Record<string, unknown>): Promise<Incident[]> {
    const data = await gqlData<{ incidents: { nodes: Incident[] } }>(
      gateway.url,
      'query($filter: IncidentFilter) { incidents(filter: $filter, first: 100) { nodes { id title description status severity assignees createdAt service { name aliases } team { name } } } }',
      { filter },
    );
    return data.incidents.nodes;
  }

  function expectNarrowed<T extends { id: string }>(subset: T[], whole: T[], predicate: (item: T) => boolean) {
    expect(subset.length).toBeGreaterThan(0);
    expect(subset.every(predicate)).toBe(true);
    expect(subset.map((s) => s.id).sort()).toEqual(
      whole
        .filter(predicate)
        .map((s) => s.id)
        .sort(),
    );
  }

  it('incidents by statuses, severities, assignees, service, service alias, team, text and creation time', async () => {
    const statuses = [...new Set(all.map((i) => i.status))];
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expectNarrowed(await incidents({ statuses: ['TRIGGERED', 'ACKNOWLEDGED'] }), all, (i) =>
      ['TRIGGERED', 'ACKNOWLEDGED'].includes(i.status),
    );
    expectNarrowed(await incidents({ severities: ['CRITICAL'] }), all, (i) => i.severity === 'CRITICAL');

    const assignee = all.find((i) => i.assignees.length)?.assignees[0] as string;
    expectNarrowed(await incidents({ assignees: [assignee] }), all, (i) => i.assignees.includes(assignee));

    const service = all[0]?.service as { name: string; aliases: string[] };
    expectNarrowed(await incidents({ scope: { service: service.name } }), all, (i) => i.service?.name === service.name);
    if (service.aliases[0]) {
      const byAlias = await incidents({ scope: { service: service.aliases[0] } });
      expect(byAlias.map((i) => i.id).sort()).toEqual(
        all
          .filter((i) => i.service?.name === service.name)
          .map((i) => i.id)
          .sort(),
      );
    }

    const team = all[0]?.team?.name as string;
    expectNarrowed(await incidents({ scope: { team } }), all, (i) => i.team?.name === team);

    const word = (all[0]?.title.split(/\s+/).find((w) => w.length > 4) ?? '').toLowerCase();
    expectNarrowed(await incidents({ query: word.toUpperCase() }), all, (i) =>
      `${i.title} ${i.description ?? ''}`.toLowerCase().includes(word),
    );

    const sorted = all.map((i) => Date.parse(i.createdAt)).sort((a, b) => a - b);
    const start = new Date(sorted[Math.floor(sorted.length / 3)] as number).toISOString();
    const end = new Date(sorted[Math.floor((2 * sorted.length) / 3)] as number).toISOString();
    expectNarrowed(
      await incidents({ createdWithin: { start, end } }),
      all,
      (i) => i.createdAt >= start && i.createdAt <= end,
    );
  });

  it('combines filters with AND', async () => {
    const target = all.find((i) => i.status !== 'RESOLVED') as Incident;
    const result = await incidents({
      statuses: [target.status],
      severities: [target.severity],
      scope: { service: target.service?.name },
    });
    expect(result.map((i) => i.id)).toContain(target.id);
    expect(result.every((i) => i.status === target.status && i.severity === target.severity)).toBe(true);
  });

  it('alerts by statuses, severities, service, text and activity window', async () => {
    type Alert = {
      id: string;
      title: string;
      status: string;
      severity: string;
      startsAt: string;
      endsAt: string | null;
      service: { name: string } | null;
    };
    const q =
      'query($filter: AlertFilter) { alerts(filter: $filter, first: 100) { nodes { id title status severity startsAt endsAt service { name } } } }';
    const whole = (await gqlData<{ alerts: { nodes: Alert[] } }>(gateway.url, q, {})).alerts.nodes;
    const get = async (filter: Record<string, unknown>) =>
      (await gqlData<{ alerts: { nodes: Alert[] } }>(gateway.url, q, { filter })).alerts.nodes;
    expect(whole.length).toBeGreaterThanOrEqual(40);
    expectNarrowed(await get({ statuses: ['FIRING'] }), whole, (a) => a.status === 'FIRING');
    const severity = whole[0]?.severity as string;
    expectNarrowed(await get({ severities: [severity] }), whole, (a) => a.severity === severity);
    const service = whole[0]?.service?.name as string;
    expectNarrowed(await get({ scope: { service } }), whole, (a) => a.service?.name === service);
    const word = (whole[0]?.title.split(/\s+/)[0] ?? '').toLowerCase();
    const byText = await get({ query: word });
    expect(byText.length).toBeGreaterThan(0);
    const start = '2026-11-19T00:00:00.000Z';
    const end = '2026-11-19T12:00:00.000Z';
    const active = await get({ activeWithin: { start, end } });
    expect(active.every((a) => a.startsAt <= end && (a.endsAt === null || a.endsAt >= start))).toBe(true);
  });

  it('tickets by status, assignee, text and incident', async () => {
    type Ticket = { id: string; title: string; status: string; assignee: string | null; incidents: { id: string }[] };
    const q =
      'query($filter: TicketFilter) { tickets(filter: $filter, first: 100) { nodes { id title status assignee incidents { id } } } }';
    const whole = (await gqlData<{ tickets: { nodes: Ticket[] } }>(gateway.url, q, {})).tickets.nodes;
    const get = async (filter: Record<string, unknown>) =>
      (await gqlData<{ tickets: { nodes: Ticket[] } }>(gateway.url, q, { filter })).tickets.nodes;
    expect(whole.length).toBeGreaterThanOrEqual(15);
    const status = whole[0]?.status as string;
    expectNarrowed(await get({ statuses: [status] }), whole, (t) => t.status === status);
    const assignee = whole.find((t) => t.assignee)?.assignee as string;
    expectNarrowed(await get({ assignees: [assignee] }), whole, (t) => t.assignee === assignee);
    const incidentId = whole.find((t) => t.incidents.length)?.incidents[0]?.id as string;
    expectNarrowed(await get({ incidentId }), whole, (t) => t.incidents.some((i) => i.id === incidentId));
  });

  it('deployments by status, service and start window; services by names, team and text; teams by names', async () => {
    type Deployment = { id: string; status: string; startedAt: string; service: { name: string } | null };
    const q =
      'query($filter: DeploymentFilter) { deployments(filter: $filter, first: 100) { nodes { id status startedAt service { name } } } }';
    const whole = (await gqlData<{ deployments: { nodes: Deployment[] } }>(gateway.url, q, {})).deployments.nodes;
    const get = async (filter: Record<string, unknown>) =>
      (await gqlData<{ deployments: { nodes: Deployment[] } }>(gateway.url, q, { filter })).deployments.nodes;
    expect(whole.length).toBeGreaterThanOrEqual(15);
    const status = whole[0]?.status as string;
    expectNarrowed(await get({ statuses: [status] }), whole, (d) => d.status === status);
    const service = whole[0]?.service?.name as string;
    expectNarrowed(await get({ scope: { service } }), whole, (d) => d.service?.name === service);
    const times = whole.map((d) => d.startedAt).sort();
    const [start, end] = [times[2] as string, times[times.length - 3] as string];
    expectNarrowed(
      await get({ startedWithin: { start, end } }),
      whole,
      (d) => d.startedAt >= start && d.startedAt <= end,
    );

    type Service = { id: string; name: string; team: { name: string } | null };
    const services = (
      await gqlData<{ services: { nodes: Service[] } }>(
        gateway.url,
        '{ services(first: 100) { nodes { id name team { name } } } }',
      )
    ).services.nodes;
    expect(services.length).toBeGreaterThanOrEqual(10);
    const named = await gqlData<{ services: { nodes: Service[] } }>(
      gateway.url,
      'query($names: [String!]) { services(filter: { names: $names }) { nodes { id name team { name } } } }',
      { names: [services[0]?.name, services[1]?.name] },
    );
    expect(named.services.nodes.map((s) => s.name).sort()).toEqual([services[0]?.name, services[1]?.name].sort());
    const team = services[0]?.team?.name as string;
    const byTeam = await gqlData<{ services: { nodes: Service[] } }>(
      gateway.url,
      'query($team: String) { services(first: 100, filter: { scope: { team: $team } }) { nodes { id name team { name } } } }',
      { team },
    );
    expectNarrowed(byTeam.services.nodes, services, (s) => s.team?.name === team);

    const teams = await gqlData<{ teams: { nodes: { id: string; name: string }[] } }>(
      gateway.url,
      'query($names: [String!]) { teams(filter: { names: $names }) { nodes { id name } } }',
      { names: [team] },
    );
    expect(teams.teams.nodes.map((t) => t.name)).toEqual([team]);
  });

  it('runbook runs by status, plan and incident', async () => {
    type Run = { id: string; status: string; plan: { id: string }; incident: { id: string } | null };
    const q =
      'query($filter: OrchestrationRunFilter) { orchestrationRuns(filter: $filter, first: 100) { nodes { id status plan { id } incident { id } } } }';
    const whole = (await gqlData<{ orchestrationRuns: { nodes: Run[] } }>(gateway.url, q, {})).orchestrationRuns.nodes;
    const get = async (filter: Record<string, unknown>) =>
      (await gqlData<{ orchestrationRuns: { nodes: Run[] } }>(gateway.url, q, { filter })).orchestrationRuns.nodes;
    const status = whole[0]?.status as string;
    expectNarrowed(await get({ statuses: [status] }), whole, (r) => r.status === status);
    const planId = whole[0]?.plan.id as string;
    expectNarrowed(await get({ planId }), whole, (r) => r.plan.id === planId);
    const incidentId = whole.find((r) => r.incident)?.incident?.id as string;
    expectNarrowed(await get({ incidentId }), whole, (r) => r.incident?.id === incidentId);
  });

  it('logs by level and text; metrics by name and service', async () => {
    const service = all[0]?.service?.name as string;
    const logs = await gqlData<{ logs: { entries: { message: string; level: string; service: string }[] } }>(
      gateway.url,
      'query($q: LogQueryInput!) { logs(query: $q) { entries { message level service } } }',
      {
        q: {
          scope: { service },
          levels: ['ERROR', 'WARN'],
          start: '2026-11-19T00:00:00Z',
          end: '2026-11-20T12:00:00Z',
          limit: 200,
        },
      },
    );
    expect(logs.logs.entries.length).toBeGreaterThan(0);
    expect(logs.logs.entries.every((e) => ['ERROR', 'WARN'].includes(e.level) && e.service === service)).toBe(true);

    const metrics = await gqlData<{ metrics: { name: string; labels: { service: string } }[] }>(
      gateway.url,
      'query($q: MetricQueryInput!) { metrics(query: $q) { name labels } }',
      {
        q: { name: 'cpu_usage_ratio', scope: { service }, start: '2026-11-20T10:00:00Z', end: '2026-11-20T12:00:00Z' },
      },
    );
    expect(metrics.metrics.length).toBeGreaterThan(0);
    expect(metrics.metrics.every((m) => m.name === 'cpu_usage_ratio' && m.labels.service === service)).toBe(true);
  });
});
