/**
 * Every protocol method with its payload shape, against a real plugin process that answers as
 * OpsOrch Core's Go schema encodes records and records each request it receives. Checks what
 * goes over the wire (exact envelope and payloads) and how Core-shaped answers are normalized.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CAPABILITIES,
  type CallContext,
  type CapabilityMap,
  type Incident,
  LIST_ORDERS,
  type Page,
  positionOf,
} from '../../../adapters/contract/index.js';
import { createPluginAdapter, type PluginAdapter } from '../../../adapters/plugin/index.js';
import { testLogger } from '../../helpers/gateway.js';
import { FIXTURES } from './plugin-gateway.js';

const CTX: CallContext = {};
const T = '2026-11-20T09:00:00.500Z';

describe('plugin protocol: methods, payloads and Core-shaped answers', () => {
  let dir: string;
  let recordTo: string;
  let adapter: PluginAdapter;
  let c: CapabilityMap;
  const sent = () =>
    readFileSync(recordTo, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plugin-protocol-'));
    recordTo = join(dir, 'requests.jsonl');
    adapter = createPluginAdapter(
      { path: `${FIXTURES}core-shapes.mjs`, capabilities: [...CAPABILITIES], recordTo, apiToken: 'xyz-secret' },
      { name: 'core', logger: testLogger },
    );
    c = adapter.capabilities as CapabilityMap;
  });
  beforeEach(() => rmSync(recordTo, { force: true }));
  afterAll(async () => {
    await adapter.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends exactly {method, config, payload} with the operator config, filters in OpsOrch words, pages by keyset', async () => {
    const [first] = await c.incident.query([{ first: 1, statuses: ['TRIGGERED'] }], CTX);
    const last = (first as Page<Incident>).nodes[0] as Incident;
    const after = positionOf(LIST_ORDERS.incidents, last);
    const [page] = await c.incident.query([{ first: 1, after, statuses: ['TRIGGERED'] }], CTX);
    const triggered = ['open', 'triggered', 'new', 'active', 'firing', 'TRIGGERED'];
    expect(sent()).toEqual([
      {
        method: 'incident.query',
        config: { recordTo, apiToken: 'xyz-secret' },
        payload: { statuses: triggered, limit: 1000 },
      },
      {
        method: 'incident.query',
        config: { recordTo, apiToken: 'xyz-secret' },
        payload: { statuses: triggered, limit: 1000 },
      },
    ]);
    expect(page).toEqual({ nodes: [], hasNextPage: false, totalCount: 1 });
    const [bad] = await c.incident.query([{ first: 1, after: { key: 'not-a-time', id: '2' } }], CTX);
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('incident: query, get, create, update ({id, input}), timeline get and append ({id, entry})', async () => {
    const [page] = await c.incident.query([{ first: 5 }], CTX);
    expect(page).toMatchObject({
      hasNextPage: false,
      totalCount: 1,
      nodes: [
        {
          id: 'p1',
          status: 'TRIGGERED',
          rawStatus: 'open',
          severity: 'HIGH',
          rawSeverity: 'sev2',
          createdAt: T,
          updatedAt: null,
          service: 'svc-plugin',
          url: null,
          assignees: [],
        },
      ],
    });
    const [found, missing] = await c.incident.getMany(['p1', 'nope'], CTX);
    expect(found).toMatchObject({ id: 'p1', status: 'ACKNOWLEDGED', severity: 'CRITICAL', metadata: { raw: true } });
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    await c.incident.create({ title: 'new one', severity: 'LOW' }, CTX);
    const updated = await c.incident.update('p1', { status: 'RESOLVED', note: 'fixed' }, CTX);
    expect(updated).toMatchObject({ status: 'RESOLVED', rawStatus: 'resolved' });
    const [timeline] = await c.incident.timelines(['p1'], CTX);
    expect(timeline).toMatchObject([
      { id: 't2', kind: 'STATUS_CHANGE', rawKind: 'status', body: 'newer', actor: null },
      { id: 't1', kind: 'NOTE', rawKind: 'note', body: 'older', actor: 'bot', incidentId: 'p1' },
    ]);
    const appended = await c.incident.appendTimeline('p1', { kind: 'NOTE', body: 'hello', actor: 'ana' }, CTX);
    expect(appended).toMatchObject({ incidentId: 'p1', kind: 'NOTE', body: 'hello', actor: 'ana' });

    const requests = sent().map((r) => [r.method, r.payload]);
    const wrote = (r: unknown[]) => r[0] === 'incident.timeline.append';
    const notes = requests.filter(wrote).map((r) => (r[1] as { entry: { at: string } }).entry.at);
    const stamped = requests.find((r) => r[0] === 'incident.update')?.[1] as {
      input: { fields: { resolvedAt: string } };
    };
    expect(new Date(stamped.input.fields.resolvedAt).toISOString()).toBe(stamped.input.fields.resolvedAt);
    expect(requests).toEqual([
      ['incident.query', { limit: 1000 }],
      ['incident.get', { id: 'p1' }],
      ['incident.get', { id: 'nope' }],
      ['incident.create', { title: 'new one', status: 'open', severity: 'sev4' }],
      // OpsOrch keeps no resolved time: it is stamped into the stored `fields`, which an update replaces whole.
      ['incident.get', { id: 'p1' }],
      [
        'incident.update',
        { id: 'p1', input: { status: 'resolved', fields: { resolvedAt: stamped.input.fields.resolvedAt } } },
      ],
      // OpsOrch has no note on an update: it goes on the timeline, then is read back for its provider ID.
      ['incident.timeline.append', { id: 'p1', entry: { at: notes[0], kind: 'note', body: 'fixed' } }],
      ['incident.timeline.get', { id: 'p1' }],
      ['incident.timeline.get', { id: 'p1' }],
      [
        'incident.timeline.append',
        { id: 'p1', entry: { at: appended.at, kind: 'note', body: 'hello', actor: { name: 'ana', type: 'user' } } },
      ],
      ['incident.timeline.get', { id: 'p1' }],
    ]);
  });

  it('alert, log and metric', async () => {
    const [alerts] = await c.alert.query([{ first: 1 }], CTX);
    expect(alerts).toMatchObject({
      nodes: [{ status: 'FIRING', severity: 'CRITICAL', startsAt: T, url: 'https://alerts.example.com/a1' }],
    });
    expect(await c.alert.getMany(['a1'], CTX)).toMatchObject([{ id: 'a1', status: 'RESOLVED', severity: 'MEDIUM' }]);
    const logQuery = {
      query: 'boom',
      levels: ['ERROR' as const],
      start: '2026-11-20T08:00:00Z',
      end: '2026-11-20T10:00:00Z',
      limit: 1,
    };
    const [logs] = await c.log.query([logQuery], CTX);
    expect(logs).toEqual({
      entries: [
        {
          timestamp: '2026-11-20T09:01:00.000Z',
          message: 'boom',
          level: 'ERROR',
          rawLevel: 'error',
          service: 'svc',
          labels: { pod: 'p-1' },
          url: null,
        },
      ],
      url: 'https://logs.example.com/q',
      truncated: true,
    });
    const metricQuery = {
      name: 'cpu',
      labels: [{ name: 'host', value: 'h1', op: 'EQ' as const }],
      aggregation: 'AVG' as const,
      start: T,
      end: T,
      step: 60,
    };
    const [series] = await c.metric.query([metricQuery], CTX);
    expect(series).toEqual([
      { name: 'cpu', labels: { host: 'h1', core: '2' }, unit: null, points: [{ timestamp: T, value: 1.5 }], url: null },
    ]);
    const [descriptors] = await c.metric.describe([{ service: 'svc' }], CTX);
    expect(descriptors).toEqual([
      { name: 'http_requests_total', type: 'COUNTER', help: 'requests', unit: null, labels: ['code'] },
    ]);
    expect(sent().map((r) => [r.method, r.payload])).toEqual([
      ['alert.query', { limit: 1000 }],
      ['alert.get', { id: 'a1' }],
      [
        'log.query',
        {
          expression: { search: 'boom', severityIn: ['error'] },
          start: logQuery.start,
          end: logQuery.end,
          limit: 1,
        },
      ],
      [
        'metric.query',
        {
          expression: {
            metricName: 'cpu',
            aggregation: 'avg',
            filters: [{ label: 'host', operator: '=', value: 'h1' }],
          },
          start: T,
          end: T,
          step: 60,
        },
      ],
      ['metric.describe', { service: 'svc' }],
    ]);
  });

  it('ticket and messaging', async () => {
    const [tickets] = await c.ticket.query([{ first: 1, incidentId: 'p1' }], CTX);
    expect(tickets).toMatchObject({
      nodes: [
        {
          key: 'OPS-1',
          status: 'IN_PROGRESS',
          rawStatus: 'In Progress',
          priority: 'HIGH',
          rawPriority: 'P1',
          service: 'svc-1',
          incidentIds: ['p1'],
          assignee: 'ana',
          reporter: 'bo',
        },
      ],
    });
    expect(await c.ticket.getMany(['OPS-1'], CTX)).toMatchObject([
      { key: 'OPS-1', status: 'DONE', priority: 'UNKNOWN' },
    ]);
    expect(await c.ticket.create({ title: 'T' }, CTX)).toMatchObject({ key: 'OPS-2', status: 'OPEN' });
    expect(await c.ticket.update('OPS-1', { status: 'CANCELLED' }, CTX)).toMatchObject({ status: 'CANCELLED' });
    expect(await c.messaging.send({ channel: '#ops', body: 'hi' }, CTX)).toMatchObject({
      id: 'm1',
      channel: '#ops',
      body: 'hi',
      sentAt: T,
    });
    expect(sent().map((r) => [r.method, r.payload])).toEqual([
      ['ticket.query', { limit: 1000 }],
      ['ticket.get', { id: 'OPS-1' }],
      ['ticket.create', { title: 'T' }],
      ['ticket.update', { id: 'OPS-1', input: { status: 'cancelled' } }],
      ['messaging.send', { channel: '#ops', body: 'hi' }],
    ]);
  });

  it('service (batch by ids in one query), deployment and team ({teamID})', async () => {
    const services = await c.service.getMany(['svc-2', 'svc-9', 'svc-1'], CTX);
    expect(services).toMatchObject([
      { id: 'svc-2', name: 'search', team: null },
      { code: 'NOT_FOUND' },
      { id: 'svc-1', name: 'checkout', team: 'payments', environment: 'prod', tier: '1' },
    ]);
    const [deployments] = await c.deployment.query([{ first: 1 }], CTX);
    expect(deployments).toMatchObject({
      nodes: [{ status: 'SUCCEEDED', rawStatus: 'success', finishedAt: null, author: 'ci-bot', commit: 'abc123' }],
    });
    expect(await c.deployment.getMany(['d1'], CTX)).toMatchObject([{ status: 'PENDING' }]);
    const [teams] = await c.team.query([{ first: 1 }], CTX);
    expect(teams).toMatchObject({
      nodes: [{ id: 'payments', name: 'Payments', fields: { parent: 'engineering' } }],
    });
    expect(await c.team.getMany(['payments'], CTX)).toMatchObject([{ name: 'Payments' }]);
    const [members] = await c.team.members(['payments'], CTX);
    expect(members).toMatchObject([
      { id: 'ana', name: 'Ana', onCallRole: 'primary' },
      { id: 'bo', name: 'bo@example.com', onCallRole: null },
    ]);
    expect(sent().map((r) => [r.method, r.payload])).toEqual([
      ['service.query', { ids: ['svc-2', 'svc-9', 'svc-1'], limit: 3 }],
      ['deployment.query', { limit: 1000 }],
      ['deployment.get', { id: 'd1' }],
      ['team.query', { limit: 1000 }],
      ['team.get', { id: 'payments' }],
      ['team.members', { teamID: 'payments' }],
    ]);
  });

  it('orchestration and secret', async () => {
    const [plans] = await c.orchestration.queryPlans([{ first: 1 }], CTX);
    expect(plans).toMatchObject({
      nodes: [
        {
          name: 'Restart checkout',
          service: 'checkout',
          steps: [
            { id: 's1', name: 'Check dashboards', kind: 'MANUAL' },
            { id: 's2', name: 'Restart', kind: 'AUTOMATED' },
          ],
        },
      ],
    });
    expect(await c.orchestration.getPlans(['plan-1'], CTX)).toMatchObject([{ id: 'plan-1' }]);
    const [runs] = await c.orchestration.queryRuns([{ first: 1 }], CTX);
    expect(runs).toMatchObject({
      nodes: [
        {
          status: 'WAITING',
          rawStatus: 'blocked',
          startedAt: T,
          steps: [
            { id: 's1', name: 'Check dashboards', kind: 'MANUAL', status: 'SUCCEEDED', actor: 'ana', completedAt: T },
          ],
        },
      ],
    });
    expect(await c.orchestration.getRuns(['run-1'], CTX)).toMatchObject([{ status: 'SUCCEEDED' }]);
    expect(await c.orchestration.startRun({ planId: 'plan-1', incidentId: 'p1' }, CTX)).toMatchObject({
      id: 'run-2',
      status: 'PENDING',
    });
    const step = { runId: 'run-1', stepId: 's2', outcome: 'SUCCEEDED' as const, note: 'ok' };
    expect(await c.orchestration.completeStep(step, CTX)).toMatchObject({ status: 'SUCCEEDED' });
    expect(await c.secret.get('db/password', CTX)).toBe('value-of-db/password');
    await c.secret.put?.('db/password', 'new', CTX);
    expect(sent().map((r) => [r.method, r.payload])).toEqual([
      ['orchestration.plans.query', { limit: 1000 }],
      ['orchestration.plans.get', { planId: 'plan-1' }],
      ['orchestration.runs.query', { limit: 1000 }],
      // Run steps name only a step ID: the plan names them.
      ['orchestration.plans.get', { planId: 'plan-1' }],
      ['orchestration.runs.get', { runId: 'run-1' }],
      ['orchestration.runs.start', { planId: 'plan-1' }],
      ['orchestration.runs.steps.complete', { runId: 'run-1', stepId: 's2', actor: '', note: 'ok' }],
      ['orchestration.runs.get', { runId: 'run-1' }],
      ['secret.get', { key: 'db/password' }],
      ['secret.put', { key: 'db/password', value: 'new' }],
    ]);
  });
});
