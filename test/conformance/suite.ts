/**
 * The adapter conformance suite: the contract every adapter and every plugin must keep, as vitest
 * tests that any adapter factory can be run against. It checks the contract directly (page shape,
 * keyset paging, batch length and order, per-item NOT_FOUND, closed enums, RFC 3339 UTC timestamps,
 * deep links) and then through the real gateway over HTTP (connections and node(id) round trips).
 * Tests are registered for the capabilities the target names (vitest collects tests before any
 * adapter exists); `writes` opts into incident writes, which change the provider's data.
 *
 *   describeConformance({ name: 'my-provider', capabilities: ['incident'], create: () => createMyAdapter(config, env) });
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Adapter,
  AdapterError,
  type CallContext,
  type Capability,
  type Incident,
  type ListOrder,
  type ListPosition,
  type LogLevel,
  type Page,
  type PageRequest,
  positionOf,
  type Result,
  sortInOrder,
} from '../../adapters/contract/index.js';
import { orderOf } from '../../src/data/merge.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gqlData } from '../helpers/graphql.js';

export interface ConformanceTarget {
  /** Provider instance name the gateway serves the adapter under. */
  name: string;
  /** What the adapter serves; the suite checks the adapter declares at least these. */
  capabilities: Capability[];
  /** A fresh adapter; the suite closes it afterwards. */
  create(): Promise<Adapter>;
  /** Exercise incident create, update and timeline append (they change the provider's data). */
  writes?: boolean;
  /** The provider's "now", for time-window queries (logs, metrics); the wall clock by default. */
  now?: () => number;
}

const CTX: CallContext = {};
const MISSING_ID = 'conformance-no-such-record-8d1f';

const ENUMS = {
  incidentStatus: ['TRIGGERED', 'ACKNOWLEDGED', 'MITIGATED', 'RESOLVED', 'UNKNOWN'],
  severity: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'UNKNOWN'],
  alertStatus: ['FIRING', 'ACKNOWLEDGED', 'SILENCED', 'INHIBITED', 'RESOLVED', 'UNKNOWN'],
  ticketStatus: ['OPEN', 'IN_PROGRESS', 'BLOCKED', 'DONE', 'CANCELLED', 'UNKNOWN'],
  ticketPriority: ['HIGHEST', 'HIGH', 'MEDIUM', 'LOW', 'LOWEST', 'UNKNOWN'],
  deploymentStatus: ['PENDING', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'CANCELLED', 'UNKNOWN'],
  runStatus: ['PENDING', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'UNKNOWN'],
  logLevel: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'UNKNOWN'],
  metricType: ['COUNTER', 'GAUGE', 'HISTOGRAM', 'SUMMARY', 'UNKNOWN'],
  timelineKind: [
    'CREATED',
    'NOTE',
    'STATUS_CHANGE',
    'SEVERITY_CHANGE',
    'ASSIGNMENT',
    'ESCALATION',
    'NOTIFICATION',
    'ALERT',
    'DEPLOYMENT',
    'MESSAGE',
    'OTHER',
  ],
} as const;

type Rec = { id: string; url: string | null } & Record<string, unknown>;

function expectTimestamp(value: unknown, what: string): void {
  expect(typeof value, what).toBe('string');
  expect(value as string, what).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  expect(Number.isNaN(Date.parse(value as string)), what).toBe(false);
}

function expectOptionalTimestamp(value: unknown, what: string): void {
  if (value !== null && value !== undefined) expectTimestamp(value, what);
}

function expectRecord(record: Rec, what: string): void {
  expect(typeof record.id, `${what}.id`).toBe('string');
  expect(record.id.length, `${what}.id`).toBeGreaterThan(0);
  if (record.url !== null) expect(record.url, `${what}.url`).toMatch(/^https?:\/\/\S+$/);
  for (const extra of ['fields', 'metadata']) {
    const value = record[extra];
    if (value !== undefined && value !== null) expect(typeof value, `${what}.${extra}`).toBe('object');
  }
}

function expectOneOf(value: unknown, allowed: readonly string[], what: string): void {
  expect(allowed, `${what} = ${JSON.stringify(value)}`).toContain(value);
}

interface ListKind {
  capability: Capability;
  label: string;
  /** Root connection field and GraphQL type, for the gateway checks. */
  field: string;
  type: string;
  /** The contract's order of the list. */
  order: ListOrder<Rec>;
  query(adapter: Adapter, queries: PageRequest[]): Promise<Result<Page<Rec>>[]>;
  get(adapter: Adapter, ids: string[]): Promise<Result<Rec>[]>;
  check(record: Rec): void;
  /** Status filter: field on the record and query key. */
  status?: { field: string; key: string };
}

/** Contract calls through an untyped lens: each kind's query and record types differ. */
type Loose = Record<string, (...args: unknown[]) => Promise<unknown>>;
function op(adapter: Adapter, capability: Capability, name: string): (...args: unknown[]) => Promise<unknown> {
  const impl = adapter.capabilities[capability] as unknown as Loose;
  return (...args) => impl[name]?.(...args) as Promise<unknown>;
}

function listKind(
  capability: Capability,
  label: string,
  field: string,
  type: string,
  ops: { query: string; get: string },
  check: (record: Rec) => void,
  status?: { field: string; key: string },
): ListKind {
  return {
    capability,
    label,
    field,
    type,
    order: orderOf<Rec>(capability, ops.query),
    query: (adapter, queries) => op(adapter, capability, ops.query)(queries, CTX) as Promise<Result<Page<Rec>>[]>,
    get: (adapter, ids) => op(adapter, capability, ops.get)(ids, CTX) as Promise<Result<Rec>[]>,
    check,
    ...(status ? { status } : {}),
  };
}

const KINDS: ListKind[] = [
  listKind(
    'incident',
    'incidents',
    'incidents',
    'Incident',
    { query: 'query', get: 'getMany' },
    (r) => {
      expect(typeof r.title).toBe('string');
      expectOneOf(r.status, ENUMS.incidentStatus, 'incident.status');
      expectOneOf(r.severity, ENUMS.severity, 'incident.severity');
      expectTimestamp(r.createdAt, 'incident.createdAt');
      for (const k of ['updatedAt', 'acknowledgedAt', 'resolvedAt']) expectOptionalTimestamp(r[k], `incident.${k}`);
      expect(Array.isArray(r.assignees), 'incident.assignees').toBe(true);
    },
    { field: 'status', key: 'statuses' },
  ),
  listKind(
    'alert',
    'alerts',
    'alerts',
    'Alert',
    { query: 'query', get: 'getMany' },
    (r) => {
      expectOneOf(r.status, ENUMS.alertStatus, 'alert.status');
      expectOneOf(r.severity, ENUMS.severity, 'alert.severity');
      expectTimestamp(r.startsAt, 'alert.startsAt');
      expectOptionalTimestamp(r.endsAt, 'alert.endsAt');
    },
    { field: 'status', key: 'statuses' },
  ),
  listKind(
    'ticket',
    'tickets',
    'tickets',
    'Ticket',
    { query: 'query', get: 'getMany' },
    (r) => {
      expect(typeof r.key).toBe('string');
      expectOneOf(r.status, ENUMS.ticketStatus, 'ticket.status');
      expectOneOf(r.priority, ENUMS.ticketPriority, 'ticket.priority');
      expectTimestamp(r.createdAt, 'ticket.createdAt');
      expect(Array.isArray(r.incidentIds), 'ticket.incidentIds').toBe(true);
    },
    { field: 'status', key: 'statuses' },
  ),
  listKind('service', 'services', 'services', 'Service', { query: 'query', get: 'getMany' }, (r) => {
    expect(typeof r.name).toBe('string');
    expect((r.name as string).length).toBeGreaterThan(0);
  }),
  listKind('team', 'teams', 'teams', 'Team', { query: 'query', get: 'getMany' }, (r) => {
    expect(typeof r.name).toBe('string');
  }),
  listKind(
    'deployment',
    'deployments',
    'deployments',
    'Deployment',
    { query: 'query', get: 'getMany' },
    (r) => {
      expectOneOf(r.status, ENUMS.deploymentStatus, 'deployment.status');
      expectTimestamp(r.startedAt, 'deployment.startedAt');
      expectOptionalTimestamp(r.finishedAt, 'deployment.finishedAt');
    },
    { field: 'status', key: 'statuses' },
  ),
  listKind(
    'orchestration',
    'orchestration plans',
    'orchestrationPlans',
    'OrchestrationPlan',
    { query: 'queryPlans', get: 'getPlans' },
    (r) => {
      expect(typeof r.name).toBe('string');
      expect(Array.isArray(r.steps), 'plan.steps').toBe(true);
    },
  ),
  listKind(
    'orchestration',
    'orchestration runs',
    'orchestrationRuns',
    'OrchestrationRun',
    { query: 'queryRuns', get: 'getRuns' },
    (r) => {
      expect(typeof r.planId).toBe('string');
      expectOneOf(r.status, ENUMS.runStatus, 'run.status');
      expectTimestamp(r.startedAt, 'run.startedAt');
    },
    { field: 'status', key: 'statuses' },
  ),
];

function ok<T>(result: Result<T> | undefined, what: string): T {
  if (result === undefined) throw new Error(`${what}: missing result`);
  if (result instanceof Error) throw new Error(`${what}: ${result.message}`);
  return result;
}

/** Walks a list in pages of `size`, at most `max` records. */
async function walk(kind: ListKind, adapter: Adapter, size: number, max: number): Promise<Rec[]> {
  const seen: Rec[] = [];
  let after: ListPosition | undefined;
  for (;;) {
    const [result] = await kind.query(adapter, [{ first: size, ...(after === undefined ? {} : { after }) }]);
    const page = ok(result, `${kind.label} page`);
    expect(page.nodes.length).toBeLessThanOrEqual(size);
    seen.push(...page.nodes);
    if (!page.hasNextPage || seen.length >= max) return seen;
    expect(page.nodes.length, 'a page that says more follow is full').toBe(size);
    after = positionOf(kind.order, page.nodes.at(-1) as Rec);
  }
}

export function describeConformance(target: ConformanceTarget): void {
  describe(`adapter conformance: ${target.name}`, () => {
    let adapter: Adapter;
    let gateway: TestGateway;

    beforeAll(async () => {
      adapter = await target.create();
      gateway = await startTestGateway([{ name: target.name, adapter }]);
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    it('declares the capabilities it serves and reports health in the closed set', async () => {
      expect(Object.keys(adapter.capabilities)).toEqual(expect.arrayContaining(target.capabilities));
      expect(typeof adapter.kind).toBe('string');
      const health = await adapter.checkHealth(CTX);
      expectOneOf(health.status, ['HEALTHY', 'DEGRADED', 'DOWN', 'UNKNOWN'], 'health.status');
    });

    const serves = (capability: Capability) => target.capabilities.includes(capability);

    for (const kind of KINDS.filter((k) => serves(k.capability))) {
      describe(kind.label, () => {
        it('answers a batch of queries with one page per query, records in normalized shape', async () => {
          const results = await kind.query(adapter, [{ first: 3 }, { first: 1 }]);
          expect(results).toHaveLength(2);
          const [big, small] = [ok(results[0], 'query 1'), ok(results[1], 'query 2')];
          expect(big.nodes.length).toBeGreaterThan(0);
          expect(small.nodes).toHaveLength(1);
          expect(small.nodes[0]?.id).toBe(big.nodes[0]?.id);
          for (const node of big.nodes) {
            expectRecord(node, kind.label);
            kind.check(node);
          }
          if (big.totalCount !== null && big.totalCount !== undefined) {
            expect(big.totalCount).toBeGreaterThanOrEqual(big.nodes.length);
          }
        });

        it('pages deterministically: walking with cursors yields the same records as one big page', async () => {
          const [result] = await kind.query(adapter, [{ first: 40 }]);
          const wholePage = ok(result, 'big page').nodes;
          expect(
            wholePage.map((r) => r.id),
            "in the contract's order",
          ).toEqual(sortInOrder(wholePage, kind.order).map((r) => r.id));
          const whole = wholePage.map((r) => r.id);
          const walked = (await walk(kind, adapter, 2, whole.length)).map((r) => r.id);
          expect(walked.slice(0, whole.length)).toEqual(whole.slice(0, walked.length));
          expect(new Set(walked).size).toBe(walked.length);
        });

        it('gets a batch by ID: same length and order, duplicates allowed, NOT_FOUND per missing item', async () => {
          const [result] = await kind.query(adapter, [{ first: 2 }]);
          const ids = ok(result, 'page').nodes.map((r) => r.id);
          const first = ids[0] as string;
          const last = ids.at(-1) as string;
          const got = await kind.get(adapter, [last, MISSING_ID, first, last]);
          expect(got).toHaveLength(4);
          expect(ok(got[0], 'get 0').id).toBe(last);
          expect(ok(got[2], 'get 2').id).toBe(first);
          expect(ok(got[3], 'get 3').id).toBe(last);
          expect(got[1]).toBeInstanceOf(AdapterError);
          expect((got[1] as AdapterError).code).toBe('NOT_FOUND');
          kind.check(ok(got[0], 'get 0'));
        });

        if (kind.status) {
          const status = kind.status;
          it('filters by status', async () => {
            const [result] = await kind.query(adapter, [{ first: 1 }]);
            const wanted = ok(result, 'page').nodes[0]?.[status.field];
            const [filtered] = await kind.query(adapter, [{ first: 20, [status.key]: [wanted] } as PageRequest]);
            const page = ok(filtered, 'filtered page');
            expect(page.nodes.length).toBeGreaterThan(0);
            for (const node of page.nodes) expect(node[status.field]).toBe(wanted);
          });
        }

        it('serves the list and node(id) through the gateway', async () => {
          const data = await gqlData<
            Record<string, { edges: { cursor: string; node: { id: string; url: string | null } }[] }>
          >(
            gateway.url,
            `{ list: ${kind.field}(first: 2) { edges { cursor node { id url source { provider nativeId } } } } }`,
          );
          const edge = data.list?.edges[0];
          expect(edge).toBeDefined();
          const node = await gqlData<{ node: { __typename: string; id: string; source: { provider: string } } }>(
            gateway.url,
            `query($id: ID!) { node(id: $id) { __typename id ... on ${kind.type} { source { provider } } } }`,
            { id: edge?.node.id },
          );
          expect(node.node).toEqual({ __typename: kind.type, id: edge?.node.id, source: { provider: target.name } });
        });
      });
    }

    if (serves('incident')) {
      describe('incident timelines', () => {
        it('returns each incident its own timeline, newest first, NOT_FOUND for a missing incident', async () => {
          const incidents = adapter.capabilities.incident!;
          const [page] = await incidents.query([{ first: 2 }], CTX);
          const ids = ok(page, 'incidents').nodes.map((r) => r.id);
          const timelines = await incidents.timelines([...ids, MISSING_ID], CTX);
          expect(timelines).toHaveLength(ids.length + 1);
          ids.forEach((id, i) => {
            const entries = ok(timelines[i], `timeline ${id}`);
            for (const entry of entries) {
              expect(entry.incidentId).toBe(id);
              expectOneOf(entry.kind, ENUMS.timelineKind, 'timeline.kind');
              expectTimestamp(entry.at, 'timeline.at');
              expect(typeof entry.body).toBe('string');
            }
            const times = entries.map((e) => Date.parse(e.at));
            expect(times).toEqual([...times].sort((a, b) => b - a));
          });
          expect((timelines.at(-1) as AdapterError).code).toBe('NOT_FOUND');
        });
      });
    }

    if (serves('team')) {
      describe('team members', () => {
        it('returns members per team, in batch order', async () => {
          const teams = adapter.capabilities.team!;
          const [page] = await teams.query([{ first: 2 }], CTX);
          const ids = ok(page, 'teams').nodes.map((r) => r.id);
          const members = await teams.members(ids, CTX);
          expect(members).toHaveLength(ids.length);
          for (const list of members) {
            for (const member of ok(list, 'members')) {
              expect(typeof member.name).toBe('string');
              if (member.url !== null) expect(member.url).toMatch(/^https?:\/\//);
            }
          }
        });
      });
    }

    if (serves('log')) {
      describe('logs', () => {
        const window = () => {
          const end = (target.now ?? Date.now)();
          return { start: new Date(end - 24 * 3_600_000).toISOString(), end: new Date(end).toISOString() };
        };

        it('answers a batch of log queries: newest first, within the limit, levels normalized', async () => {
          const logs = adapter.capabilities.log!;
          const results = await logs.query(
            [
              { ...window(), limit: 5 },
              { ...window(), limit: 1 },
            ],
            CTX,
          );
          expect(results).toHaveLength(2);
          const [big, small] = [ok(results[0], 'logs 1'), ok(results[1], 'logs 2')];
          expect(big.entries.length).toBeGreaterThan(0);
          expect(big.entries.length).toBeLessThanOrEqual(5);
          expect(small.entries).toHaveLength(1);
          for (const entry of big.entries) {
            expectTimestamp(entry.timestamp, 'log.timestamp');
            expectOneOf(entry.level, ENUMS.logLevel, 'log.level');
            expect(typeof entry.message).toBe('string');
            if (entry.url !== null) expect(entry.url).toMatch(/^https?:\/\/\S+$/);
          }
          const times = big.entries.map((e) => Date.parse(e.timestamp));
          expect(times).toEqual([...times].sort((a, b) => b - a));
          if (big.url !== null) expect(big.url).toMatch(/^https?:\/\/\S+$/);
        });

        it('filters by level', async () => {
          const logs = adapter.capabilities.log!;
          const [all] = await logs.query([{ ...window(), limit: 50 }], CTX);
          const level = ok(all, 'logs').entries.find((e) => e.level !== 'UNKNOWN')?.level;
          expect(level).toBeDefined();
          const [filtered] = await logs.query([{ ...window(), limit: 50, levels: [level as LogLevel] }], CTX);
          const entries = ok(filtered, 'filtered logs').entries;
          expect(entries.length).toBeGreaterThan(0);
          for (const entry of entries) expect(entry.level).toBe(level);
        });
      });
    }

    if (serves('metric')) {
      describe('metrics', () => {
        it('describes its metrics and answers a query for one of them with that metric only', async () => {
          const metrics = adapter.capabilities.metric!;
          const [described] = await metrics.describe([{}], CTX);
          const descriptors = ok(described, 'descriptors');
          expect(descriptors.length).toBeGreaterThan(0);
          for (const d of descriptors) {
            expect(typeof d.name).toBe('string');
            expectOneOf(d.type, ENUMS.metricType, 'metric.type');
            expect(Array.isArray(d.labels)).toBe(true);
          }
          const name = descriptors[0]?.name as string;
          const end = new Date((target.now ?? Date.now)());
          const start = new Date(end.getTime() - 3_600_000);
          const [answered] = await metrics.query(
            [{ name, start: start.toISOString(), end: end.toISOString(), step: 60 }],
            CTX,
          );
          const series = ok(answered, 'series');
          expect(series.length).toBeGreaterThan(0);
          for (const s of series) {
            expect(s.name).toBe(name);
            for (const point of s.points) {
              expectTimestamp(point.timestamp, 'metric.point.timestamp');
              if (point.value !== null) expect(Number.isFinite(point.value)).toBe(true);
            }
          }
        });
      });
    }

    if (serves('messaging')) {
      describe('messaging', () => {
        it('sends a message and answers with its id, channel and time', async () => {
          const sent = await adapter.capabilities.messaging!.send({ channel: '#conformance', body: 'hello' }, CTX);
          expect(sent.id.length).toBeGreaterThan(0);
          expect(sent.channel).toBe('#conformance');
          expectTimestamp(sent.sentAt, 'message.sentAt');
          if (sent.url !== null) expect(sent.url).toMatch(/^https?:\/\/\S+$/);
        });
      });
    }

    if (serves('secret')) {
      describe('secrets', () => {
        it('reads back what it stores and answers NOT_FOUND for a missing key', async () => {
          const secrets = adapter.capabilities.secret!;
          if (secrets.put) {
            await secrets.put('conformance/key', 's3cret-value', CTX);
            expect(await secrets.get('conformance/key', CTX)).toBe('s3cret-value');
          }
          await expect(secrets.get(MISSING_ID, CTX)).rejects.toMatchObject({ code: 'NOT_FOUND' });
        });
      });
    }

    if (serves('incident') && target.writes === true) {
      describe('incident writes', () => {
        it('creates, updates and appends to the timeline, and reads its own writes (the entry under its stored ID)', async () => {
          const incidents = adapter.capabilities.incident!;
          const created: Incident = await incidents.create(
            { title: 'Conformance: disk full on db-1', severity: 'HIGH', assignees: [] },
            CTX,
          );
          expectRecord(created as unknown as Rec, 'created incident');
          expect(created.title).toBe('Conformance: disk full on db-1');
          expect(created.severity).toBe('HIGH');
          expectOneOf(created.status, ['TRIGGERED'], 'new incident status');

          const updated = await incidents.update(created.id, { status: 'ACKNOWLEDGED' }, CTX);
          expect(updated.id).toBe(created.id);
          expect(updated.status).toBe('ACKNOWLEDGED');
          const [fetched] = await incidents.getMany([created.id], CTX);
          expect(ok(fetched, 'fetched').status).toBe('ACKNOWLEDGED');

          const entry = await incidents.appendTimeline(created.id, { kind: 'NOTE', body: 'conformance note' }, CTX);
          expect(entry.body).toBe('conformance note');
          expect(entry.kind).toBe('NOTE');
          const [timeline] = await incidents.timelines([created.id], CTX);
          expect(
            ok(timeline, 'timeline')
              .filter((e) => e.body === 'conformance note')
              .map((e) => e.id),
          ).toEqual([entry.id]);

          await expect(incidents.update(MISSING_ID, { status: 'RESOLVED' }, CTX)).rejects.toMatchObject({
            code: 'NOT_FOUND',
          });
        });
      });
    }
  });
}
