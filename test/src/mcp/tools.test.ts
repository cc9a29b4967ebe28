/**
 * Every tool over real Streamable HTTP against the seeded mock world (`npm start` with no
 * configuration), each answer checked against what the same gateway answers over GraphQL.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlData } from '../../helpers/graphql.js';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/process.js';
import { call, callText, connectMcp } from './support.js';

type Node = { source: { nativeId: string } } & Record<string, unknown>;
type Nodes = { nodes: Node[] };

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const ids = (items: unknown) => (items as { id: string }[]).map((i) => i.id);

describe('MCP tools over the mock world', () => {
  let gateway: GatewayProcess;
  let client: Client;
  const graphql = <T>(query: string, variables?: Record<string, unknown>) => gqlData<T>(gateway.url, query, variables);

  beforeAll(async () => {
    gateway = await startGatewayProcess({ OPSORCH_MCP_WRITES: 'true', OPSORCH_MOCK_LIVE: 'false' });
    client = await connectMcp(gateway.base);
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
  });

  it('query-incidents takes OpsOrch words and answers what incidents(filter) answers, in order', async () => {
    const answer = await call(client, 'query-incidents', {
      statuses: ['open', 'acknowledged'],
      severities: ['sev1', 'sev2', 'P1', 'P2'],
      limit: 50,
    });
    const { incidents } = await graphql<{ incidents: Nodes }>(
      `{ incidents(filter: { statuses: [TRIGGERED, ACKNOWLEDGED], severities: [CRITICAL, HIGH] }, first: 50) { nodes { source { nativeId } } } }`,
    );
    expect(incidents.nodes.length).toBeGreaterThan(0);
    expect(ids(answer.incidents)).toEqual(incidents.nodes.map((n) => n.source.nativeId));
    for (const incident of answer.incidents as { status: string; createdAt: string; url: string }[]) {
      expect(['triggered', 'acknowledged']).toContain(incident.status);
      expect(incident.url).toMatch(/^https:\/\//);
    }
  });

  it('get-incident, get-incident-timeline and get-incident-context read one incident by its provider ID', async () => {
    const { incidents } = await graphql<{ incidents: Nodes }>(
      `{ incidents(first: 1) { nodes { title source { nativeId } timeline(first: 100) { nodes { body } }
          service { name team { name onCall { name } } } } } }`,
    );
    const expected = incidents.nodes[0] as Node & {
      title: string;
      timeline: { nodes: { body: string }[] };
      service: { name: string; team: { name: string; onCall: { name: string }[] } };
    };
    const id = expected.source.nativeId;

    const incident = await call(client, 'get-incident', { id });
    expect(incident.incident).toMatchObject({ id, title: expected.title });

    const timeline = await call(client, 'get-incident-timeline', { id });
    expect((timeline.timeline as { body: string }[]).map((e) => e.body)).toEqual(
      expected.timeline.nodes.map((e) => e.body),
    );
    expect(timeline.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ incidentId: id })]));

    const context = await callText(client, 'get-incident-context', { id });
    expect(context.isError).toBe(false);
    const structured = JSON.parse(context.text) as Record<string, { name?: string }[] & { name?: string }>;
    expect(structured.service?.name).toBe(expected.service.name);
    expect(structured.team?.name).toBe(expected.service.team.name);
    expect((structured.onCall as { name: string }[]).map((m) => m.name)).toEqual(
      expected.service.team.onCall.map((m) => m.name),
    );
    expect((structured.timeline as unknown[]).length).toBe(Math.min(20, expected.timeline.nodes.length));
    expect(context.links.map((l) => l.uri)).toEqual([`opsorch://incident/${id}`, expect.stringMatching(/^https:/)]);
  });

  it('an unknown ID is a tool error that says so, not a crash', async () => {
    const result = await callText(client, 'get-incident', { id: 'no-such-incident' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('no-such-incident');
  });

  it('query-alerts and get-alert', async () => {
    const answer = await call(client, 'query-alerts', { statuses: ['firing'], limit: 100 });
    const { alerts } = await graphql<{ alerts: Nodes }>(
      `{ alerts(filter: { statuses: [FIRING] }, first: 100) { nodes { source { nativeId } } } }`,
    );
    expect(alerts.nodes.length).toBeGreaterThan(0);
    expect(ids(answer.alerts)).toEqual(alerts.nodes.map((n) => n.source.nativeId));
    const [first] = ids(answer.alerts);
    expect((await call(client, 'get-alert', { id: first })).alert).toMatchObject({ id: first });
  });

  it('query-logs maps severityIn and search, applies field filters and keeps the deep link', async () => {
    // The mock world's clock starts at the current minute, so it runs up to a minute behind the
    // wall clock: an end it has not reached yet would be the world's own now, later on the second call.
    const range = { start: hoursAgo(6), end: hoursAgo(2 / 60) };
    const answer = await call(client, 'query-logs', { ...range, expression: { severityIn: ['error'] }, limit: 50 });
    const { logs } = await graphql<{ logs: { url: string; entries: { message: string }[] } }>(
      `query($q: LogQueryInput!) { logs(query: $q) { url entries { message } } }`,
      { q: { ...range, levels: ['ERROR'], limit: 50 } },
    );
    expect(logs.entries.length).toBeGreaterThan(0);
    expect((answer.entries as { message: string }[]).map((e) => e.message)).toEqual(logs.entries.map((e) => e.message));
    expect(answer.url).toBe(logs.url);
    for (const entry of answer.entries as { severity: string }[]) expect(entry.severity.toLowerCase()).toMatch(/err/);

    const service = (answer.entries as { service: string }[])[0]?.service as string;
    const filtered = await call(client, 'query-logs', {
      ...range,
      expression: { severityIn: ['error'], filters: [{ field: 'service', operator: '=', value: service }] },
      limit: 50,
    });
    expect((filtered.entries as unknown[]).length).toBeGreaterThan(0);
    for (const entry of filtered.entries as { service: string }[]) expect(entry.service).toBe(service);
  });

  it('query-metrics asks for the one metric named, and describe-metrics lists what exists', async () => {
    const { metricDescriptors } = await graphql<{ metricDescriptors: { name: string }[] }>(
      `{ metricDescriptors { name } }`,
    );
    const described = await call(client, 'describe-metrics', {});
    expect((described.metrics as { name: string }[]).map((m) => m.name)).toEqual(metricDescriptors.map((m) => m.name));

    const metricName = metricDescriptors[0]?.name as string;
    const answer = await call(client, 'query-metrics', {
      start: hoursAgo(1),
      end: new Date().toISOString(),
      step: 300,
      expression: { metricName, filters: [{ label: 'service', operator: '=', value: 'checkout' }] },
      scope: { service: 'checkout' },
    });
    const series = answer.series as { name: string; points: unknown[] }[];
    expect(series.length).toBeGreaterThan(0);
    for (const s of series) {
      expect(s.name).toBe(metricName);
      expect(s.points.length).toBeGreaterThan(0);
    }
  });

  it('query-tickets, get-ticket, query-deployments and get-deployment', async () => {
    const tickets = await call(client, 'query-tickets', { statuses: ['open', 'in progress'], limit: 100 });
    const { tickets: expected } = await graphql<{ tickets: Nodes }>(
      `{ tickets(filter: { statuses: [OPEN, IN_PROGRESS] }, first: 100) { nodes { source { nativeId } } } }`,
    );
    expect(ids(tickets.tickets)).toEqual(expected.nodes.map((n) => n.source.nativeId));
    const [ticketId] = ids(tickets.tickets);
    expect((await call(client, 'get-ticket', { id: ticketId })).ticket).toMatchObject({ id: ticketId });

    const deployments = await call(client, 'query-deployments', { scope: { service: 'checkout' }, limit: 5 });
    const [deployment] = deployments.deployments as { id: string; service: string; version: string }[];
    expect(deployment).toBeDefined();
    const one = await call(client, 'get-deployment', { id: deployment?.id });
    expect(one.deployment).toMatchObject({ id: deployment?.id, version: deployment?.version });
    const byVersion = await call(client, 'query-deployments', { versions: [deployment?.version], limit: 100 });
    expect((byVersion.deployments as { version: string }[]).every((d) => d.version === deployment?.version)).toBe(true);
  });

  it('services, teams, members and who is on call', async () => {
    const services = await call(client, 'query-services', { name: 'checkout' });
    const [checkout] = services.services as { id: string; name: string }[];
    expect(checkout?.name).toBe('checkout');
    const byIds = await call(client, 'query-services', { ids: [checkout?.id] });
    expect(ids(byIds.services)).toEqual([checkout?.id]);
    expect((await call(client, 'get-service', { id: 'checkout' })).service).toMatchObject({ id: checkout?.id });

    type Shift = { member: { name: string }; role: string; start: string; end: string | null };
    const { service } = await graphql<{
      service: {
        team: Node & {
          name: string;
          onCall: { name: string; onCallUntil: string | null }[];
          nextOnCall: Shift[];
          members: { name: string }[];
        };
      };
    }>(
      `query($id: ID!) { service(id: $id) { team {
      name source { nativeId } onCall { name onCallUntil } members { name }
      nextOnCall { member { name } role start end }
    } } }`,
      {
        id: Buffer.from(`Service:mock:${checkout?.id}`).toString('base64url'),
      },
    );
    const teams = await call(client, 'query-teams', { name: service.team.name });
    expect(ids(teams.teams)).toEqual([service.team.source.nativeId]);
    expect((await call(client, 'get-team', { id: service.team.source.nativeId })).team).toMatchObject({
      name: service.team.name,
    });
    const members = await call(client, 'get-team-members', { id: service.team.source.nativeId });
    expect((members.members as { name: string }[]).map((m) => m.name)).toEqual(service.team.members.map((m) => m.name));

    const onCall = await call(client, 'who-is-on-call', { service: 'checkout' });
    const [row] = onCall.onCall as {
      team: string;
      onCall: { name: string; onCallUntil?: string }[];
      nextOnCall: { member: { name: string }; role: string; start: string; end?: string }[];
    }[];
    expect(row?.team).toBe(service.team.name);
    expect(row?.onCall.map((m) => [m.name, m.onCallUntil ?? null])).toEqual(
      service.team.onCall.map((m) => [m.name, m.onCallUntil]),
    );
    // The mock keeps schedules: someone is on call until a shift ends, and someone takes over next.
    expect(row?.onCall.some((m) => m.onCallUntil !== undefined)).toBe(true);
    expect(service.team.nextOnCall.length).toBeGreaterThan(0);
    expect(row?.nextOnCall.map((s) => [s.member.name, s.role, s.start, s.end ?? null])).toEqual(
      service.team.nextOnCall.map((s) => [s.member.name, s.role, s.start, s.end]),
    );
    const byTeam = await call(client, 'who-is-on-call', { team: service.team.name });
    expect(byTeam.onCall).toEqual([
      { team: row?.team, onCall: row?.onCall, nextOnCall: row?.nextOnCall, url: expect.any(String) },
    ]);
  });

  it('list-services pages with the cursor it returns, without repeats', async () => {
    const first = await call(client, 'list-services', { limit: 3 });
    expect(typeof first.nextCursor).toBe('string');
    const second = await call(client, 'list-services', { limit: 3, cursor: first.nextCursor });
    const all = [...ids(first.services), ...ids(second.services)];
    expect(new Set(all).size).toBe(6);
  });

  it('runbooks: plans, a run started for an incident, a manual step completed, the run read back', async () => {
    const plans = await call(client, 'query-orchestration-plans', { limit: 10 });
    const plan = (plans.plans as { id: string; steps: { id: string; type: string }[] }[]).find((p) =>
      p.steps.some((s) => s.type === 'manual'),
    );
    expect(plan).toBeDefined();
    expect((await call(client, 'get-orchestration-plan', { id: plan?.id })).plan).toMatchObject({ id: plan?.id });

    const [incident] = ids((await call(client, 'query-incidents', { limit: 1 })).incidents);
    const started = await call(client, 'start-orchestration-run', { planId: plan?.id, incidentId: incident });
    const run = started.run as { id: string; planId: string; incidentId: string };
    expect(run).toMatchObject({ planId: plan?.id, incidentId: incident });

    const manual = plan?.steps.find((s) => s.type === 'manual')?.id as string;
    const completed = await call(client, 'complete-orchestration-step', {
      runId: run.id,
      stepId: manual,
      note: 'done by the agent',
    });
    const step = (completed.run as { steps: { id: string; status: string }[] }).steps.find((s) => s.id === manual);
    expect(step?.status.toLowerCase()).toMatch(/succeeded|success|completed|done/);

    const read = await call(client, 'get-orchestration-run', { id: run.id });
    expect(read.run).toMatchObject({ id: run.id });
    const runs = await call(client, 'query-orchestration-runs', { incidentId: incident, limit: 20 });
    expect(ids(runs.runs)).toContain(run.id);
  });

  it('writes: a note appended by the agent is on the timeline; acknowledge and resolve change the status', async () => {
    const [id] = ids((await call(client, 'query-incidents', { statuses: ['open'], limit: 1 })).incidents);
    const body = `agent note ${Date.now()}`;
    const appended = await call(client, 'append-incident-note', { id, body });
    expect(appended.entry).toMatchObject({ body, incidentId: id });
    const timeline = await call(client, 'get-incident-timeline', { id });
    expect((timeline.timeline as { body: string }[]).map((e) => e.body)).toContain(body);

    const acknowledged = await call(client, 'acknowledge-incident', { id, note: 'looking' });
    expect(acknowledged.incident).toMatchObject({ id, status: 'acknowledged' });
    const resolved = await call(client, 'resolve-incident', { id, note: 'fixed' });
    expect(resolved.incident).toMatchObject({ id, status: 'resolved' });
  });

  it('list-providers names what serves a capability', async () => {
    expect(await call(client, 'list-providers', { capability: 'incident' })).toEqual({ providers: ['mock'] });
  });

  it('limit 1000 stays under the answer cap and says how to narrow', async () => {
    const result = await callText(client, 'query-logs', {
      start: hoursAgo(24),
      end: new Date().toISOString(),
      limit: 1000,
    });
    expect(result.isError).toBe(false);
    expect(result.text.length).toBeLessThanOrEqual(20_000 * 4);
    expect(result.text).toMatch(/^truncated after \d+ entries .*narrow with/);
    const structured = JSON.parse(result.text.slice(result.text.indexOf('{'))) as { truncated: boolean };
    expect(structured.truncated).toBe(true);
  });

  it('serves incidents and services as resources', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['opsorch://incident/{id}', 'opsorch://service/{id}']);
    const { resources } = await client.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await client.readResource({ uri: resources[0]?.uri as string });
    const contents = read.contents[0] as { text: string };
    expect(JSON.parse(contents.text).incident.id).toBe(resources[0]?.uri.replace('opsorch://incident/', ''));
    const service = await client.readResource({ uri: 'opsorch://service/checkout' });
    expect(JSON.parse((service.contents[0] as { text: string }).text).service.name).toBe('checkout');
  });
});
