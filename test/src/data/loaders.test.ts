/**
 * The floor's per-request reads: records on a list page are primed into the by-ID loaders, so a
 * record reached again later in the same request costs no provider call, and nothing is shared
 * between requests; reads sent together leave slowest first.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CACHE_OFF } from '../../../src/data/read-cache.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { firstIncidentId, gql, gqlData } from '../../helpers/graphql.js';
import { scrape } from '../../helpers/metrics.js';
import { slowReads } from '../../helpers/slow-reads.js';
import { type Operation, wrapAdapter } from '../../helpers/wrap-adapter.js';

describe('floor reads within one request', () => {
  let gateway: TestGateway;
  let log: CallLog;

  beforeAll(async () => {
    const counted = countingAdapter(await mockAdapter());
    log = counted.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }]);
  });
  afterAll(() => gateway.stop());

  it('opens an incident seen in a list without asking the provider for it again', async () => {
    log.reset();
    const data = await gqlData<{
      incidents: { nodes: { id: string; timeline: { nodes: { incident: { id: string } }[] } }[] };
    }>(gateway.url, '{ incidents(first: 5) { nodes { id timeline(first: 1) { nodes { incident { id title } } } } } }');
    const opened = data.incidents.nodes.flatMap((i) => i.timeline.nodes.map((e) => [i.id, e.incident.id]));
    expect(opened.length).toBeGreaterThan(0);
    for (const [listed, reopened] of opened) expect(reopened).toBe(listed);
    expect(log.count('incident', 'getMany')).toBe(0);
    expect(log.count('incident', 'query')).toBe(1);
  });

  it('primes runbook plans from their list under their own by-ID read', async () => {
    log.reset();
    const data = await gqlData<{
      orchestrationPlans: { nodes: { id: string; runs: { nodes: { plan: { id: string } | null }[] } }[] };
    }>(gateway.url, '{ orchestrationPlans(first: 10) { nodes { id runs(first: 3) { nodes { plan { id name } } } } } }');
    const plans = data.orchestrationPlans.nodes.flatMap((p) => p.runs.nodes.map((r) => [p.id, r.plan?.id]));
    expect(plans.length).toBeGreaterThan(0);
    for (const [listed, reopened] of plans) expect(reopened).toBe(listed);
    expect(log.count('orchestration', 'getPlans')).toBe(0);
  });

  it('refuses an ID naming a provider that does not serve it before the read cache and /metrics see it', async () => {
    log.reset();
    // A global ID names its provider and a client can write any name into one: each such name
    // kept as a cache entry or a metric label set would grow the gateway for as long as it runs.
    const forged = Array.from({ length: 20 }, (_, i) => `forged-${i}`);
    for (const provider of forged) {
      const { data, errors } = await gql<{ node: null }>(
        gateway.url,
        'query ($s: ID!, $t: ID!, $i: ID!) { service(id: $s) { name } team(id: $t) { name } node(id: $i) { id } }',
        {
          s: toGlobalId('Service', provider, 'svc-1'),
          t: toGlobalId('Team', provider, 'team-1'),
          i: toGlobalId('Incident', provider, 'inc-1'),
        },
      );
      expect(errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['NOT_FOUND', `provider "${provider}" does not serve service here`],
        ['NOT_FOUND', `provider "${provider}" does not serve team here`],
      ]);
      expect(data?.node).toBeNull();
    }
    expect(log.calls).toEqual([]);
    const labelled = (await scrape(gateway)).filter((sample) => sample.labels.provider?.startsWith('forged-'));
    expect(labelled.map((sample) => sample.name)).toEqual([]);
  });

  it('asks again in the next request: a primed record does not outlive its request', async () => {
    const first = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ incidents(first: 1) { nodes { id } } }',
    );
    log.reset();
    await gqlData(gateway.url, 'query($id: ID!) { incident(id: $id) { title } }', {
      id: first.incidents.nodes[0]?.id,
    });
    expect(log.count('incident', 'getMany')).toBe(1);
  });
});

/** An incident page: its reads after the incident's are sent together. */
const PAGE = `query ($id: ID!) { incident(id: $id) {
  title
  alerts(first: 5) { totalCount }
  deployments(first: 5) { totalCount }
  metrics(names: ["http_requests_total"]) { name }
  logs(limit: 5) { truncated }
  team { name members { name } }
} }`;

describe('reads sent together when a parent record arrives', () => {
  it("leave slowest first by what their reads took before, one provider's capability in the order asked", async () => {
    const inner = await mockAdapter();
    const arrived: string[] = [];
    let slowLogs = true;
    // At first, logs answer after every other read in flight has been answered, and take a second.
    vi.useFakeTimers({ toFake: ['performance'] });
    const adapter = slowReads(inner, arrived, (capability) => (slowLogs && capability === 'log' ? 1000 : 0));
    const gateway = await startTestGateway([{ name: 'mock', adapter }], {
      limits: { executionSliceMs: 0 },
      cache: CACHE_OFF,
    });
    try {
      const id = await firstIncidentId(gateway.url);
      await gqlData(gateway.url, PAGE, { id });
      const before = arrived.slice(arrived.indexOf('incident.getMany'));
      await gqlData(gateway.url, PAGE, { id });
      expect(before.indexOf('log.query')).toBeGreaterThan(before.indexOf('alert.query'));

      slowLogs = false;
      arrived.length = 0;
      await gqlData(gateway.url, PAGE, { id });
      const at = (read: string) => arrived.indexOf(read);
      expect(at('incident.getMany')).toBe(0);
      for (const read of ['alert.query', 'deployment.query', 'metric.query', 'team.query']) {
        expect(at('log.query'), read).toBeLessThan(at(read));
      }
      expect(at('team.query')).toBeLessThan(at('team.membersByReference'));
    } finally {
      vi.useRealTimers();
      await gateway.stop();
    }
  });
});

describe('what a read took, for the order reads leave in', () => {
  it("is the provider's time alone, not the wait in the gateway before its call", async () => {
    const inner = await mockAdapter();
    const arrived: string[] = [];
    let slowLogs = true;
    // A clock that moves only while the log's call is at the provider: it takes a second, every
    // other call no time. With one call at a time at the provider, the reads sent with the log
    // wait in the gateway for it: timed from their batches' send, as they were, each of them took
    // the log's second too, and the team's two (summed: one provider's capability) left first.
    vi.useFakeTimers({ toFake: ['performance'] });
    const adapter = wrapAdapter(
      inner,
      (capability, op, call): Operation =>
        (...args) => {
          arrived.push(`${capability}.${op}`);
          if (slowLogs && capability === 'log') vi.advanceTimersByTime(1000);
          return call(...args);
        },
    );
    const gateway = await startTestGateway([{ name: 'mock', adapter }], {
      limits: { executionSliceMs: 0, providerMaxConcurrent: 1 },
      cache: CACHE_OFF,
    });
    try {
      const id = await firstIncidentId(gateway.url);
      arrived.length = 0;
      await gqlData(gateway.url, PAGE, { id });
      const cold = (read: string) => arrived.indexOf(read);
      // The team's reads were made after the log's, so they waited for it.
      expect(cold('log.query')).toBeLessThan(cold('team.query'));
      expect(cold('log.query')).toBeLessThan(cold('team.membersByReference'));

      slowLogs = false;
      arrived.length = 0;
      await gqlData(gateway.url, PAGE, { id });
      const at = (read: string) => arrived.indexOf(read);
      for (const read of ['alert.query', 'deployment.query', 'metric.query', 'team.query', 'team.membersByReference']) {
        expect(at('log.query'), read).toBeLessThan(at(read));
      }
    } finally {
      vi.useRealTimers();
      await gateway.stop();
    }
  });
});
