import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Alert,
  Deployment,
  Incident,
  OrchestrationPlan,
  OrchestrationRun,
  Service,
  Team,
  TeamMember,
  Ticket,
} from '../../../adapters/contract/index.js';
import { LIST_ORDERS } from '../../../adapters/contract/index.js';
import { HOUR, isNewestFirst, list, type MockHandle, mock, ms, NOW_MS, ok, walk } from './helpers.js';

let h: MockHandle;
let incidents: Incident[];
let alerts: Alert[];
let tickets: Ticket[];
let services: Service[];
let teams: Team[];
let members: Map<string, TeamMember[]>;
let deployments: Deployment[];
let plans: OrchestrationPlan[];
let runs: OrchestrationRun[];

beforeAll(async () => {
  h = await mock();
  incidents = await list(h.caps.incident.query, {});
  alerts = await list(h.caps.alert.query, {});
  tickets = await list(h.caps.ticket.query, {});
  services = await list(h.caps.service.query, {});
  teams = await list(h.caps.team.query, {});
  const results = await h.caps.team.members(
    teams.map((t) => t.id),
    {},
  );
  members = new Map(teams.map((t, i) => [t.name, ok(results[i])]));
  deployments = await list(h.caps.deployment.query, {});
  plans = await list(h.caps.orchestration.queryPlans, {});
  runs = await list(h.caps.orchestration.queryRuns, {});
});
afterAll(async () => {
  await h.adapter.close?.();
});

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id);
const serviceOf = (name: string | null | undefined) => services.find((s) => s.name === name)!;
const busiestService = () => {
  const counts = new Map<string, number>();
  for (const i of incidents) counts.set(i.service!, (counts.get(i.service!) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
};

describe('incident filters', () => {
  it('orders newest first', () => {
    expect(isNewestFirst(incidents.map((i) => i.createdAt))).toBe(true);
  });

  it('scope.service matches the canonical name and every alias, case-insensitively', async () => {
    const name = busiestService();
    const expected = ids(incidents.filter((i) => i.service === name));
    expect(expected.length).toBeGreaterThan(1);
    for (const alias of [name, name.toUpperCase(), ...(serviceOf(name).aliases ?? [])]) {
      expect(ids(await list(h.caps.incident.query, { scope: { service: alias } }))).toEqual(expected);
    }
    expect(await list(h.caps.incident.query, { scope: { service: 'no-such-service' } })).toEqual([]);
  });

  it('scope.team matches team name or handle; scope.environment the service environment', async () => {
    // An incident that names no team is its service's team's.
    const teamOf = (i: Incident) => i.team ?? serviceOf(i.service).team;
    const team = teams.find((t) => incidents.some((i) => teamOf(i) === t.name))!;
    const expected = ids(incidents.filter((i) => teamOf(i) === team.name));
    expect(ids(await list(h.caps.incident.query, { scope: { team: team.name } }))).toEqual(expected);
    expect(ids(await list(h.caps.incident.query, { scope: { team: team.handle!.toUpperCase() } }))).toEqual(expected);
    expect(await list(h.caps.incident.query, { scope: { environment: 'production' } })).toHaveLength(incidents.length);
    expect(await list(h.caps.incident.query, { scope: { environment: 'staging' } })).toEqual([]);
  });

  it('statuses and severities match any of the listed values', async () => {
    const open = await list(h.caps.incident.query, { statuses: ['TRIGGERED', 'ACKNOWLEDGED'] });
    expect(ids(open)).toEqual(ids(incidents.filter((i) => i.status === 'TRIGGERED' || i.status === 'ACKNOWLEDGED')));
    const serious = await list(h.caps.incident.query, { severities: ['CRITICAL'] });
    expect(serious.length).toBeGreaterThan(0);
    expect(ids(serious)).toEqual(ids(incidents.filter((i) => i.severity === 'CRITICAL')));
  });

  it('assignees match by name, handle or email, any of them', async () => {
    const person = incidents[0]!.assignees[0]!;
    const member = [...members.values()].flat().find((m) => m.name === person)!;
    const expected = ids(incidents.filter((i) => i.assignees.includes(person)));
    for (const key of [person, member.handle!, member.email!.toUpperCase()]) {
      expect(ids(await list(h.caps.incident.query, { assignees: [key] }))).toEqual(expected);
    }
    const other = incidents.find((i) => !i.assignees.includes(person))!.assignees[0]!;
    const either = await list(h.caps.incident.query, { assignees: ['nobody@acme.com', person, other] });
    expect(ids(either)).toEqual(
      ids(incidents.filter((i) => i.assignees.includes(person) || i.assignees.includes(other))),
    );
  });

  it('query matches title and description, case-insensitively', async () => {
    const found = await list(h.caps.incident.query, { query: 'ERROR RATE' });
    expect(found.length).toBeGreaterThan(0);
    expect(ids(found)).toEqual(
      ids(incidents.filter((i) => `${i.title} ${i.description}`.toLowerCase().includes('error rate'))),
    );
  });

  it('createdWithin is inclusive on both ends; an inverted range is bad input', async () => {
    const pivot = incidents[5]!;
    const range = { start: new Date(NOW_MS - 3 * 24 * HOUR).toISOString(), end: pivot.createdAt };
    const found = await list(h.caps.incident.query, { createdWithin: range });
    expect(ids(found)).toContain(pivot.id);
    expect(ids(found)).toEqual(
      ids(incidents.filter((i) => ms(i.createdAt) >= ms(range.start) && ms(i.createdAt) <= ms(range.end))),
    );
    const [bad] = await h.caps.incident.query(
      [{ first: 5, createdWithin: { start: range.end, end: range.start } }],
      {},
    );
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('combines filters with AND', async () => {
    const name = busiestService();
    const found = await list(h.caps.incident.query, { scope: { service: name }, statuses: ['RESOLVED'], query: name });
    expect(ids(found)).toEqual(ids(incidents.filter((i) => i.service === name && i.status === 'RESOLVED')));
  });

  it('answers a batch of queries in order, one bad query failing alone', async () => {
    const results = await h.caps.incident.query(
      [
        { first: 2, statuses: ['RESOLVED'] },
        { first: 2, after: { key: 'garbage', id: 'x' } },
        { first: 3, severities: ['CRITICAL'] },
      ],
      {},
    );
    expect(ok(results[0]).nodes.every((n) => n.status === 'RESOLVED')).toBe(true);
    expect(results[1]).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(ok(results[2]).nodes.every((n) => n.severity === 'CRITICAL')).toBe(true);
  });
});

describe('alert filters', () => {
  it('orders newest first and filters by scope, status, severity, text and activity', async () => {
    expect(isNewestFirst(alerts.map((a) => a.startsAt))).toBe(true);
    const name = busiestService();
    const alias = serviceOf(name).aliases![0]!;
    expect(ids(await list(h.caps.alert.query, { scope: { service: alias } }))).toEqual(
      ids(alerts.filter((a) => a.service === name)),
    );
    const team = serviceOf(name).team!;
    expect(ids(await list(h.caps.alert.query, { scope: { team } }))).toEqual(
      ids(alerts.filter((a) => serviceOf(a.service).team === team)),
    );
    const firing = await list(h.caps.alert.query, { statuses: ['FIRING', 'SILENCED'] });
    expect(firing.length).toBeGreaterThan(0);
    expect(ids(firing)).toEqual(ids(alerts.filter((a) => a.status === 'FIRING' || a.status === 'SILENCED')));
    expect(ids(await list(h.caps.alert.query, { severities: ['INFO'] }))).toEqual(
      ids(alerts.filter((a) => a.severity === 'INFO')),
    );
    // Free text also reaches label values.
    const instance = alerts[3]!.labels!.instance!;
    expect(ids(await list(h.caps.alert.query, { query: instance }))).toEqual([alerts[3]!.id]);

    const window = { start: new Date(NOW_MS - 2 * HOUR).toISOString(), end: new Date(NOW_MS - HOUR).toISOString() };
    const active = await list(h.caps.alert.query, { activeWithin: window });
    expect(active.length).toBeGreaterThan(0);
    expect(ids(active)).toEqual(
      ids(
        alerts.filter(
          (a) => ms(a.startsAt) <= ms(window.end) && (a.endsAt ? ms(a.endsAt) : Infinity) >= ms(window.start),
        ),
      ),
    );
  });
});

describe('ticket filters', () => {
  it('filters by scope, status, assignee, text and incident', async () => {
    expect(isNewestFirst(tickets.map((t) => t.createdAt))).toBe(true);
    const linked = tickets.find((t) => t.incidentIds.length > 0)!;
    const incidentId = linked.incidentIds[0]!;
    expect(ids(await list(h.caps.ticket.query, { incidentId }))).toEqual(
      ids(tickets.filter((t) => t.incidentIds.includes(incidentId))),
    );
    expect(ids(await list(h.caps.ticket.query, { statuses: ['DONE', 'BLOCKED'] }))).toEqual(
      ids(tickets.filter((t) => t.status === 'DONE' || t.status === 'BLOCKED')),
    );
    const assignee = tickets.find((t) => t.assignee)!.assignee!;
    const handle = [...members.values()].flat().find((m) => m.name === assignee)!.handle!;
    expect(ids(await list(h.caps.ticket.query, { assignees: [handle] }))).toEqual(
      ids(tickets.filter((t) => t.assignee === assignee)),
    );
    expect(ids(await list(h.caps.ticket.query, { query: linked.key.toLowerCase() }))).toEqual([linked.id]);
    expect(ids(await list(h.caps.ticket.query, { query: 'postmortem' }))).toEqual(
      ids(tickets.filter((t) => t.title.toLowerCase().includes('postmortem'))),
    );
    const service = linked.service!;
    expect(ids(await list(h.caps.ticket.query, { scope: { service: serviceOf(service).aliases![0]! } }))).toEqual(
      ids(tickets.filter((t) => t.service === service)),
    );
    const team = serviceOf(service).team!;
    expect(ids(await list(h.caps.ticket.query, { scope: { team } }))).toEqual(
      ids(tickets.filter((t) => serviceOf(t.service).team === team)),
    );
  });
});

describe('service and team filters', () => {
  it('services: names (canonical or alias), scope and text, alphabetical', async () => {
    expect(services.map((s) => s.name)).toEqual([...services.map((s) => s.name)].sort());
    const found = await list(h.caps.service.query, { names: ['CHECKOUT-API', 'payments', 'nope'] });
    expect(found.map((s) => s.name)).toEqual(['checkout', 'payments-api']);
    const team = serviceOf('billing').team!;
    expect((await list(h.caps.service.query, { scope: { team } })).map((s) => s.name)).toEqual(
      services.filter((s) => s.team === team).map((s) => s.name),
    );
    expect((await list(h.caps.service.query, { scope: { service: 'edge' } })).map((s) => s.name)).toEqual([
      'api-gateway',
    ]);
    expect((await list(h.caps.service.query, { query: 'postgresql' })).map((s) => s.name)).toEqual(['orders-db']);
    expect(await list(h.caps.service.query, { scope: { environment: 'staging' } })).toEqual([]);
  });

  it('teams: names (name or handle) and text', async () => {
    const found = await list(h.caps.team.query, { names: ['sre', 'Payments'] });
    expect(found.map((t) => t.name)).toEqual(['Payments', 'SRE']);
    expect((await list(h.caps.team.query, { query: 'search' })).map((t) => t.name)).toEqual(['Search & Discovery']);
  });
});

describe('deployment filters', () => {
  it('filters by scope, status, text and start window', async () => {
    expect(isNewestFirst(deployments.map((d) => d.startedAt))).toBe(true);
    const d = deployments[2]!;
    expect(ids(await list(h.caps.deployment.query, { scope: { service: serviceOf(d.service).aliases![0]! } }))).toEqual(
      ids(deployments.filter((x) => x.service === d.service)),
    );
    expect(ids(await list(h.caps.deployment.query, { statuses: ['SUCCEEDED'] }))).toEqual(
      ids(deployments.filter((x) => x.status === 'SUCCEEDED')),
    );
    expect(ids(await list(h.caps.deployment.query, { query: d.commit!.slice(0, 12) }))).toEqual([d.id]);
    const window = { start: d.startedAt, end: new Date(NOW_MS).toISOString() };
    expect(ids(await list(h.caps.deployment.query, { startedWithin: window }))).toEqual(ids(deployments.slice(0, 3)));
  });
});

describe('orchestration filters', () => {
  it('plans by scope and text; runs by scope, status, plan and incident', async () => {
    const rollback = plans.find((p) => p.name === 'Roll back a deployment')!;
    expect(ids(await list(h.caps.orchestration.queryPlans, { scope: { service: 'checkout-web' } }))).toEqual([
      rollback.id,
    ]);
    expect(ids(await list(h.caps.orchestration.queryPlans, { query: 'ROLL BACK' }))).toEqual([rollback.id]);
    expect(ids(await list(h.caps.orchestration.queryPlans, { scope: { team: 'data-infra' } }))).toEqual(
      ids(plans.filter((p) => p.service === 'orders-db')),
    );

    expect(isNewestFirst(runs.map((r) => r.startedAt))).toBe(true);
    const live = await list(h.caps.orchestration.queryRuns, { statuses: ['RUNNING', 'WAITING'] });
    expect(live.length).toBe(2);
    const run = live[0]!;
    expect(ids(await list(h.caps.orchestration.queryRuns, { incidentId: run.incidentId! }))).toEqual(
      ids(runs.filter((r) => r.incidentId === run.incidentId)),
    );
    expect(ids(await list(h.caps.orchestration.queryRuns, { planId: run.planId }))).toEqual(
      ids(runs.filter((r) => r.planId === run.planId)),
    );
    const plan = plans.find((p) => p.id === run.planId)!;
    expect(ids(await list(h.caps.orchestration.queryRuns, { scope: { service: plan.service! } }))).toEqual(
      ids(runs.filter((r) => r.planId === run.planId)),
    );
  });
});

describe('paging', () => {
  const pageSizes = [1, 3, 7];
  it.each(pageSizes)('walks every list in pages of %i without gaps or repeats', async (first) => {
    const lists: [string, unknown[], unknown[]][] = [
      ['incidents', await walk(h.caps.incident.query, {}, first, LIST_ORDERS.incidents), incidents],
      ['alerts', await walk(h.caps.alert.query, {}, first, LIST_ORDERS.alerts), alerts],
      ['tickets', await walk(h.caps.ticket.query, {}, first, LIST_ORDERS.tickets), tickets],
      ['services', await walk(h.caps.service.query, {}, first, LIST_ORDERS.services), services],
      ['teams', await walk(h.caps.team.query, {}, first, LIST_ORDERS.teams), teams],
      ['deployments', await walk(h.caps.deployment.query, {}, first, LIST_ORDERS.deployments), deployments],
      ['plans', await walk(h.caps.orchestration.queryPlans, {}, first, LIST_ORDERS.plans), plans],
      ['runs', await walk(h.caps.orchestration.queryRuns, {}, first, LIST_ORDERS.runs), runs],
      [
        'filtered',
        await walk(h.caps.alert.query, { statuses: ['RESOLVED'] }, first, LIST_ORDERS.alerts),
        alerts.filter((a) => a.status === 'RESOLVED'),
      ],
    ];
    for (const [, walked, whole] of lists) expect(walked).toEqual(whole);
  });

  it('refuses a page size below one and a cursor it did not issue', async () => {
    const results = await h.caps.alert.query([{ first: 0 }, { first: 5, after: { key: 'not-a-time', id: 'a1' } }], {});
    for (const r of results) expect(r).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('reports the total count and hasNextPage', async () => {
    const [page] = await h.caps.incident.query([{ first: 5 }], {});
    expect(ok(page)).toMatchObject({ totalCount: incidents.length, hasNextPage: true });
    expect(ok(page).nodes).toHaveLength(5);
  });
});

describe('getMany', () => {
  it('answers in the order asked, with NOT_FOUND for unknown IDs', async () => {
    const asked = [incidents[3]!.id, 'PNOPE00', incidents[0]!.id, incidents[3]!.id];
    const got = await h.caps.incident.getMany(asked, {});
    expect(got).toHaveLength(4);
    expect(ok(got[0]).id).toBe(asked[0]);
    expect(got[1]).toMatchObject({ code: 'NOT_FOUND' });
    expect((got[1] as Error).message).toContain('PNOPE00');
    expect(ok(got[2]).id).toBe(asked[2]);
    expect(ok(got[3]).id).toBe(asked[3]);
  });

  it('works the same for every capability', async () => {
    const cases: [string, (ids: string[]) => Promise<unknown[]>, string][] = [
      ['alert', (x) => h.caps.alert.getMany(x, {}), alerts[0]!.id],
      ['ticket', (x) => h.caps.ticket.getMany(x, {}), tickets[0]!.id],
      ['service', (x) => h.caps.service.getMany(x, {}), services[0]!.id],
      ['team', (x) => h.caps.team.getMany(x, {}), teams[0]!.id],
      ['deployment', (x) => h.caps.deployment.getMany(x, {}), deployments[0]!.id],
      ['plan', (x) => h.caps.orchestration.getPlans(x, {}), plans[0]!.id],
      ['run', (x) => h.caps.orchestration.getRuns(x, {}), runs[0]!.id],
      ['timeline', (x) => h.caps.incident.timelines(x, {}), incidents[0]!.id],
      ['members', (x) => h.caps.team.members(x, {}), teams[0]!.id],
    ];
    for (const [, getMany, known] of cases) {
      const got = await getMany(['missing-id', known]);
      expect(got).toHaveLength(2);
      expect(got[0]).toMatchObject({ code: 'NOT_FOUND' });
      expect(got[1]).not.toBeInstanceOf(Error);
    }
  });

  it('finds tickets by Jira key as well as numeric ID', async () => {
    const [byKey] = await h.caps.ticket.getMany([tickets[0]!.key], {});
    expect(ok(byKey).id).toBe(tickets[0]!.id);
  });

  it('hands out copies: changing a result does not change the world', async () => {
    const [first] = await h.caps.incident.getMany([incidents[0]!.id], {});
    ok(first).title = 'changed by the caller';
    ok(first).assignees.push('intruder');
    const [again] = await h.caps.incident.getMany([incidents[0]!.id], {});
    expect(ok(again)).toEqual(incidents[0]);
  });
});
