import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import { LISTED_REMEMBERED } from '../../../src/data/capabilities/incidents.js';
import { CACHE_OFF } from '../../../src/data/read-cache.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { firstIncidentId, gql, gqlData } from '../../helpers/graphql.js';
import { scrape, total } from '../../helpers/metrics.js';
import { slowReads, untilTrue } from '../../helpers/slow-reads.js';
import { type HeldCall, waveStepper } from '../../helpers/waves.js';
import { type Operation, wrapAdapter } from '../../helpers/wrap-adapter.js';

/** Everything a console's incident page shows, in one request (as `bench/queries.ts` sends it). */
const INCIDENT_PAGE = `query IncidentPage($id: ID!) {
  incident(id: $id) {
    id title description status severity createdAt resolvedAt assignees url
    window { start end }
    service {
      name tier environment url
      team { name members { name email role onCall onCallRole } }
    }
    team { name handle members { name } onCall { name handle onCallRole } }
    timeline(first: 50) { totalCount edges { node { kind body actor at } } }
    alerts(first: 20) {
      totalCount
      edges { node { id title status severity startsAt endsAt labels url service { name tier } } }
    }
    tickets(first: 20) {
      totalCount
      edges { node { key title status priority assignee url incidents { id title status } service { name } } }
    }
    deployments(first: 20) { totalCount edges { node { version status startedAt author commit service { name } } } }
    metrics(names: ["http_requests_total", "http_errors_total"]) { name labels unit points { timestamp value } }
    logs(limit: 50) { truncated entries { timestamp level message service } }
  }
}`;

let gateway: TestGateway;
let log: CallLog;
let incidentId: string;

beforeAll(async () => {
  // Every call takes a few milliseconds, as a provider's does: a read made "while the incident is
  // still being read" needs the incident's read to take any time at all.
  const counted = countingAdapter(await mockAdapter({ latencyMs: 5 }));
  log = counted.log;
  gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }]);
  const { incidents } = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
    gateway.url,
    '{ incidents(first: 1) { nodes { id } } }',
  );
  incidentId = incidents.nodes[0]?.id as string;
});
afterAll(async () => {
  await gateway?.stop();
});
beforeEach(() => log.reset());

const started = (capability: string, op: string) =>
  log.calls.filter((c) => c.capability === capability && c.op === op).map((c) => c.settledBefore);

/**
 * The global IDs of the adapter's first incidents, asked of the adapter itself: a list through the
 * gateway would remember its records for the look-ahead, and a page of one would be no first visit.
 */
async function incidentIds(adapter: Adapter, count: number): Promise<string[]> {
  const [page] = (await adapter.capabilities.incident?.query([{ first: count }], {})) ?? [];
  if (page === undefined || page instanceof Error) throw new Error('the mock lists no incidents');
  return page.nodes.map((incident) => toGlobalId('Incident', 'mock', incident.id));
}

describe('reads that need only the incident ID start with the incident', () => {
  it('asks for the timeline, tickets and runs while the incident itself is still being read, each once', async () => {
    const data = await gqlData<{ incident: { timeline: { totalCount: number }; tickets: { nodes: unknown[] } } }>(
      gateway.url,
      `query ($id: ID!) { incident(id: $id) {
         title
         ...Panels
         runs: orchestrationRuns(first: 5) { nodes { id } }
       } }
       fragment Panels on Incident { timeline(first: 10) { totalCount } tickets(first: 5) { nodes { key } } }`,
      { id: incidentId },
    );
    expect(data.incident.timeline.totalCount).toBeGreaterThan(0);
    expect(started('incident', 'getMany')).toEqual([0]);
    expect(started('incident', 'timelines')).toEqual([0]);
    expect(started('ticket', 'query')).toEqual([0]);
    expect(started('orchestration', 'queryRuns')).toEqual([0]);
  });

  it('starts a child whose arguments are variables with the values of each request', async () => {
    // Literal arguments are coerced once per document; these must not be.
    const { incidents } = await gqlData<{ incidents: { nodes: { id: string; alerts: { totalCount: number } }[] } }>(
      gateway.url,
      '{ incidents(first: 50) { nodes { id alerts(first: 2) { totalCount } } } }',
    );
    const id = incidents.nodes.find((incident) => incident.alerts.totalCount >= 2)?.id;
    expect(id).toBeDefined();
    const PAGE = `query ($id: ID!, $n: Int!) { incident(id: $id) { title alerts(first: $n) { nodes { id } } } }`;
    for (const n of [1, 2]) {
      log.reset();
      const data = await gqlData<{ incident: { alerts: { nodes: unknown[] } } }>(gateway.url, PAGE, { id, n });
      expect(data.incident.alerts.nodes).toHaveLength(n);
      // One read, begun the moment the incident arrived: the early start asked for this page size.
      expect(started('alert', 'query')).toHaveLength(1);
    }
  });

  it('asks for the incident before its early children, and for a team before its members', async () => {
    // A provider that answers one call at a time (an OpsOrch plugin) answers in this order, and
    // everything else on the page waits for the incident, not for its timeline.
    await gqlData(
      gateway.url,
      `query ($id: ID!) { incident(id: $id) {
         timeline(first: 5) { totalCount } tickets(first: 5) { totalCount } team { name members { name } }
       } }`,
      { id: incidentId },
    );
    const order = log.calls.map((c) => `${c.capability}.${c.op}`);
    expect(order[0]).toBe('incident.getMany');
    const team = order.findIndex((c) => c.startsWith('team.') && c !== 'team.membersByReference');
    expect(team).toBeGreaterThan(0);
    expect(team).toBeLessThan(order.indexOf('team.membersByReference'));
  });

  it('answers an incident that does not exist with one error, at the incident, whatever the early reads met', async () => {
    const unknown = toGlobalId('Incident', 'mock', 'INC-does-not-exist');
    const body = await gql<{ incident: unknown }>(
      gateway.url,
      'query ($id: ID!) { incident(id: $id) { title timeline(first: 5) { totalCount } } }',
      { id: unknown },
    );
    expect(body.data?.incident).toBeNull();
    expect(body.errors?.map((e) => e.path)).toEqual([['incident']]);
  });

  it('starts nothing a @skip or @include leaves out, and nothing for an invalid page size', async () => {
    await gqlData(
      gateway.url,
      `query ($id: ID!, $no: Boolean!) { incident(id: $id) {
         title timeline(first: 5) @skip(if: true) { totalCount } tickets(first: 5) @include(if: $no) { totalCount }
       } }`,
      { id: incidentId, no: false },
    );
    expect(log.count('incident', 'timelines')).toBe(0);
    expect(log.count('ticket', 'query')).toBe(0);

    const body = await gql(
      gateway.url,
      'query ($id: ID!) { incident(id: $id) { title tickets(first: 500) { totalCount } } }',
      { id: incidentId },
    );
    expect(body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['incident.tickets', 'BAD_USER_INPUT'],
    ]);
    expect(log.count('ticket', 'query')).toBe(0);
  });
});

describe('the cold incident page at its dependency floor', () => {
  interface Page {
    incident: {
      service: { team: { members: { name: string }[] } };
      team: { id: string; members: { name: string }[]; onCall: { name: string; onCallRole: string }[] };
    };
  }
  const PAGE_WITH_TEAM_ID = INCIDENT_PAGE.replace('team { name handle', 'team { id name handle');
  const names = (wave: HeldCall[]) => wave.map((c) => `${c.capability}.${c.op}`).sort();

  /** A gateway over the mock world whose provider calls are released wave by wave. */
  async function stepped(adapter: Adapter) {
    const stepper = waveStepper(adapter);
    // Fair turns (a time slice) would let the stepper mistake a request waiting for its turn for one
    // waiting on providers; they never add provider calls, and this counts only those.
    const gateway = await startTestGateway([{ name: 'mock', adapter: stepper.adapter }], {
      limits: { executionSliceMs: 0 },
    });
    const [id] = await incidentIds(adapter, 1);
    const page = await stepper.run(gqlData<Page>(gateway.url, PAGE_WITH_TEAM_ID, { id }));
    const byId = await stepper.run(
      gqlData<{ team: { members: { name: string }[] } }>(
        gateway.url,
        'query ($id: ID!) { team(id: $id) { members { name email role onCall onCallRole } } }',
        {
          id: page.result.incident.team.id,
        },
      ),
    );
    await gateway.stop();
    return { page: page.result, waves: page.waves.map(names), membersById: byId.result.team.members };
  }

  it('reads everything the page shows in two provider round trips: the incident, then the rest at once, members by the team reference', async () => {
    const { page, waves, membersById } = await stepped(await mockAdapter());
    expect(waves).toEqual([
      ['incident.getMany', 'incident.timelines', 'ticket.query'],
      [
        'alert.query',
        'deployment.query',
        'log.query',
        'metric.query',
        'service.query',
        'team.membersByReference',
        'team.query',
      ],
    ]);
    // The members read by reference are the team's own, for the incident's team and the service's.
    expect(page.incident.service.team.members).toEqual(membersById);
    expect(page.incident.team.members).toEqual(membersById.map(({ name }) => ({ name })));
    expect(page.incident.team.onCall.length).toBeGreaterThan(0);
  });

  it('reads who is next in the team with the team, by its reference, and answers what the team read by ID answers', async () => {
    type Shift = { member: { name: string }; role: string; start: string };
    const NEXT = `query ($id: ID!) { incident(id: $id) { team { id nextOnCall { member { name } role start } } } }`;
    const run = async (adapter: Adapter) => {
      const stepper = waveStepper(adapter);
      const stepped = await startTestGateway([{ name: 'mock', adapter: stepper.adapter }], {
        limits: { executionSliceMs: 0 },
      });
      try {
        const page = await stepper.run(
          gqlData<{ incident: { team: { id: string; nextOnCall: Shift[] } } }>(stepped.url, NEXT, { id: incidentId }),
        );
        const byId = await stepper.run(
          gqlData<{ team: { nextOnCall: Shift[] } }>(
            stepped.url,
            'query ($id: ID!) { team(id: $id) { nextOnCall { member { name } role start } } }',
            { id: page.result.incident.team.id },
          ),
        );
        return { next: page.result.incident.team.nextOnCall, waves: page.waves.map(names), byId: byId.result.team };
      } finally {
        await stepped.stop();
      }
    };
    const direct = await run(await mockAdapter());
    expect(direct.waves).toEqual([['incident.getMany'], ['team.nextOnCallByReference', 'team.query']]);
    expect(direct.next.length).toBeGreaterThan(0);
    expect(direct.next).toEqual(direct.byId.nextOnCall);

    const mock = await mockAdapter();
    const { nextOnCallByReference: _, ...team } = mock.capabilities.team as NonNullable<typeof mock.capabilities.team>;
    const chained = await run({ ...mock, capabilities: { ...mock.capabilities, team } });
    expect(chained.waves).toEqual([['incident.getMany'], ['team.query'], ['team.nextOnCall']]);
    expect(chained.next).toEqual(direct.next);
  });

  it('reads the team, then its members, from a provider that cannot answer members by reference, with the same answer', async () => {
    const mock = await mockAdapter();
    const { membersByReference: _, ...team } = mock.capabilities.team as NonNullable<typeof mock.capabilities.team>;
    const { page, waves, membersById } = await stepped({ ...mock, capabilities: { ...mock.capabilities, team } });
    expect(waves).toHaveLength(3);
    expect(waves[2]).toEqual(['team.members']);
    expect(page.incident.service.team.members).toEqual(membersById);
    expect(page.incident.team.members).toEqual(membersById.map(({ name }) => ({ name })));
  });
});

describe('reads that need the incident record start the moment it arrives', () => {
  /**
   * The incident is held until its look-ahead reads (timeline, tickets) have answered, as when a
   * provider answers them first. Every job the incident's answer sets off (the floor's, GraphQL's
   * completion of the incident and of the timeline and tickets already read) runs before the
   * process.nextTick queued as it is answered; the reads after it must not wait for those jobs.
   * Answers the provider reads in the order they arrived, with that marker among them.
   */
  async function arrivals(query: string, options: Parameters<typeof startTestGateway>[1] = {}): Promise<string[]> {
    const inner = await mockAdapter();
    let holdIncident = false;
    let releaseIncident: (() => void) | undefined;
    const arrived: string[] = [];
    const adapter = wrapAdapter(
      inner,
      (capability, op, call): Operation =>
        async (...args) => {
          arrived.push(`${capability}.${op}`);
          if (!(holdIncident && capability === 'incident' && op === 'getMany')) return call(...args);
          const answer = await call(...args);
          await new Promise<void>((release) => {
            releaseIncident = release;
          });
          process.nextTick(() => arrived.push('next tick after the incident'));
          return answer;
        },
    );
    const gateway = await startTestGateway([{ name: 'mock', adapter }], {
      ...options,
      limits: { executionSliceMs: 0 },
    });
    try {
      const id = await firstIncidentId(gateway.url);
      // A first page fills the directory cache, if there is one.
      await gqlData(gateway.url, query, { id });
      arrived.length = 0;
      holdIncident = true;
      const page = gql(gateway.url, query, { id });
      await untilTrue(() => releaseIncident !== undefined && arrived.includes('ticket.query'));
      // Both look-ahead reads have answered once their loaders hold them.
      await new Promise((resolve) => setImmediate(resolve));
      releaseIncident?.();
      const result = await page;
      expect(result.errors).toBeUndefined();
      return arrived;
    } finally {
      await gateway.stop();
    }
  }

  it('sends them before GraphQL completes the timeline and tickets read alongside the incident', async () => {
    const arrived = await arrivals(INCIDENT_PAGE);
    const marker = arrived.indexOf('next tick after the incident');
    const afterIncident = ['alert.query', 'deployment.query', 'metric.query', 'log.query'];
    for (const read of afterIncident) {
      expect(arrived.indexOf(read), read).toBeGreaterThan(-1);
      expect(arrived.indexOf(read), read).toBeLessThan(marker);
    }
  });

  it("sends a known service's own reads with them, not once GraphQL has resolved the service", async () => {
    // The service is known from the directory cache once the first page has read it: its alerts,
    // tickets and deployments need nothing else, so they leave with the incident's own reads.
    const SERVICE_PANELS = `query ($id: ID!) { incident(id: $id) {
      title timeline(first: 5) { totalCount } tickets(first: 5) { totalCount }
      service {
        name
        alerts(first: 20) { nodes { id } }
        tickets(first: 20) { nodes { key } }
        deployments(first: 20) { nodes { version } }
      }
      logs(limit: 5) { truncated }
    } }`;
    const arrived = await arrivals(SERVICE_PANELS, {
      cache: { maxEntries: 100, directory: { ttlMs: 60_000, staleMs: 0 }, records: { ttlMs: 0, staleMs: 0 } },
    });
    const marker = arrived.indexOf('next tick after the incident');
    expect(arrived).not.toContain('service.query');
    for (const read of ['alert.query', 'deployment.query', 'log.query']) {
      expect(arrived.indexOf(read), read).toBeGreaterThan(-1);
      expect(arrived.indexOf(read), read).toBeLessThan(marker);
    }
    // The incident's tickets were read alongside it; the service's are a second ticket read.
    expect(arrived.lastIndexOf('ticket.query')).toBeGreaterThan(arrived.indexOf('incident.getMany'));
    expect(arrived.lastIndexOf('ticket.query')).toBeLessThan(marker);
  });
});

describe("a cached service's reads", () => {
  it("leave after the incident record's own reads, even when they are expected to take longest", async () => {
    // The directory cache answers the service; its incidents are a provider read that has lately
    // taken 1.2 s (the clock moves only while that read is the one call out), every other read no
    // time. Reads sent together leave slowest first, but working out a cached record's children
    // would hold back the reads already on their way, so those leave first.
    const PANELS = `query ($id: ID!) { incident(id: $id) {
      title
      service { name incidents(first: 5) { nodes { id } } }
      alerts(first: 5) { totalCount }
      deployments(first: 5) { totalCount }
      logs(limit: 5) { truncated }
    } }`;
    const inner = await mockAdapter();
    const arrived: string[] = [];
    let slowList = false;
    vi.useFakeTimers({ toFake: ['performance'] });
    const adapter = slowReads(inner, arrived, (capability, op) =>
      slowList && capability === 'incident' && op === 'query' ? 1200 : 0,
    );
    const gateway = await startTestGateway([{ name: 'mock', adapter }], {
      cache: { maxEntries: 100, directory: { ttlMs: 60_000, staleMs: 0 }, records: { ttlMs: 0, staleMs: 0 } },
      limits: { executionSliceMs: 0 },
    });
    try {
      const id = await firstIncidentId(gateway.url);
      slowList = true;
      await gqlData(gateway.url, PANELS, { id });
      slowList = false;

      arrived.length = 0;
      await gqlData(gateway.url, PANELS, { id });
      expect(arrived).not.toContain('service.query');
      expect(arrived[0]).toBe('incident.getMany');
      const serviceIncidents = arrived.indexOf('incident.query');
      for (const read of ['alert.query', 'deployment.query', 'log.query']) {
        expect(arrived.indexOf(read), read).toBeGreaterThan(0);
        expect(arrived.indexOf(read), read).toBeLessThan(serviceIncidents);
      }
    } finally {
      vi.useRealTimers();
      await gateway.stop();
    }
  });
});

describe('an incident page read again', () => {
  const guesses = async (at: { url: string }, outcome: string) =>
    total(await scrape(at), 'opsorch_lookahead_guesses_total', { outcome });

  const waveNames = (waves: HeldCall[][]) => waves.map((wave) => wave.map((c) => `${c.capability}.${c.op}`).sort());

  /** A gateway over `adapter` whose provider calls are released wave by wave, and its incident IDs. */
  async function steppedGateway(
    adapter: Adapter,
    limits: { lookaheadRecords?: number; lookaheadRecordBytes?: number } = {},
  ) {
    const stepper = waveStepper(adapter);
    const gateway = await startTestGateway([{ name: 'mock', adapter: stepper.adapter }], {
      limits: { executionSliceMs: 0, ...limits },
      cache: CACHE_OFF,
    });
    const page = async (id: string | undefined, query = INCIDENT_PAGE) => {
      const { result, waves } = await stepper.run(gql(gateway.url, query, { id }));
      expect(result.errors).toBeUndefined();
      type Incident = Record<string, unknown>;
      const data = result.data as { incident?: Incident; node?: Incident; nodes?: Incident[] };
      // The window of an incident still open ends at the second each request is in.
      const { window: _, ...incident } = data.incident ?? data.node ?? data.nodes?.[0] ?? {};
      return { data: { incident }, waves: waveNames(waves) };
    };
    /** The gateway's list of incidents, as a console shows it before one is opened. */
    const list = async (first: number) => {
      const { result } = await stepper.run(
        gqlData<{ incidents: { nodes: { id: string }[] } }>(
          gateway.url,
          'query ($first: Int!) { incidents(first: $first) { nodes { id } } }',
          { first },
        ),
      );
      return result.incidents.nodes.map((n) => n.id);
    };
    return { gateway, page, list, ids: await incidentIds(adapter, 2) };
  }

  it('reads everything in one provider round trip, from the incident as last read, and answers as the first read did', async () => {
    const { gateway, page, ids } = await steppedGateway(await mockAdapter());
    try {
      const first = await page(ids[0]);
      expect(first.waves).toHaveLength(2);
      const confirmed = await guesses(gateway, 'confirmed');
      const again = await page(ids[0]);
      expect(again.waves).toEqual([first.waves.flat().sort()]);
      expect(again.data).toEqual(first.data);
      expect(await guesses(gateway, 'confirmed')).toBe(confirmed + 1);
    } finally {
      await gateway.stop();
    }
  });

  it('answers from the record just read when it names another service now, as a first visit does', async () => {
    const inner = await mockAdapter();
    const [services] = (await inner.capabilities.service?.query([{ first: 10 }], {})) ?? [];
    if (services === undefined || services instanceof Error) throw new Error('the mock lists no services');
    let movedTo: string | undefined;
    const moving = wrapAdapter(
      inner,
      (capability, op, call): Operation =>
        async (...args) => {
          const answer = await call(...args);
          if (capability !== 'incident' || op !== 'getMany' || movedTo === undefined) return answer;
          return (answer as object[]).map((record) =>
            record instanceof Error ? record : { ...record, service: movedTo },
          );
        },
    );
    const { gateway, page, ids } = await steppedGateway(moving);
    try {
      const first = await page(ids[0]);
      const service = (first.data.incident.service as { name: string }).name;
      movedTo = services.nodes.find((s) => s.name !== service)?.name;
      expect(movedTo).toBeDefined();
      const changed = await guesses(gateway, 'changed');
      const moved = await page(ids[0]);
      expect(await guesses(gateway, 'changed')).toBe(changed + 1);
      // The reads for the old service went out with the incident; the new service's followed it,
      // in no more round trips than a first visit takes.
      expect(moved.waves[0]).toEqual(first.waves.flat().sort());
      expect(moved.waves[1]).toContain('alert.query');

      const { gateway: unaware, page: firstVisit } = await steppedGateway(moving, { lookaheadRecords: 0 });
      try {
        const expected = await firstVisit(ids[0]);
        expect(moved.waves).toHaveLength(expected.waves.length);
        expect((expected.data.incident.service as { name: string }).name).toBe(movedTo);
        expect(moved.data).toEqual(expected.data);
      } finally {
        await unaware.stop();
      }
    } finally {
      await gateway.stop();
    }
  });

  it('reads an incident asked for through node(id:) as incident(id:) reads it: two round trips, then one', async () => {
    const NODE_PAGE = INCIDENT_PAGE.replace('incident(id: $id) {', 'node(id: $id) { ... on Incident {').replace(
      /}\s*}$/,
      '} } }',
    );
    const byNode = await steppedGateway(await mockAdapter());
    const byField = await steppedGateway(await mockAdapter());
    try {
      const id = byNode.ids[0];
      const first = await byNode.page(id, NODE_PAGE);
      const expected = await byField.page(id);
      expect(first.waves).toEqual(expected.waves);
      expect(first.data).toEqual(expected.data);
      const again = await byNode.page(id, NODE_PAGE);
      expect(again.waves).toEqual([first.waves.flat().sort()]);
      expect(again.data).toEqual(first.data);
      // The same incident in nodes(ids:), read again: one round trip too.
      const inNodes = await byNode.page(id, NODE_PAGE.replace('node(id: $id)', 'nodes(ids: [$id])'));
      expect(inNodes.waves).toEqual([first.waves.flat().sort()]);
      expect(inNodes.data).toEqual(first.data);
    } finally {
      await byNode.gateway.stop();
      await byField.gateway.stop();
    }
  });

  it('reads an incident opened from its list in one provider round trip, from the record listed, and answers as a first visit does', async () => {
    const { gateway, page, list } = await steppedGateway(await mockAdapter());
    const { gateway: unaware, page: firstVisit } = await steppedGateway(await mockAdapter(), { lookaheadRecords: 0 });
    try {
      const [id] = await list(5);
      const expected = await firstVisit(id);
      expect(expected.waves).toHaveLength(2);
      const confirmed = await guesses(gateway, 'confirmed');
      const opened = await page(id);
      expect(opened.waves).toEqual([expected.waves.flat().sort()]);
      expect(opened.data).toEqual(expected.data);
      expect(await guesses(gateway, 'confirmed')).toBe(confirmed + 1);
    } finally {
      await gateway.stop();
      await unaware.stop();
    }
  });

  it(`remembers the first ${LISTED_REMEMBERED} incidents of a list, not the ones after them`, async () => {
    const { gateway, page, list } = await steppedGateway(await mockAdapter());
    try {
      const ids = await list(LISTED_REMEMBERED + 2);
      expect(ids).toHaveLength(LISTED_REMEMBERED + 2);
      expect((await page(ids[LISTED_REMEMBERED - 1])).waves).toHaveLength(1);
      expect((await page(ids[LISTED_REMEMBERED])).waves).toHaveLength(2);
      expect((await page(ids[LISTED_REMEMBERED + 1])).waves).toHaveLength(2);
    } finally {
      await gateway.stop();
    }
  });

  it(`keeps no more incidents than OPSORCH_LOOKAHEAD_RECORDS, and none at 0`, async () => {
    const recordsBefore = total(await scrape(gateway), 'opsorch_lookahead_records');
    const one = await steppedGateway(await mockAdapter(), { lookaheadRecords: 1 });
    try {
      const [a, b] = one.ids;
      expect((await one.page(a)).waves).toHaveLength(2);
      expect((await one.page(a)).waves).toHaveLength(1);
      expect((await one.page(b)).waves).toHaveLength(2);
      expect(total(await scrape(one.gateway), 'opsorch_lookahead_records')).toBe(recordsBefore + 1);
      // Reading the second pushed the first out: its page waits for its record again.
      expect((await one.page(a)).waves).toHaveLength(2);
      expect((await one.page(a)).waves).toHaveLength(1);
    } finally {
      await one.gateway.stop();
    }
    const none = await steppedGateway(await mockAdapter(), { lookaheadRecords: 0 });
    try {
      for (let i = 0; i < 3; i++) expect((await none.page(none.ids[0])).waves).toHaveLength(2);
    } finally {
      await none.gateway.stop();
    }
  });

  it('keeps records within OPSORCH_LOOKAHEAD_RECORD_BYTES, shown on /metrics, and none larger than an eighth of it', async () => {
    const bytesBefore = total(await scrape(gateway), 'opsorch_lookahead_record_bytes');
    const kept = await steppedGateway(await mockAdapter());
    try {
      const [a] = kept.ids;
      await kept.page(a);
      const held = total(await scrape(kept.gateway), 'opsorch_lookahead_record_bytes') - bytesBefore;
      expect(held).toBeGreaterThan(0);
      expect((await kept.page(a)).waves).toHaveLength(1);

      // A bound whose eighth is smaller than that record keeps none: every page waits for it.
      const tight = await steppedGateway(await mockAdapter(), { lookaheadRecordBytes: 4 * held });
      try {
        for (let i = 0; i < 3; i++) expect((await tight.page(tight.ids[0])).waves).toHaveLength(2);
        expect(total(await scrape(tight.gateway), 'opsorch_lookahead_record_bytes')).toBe(bytesBefore + held);
      } finally {
        await tight.gateway.stop();
      }
    } finally {
      await kept.gateway.stop();
    }
  });
});
