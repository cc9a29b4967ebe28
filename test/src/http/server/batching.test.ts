/** Nested queries cost one provider call per (provider, operation) per level, and a record asked twice is fetched once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_OFF } from '../../../../src/data/read-cache.js';
import { type CallLog, countingAdapter } from '../../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gqlData } from '../../../helpers/graphql.js';

describe('DataLoader batching', () => {
  let gateway: TestGateway;
  let log: CallLog;

  beforeAll(async () => {
    const counted = countingAdapter(await mockAdapter());
    log = counted.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], { cache: CACHE_OFF });
    const { services } = await gqlData<{ services: { nodes: { name: string }[] } }>(
      gateway.url,
      '{ services(first: 100) { nodes { name } } }',
    );
    const { incidents } = await gqlData<{ incidents: { totalCount: number } }>(
      gateway.url,
      '{ incidents { totalCount } }',
    );
    // Top the seeded world up to 50 incidents, through the API, spread over every service.
    for (let i = incidents.totalCount; i < 50; i += 1) {
      const service = services.nodes[i % services.nodes.length]?.name;
      await gqlData(
        gateway.url,
        'mutation($input: IncidentCreateInput!) { incidentCreate(input: $input) { userErrors { message } } }',
        {
          input: { title: `Batch test incident ${i}`, severity: 'LOW', service },
        },
      );
    }
  });
  afterAll(() => gateway.stop());

  it('50 incidents → service → team → members costs one call per level', async () => {
    log.reset();
    const data = await gqlData<{ incidents: { nodes: { service: { team: { members: unknown[] } | null } | null }[] } }>(
      gateway.url,
      '{ incidents(first: 50) { nodes { id service { name team { name members { name } } } } } }',
    );
    expect(data.incidents.nodes).toHaveLength(50);
    expect(data.incidents.nodes.filter((i) => i.service?.team?.members.length).length).toBeGreaterThan(40);

    expect(log.count('incident', 'query')).toBe(1);
    expect(log.count('service')).toBe(1);
    expect(log.count('team', 'query')).toBe(1);
    // Members are read by the team reference each service carries, alongside the teams.
    expect(log.count('team', 'membersByReference')).toBe(1);
    expect(log.calls).toHaveLength(4);
    // The one members call carried every distinct team at once.
    expect(log.calls.find((c) => c.op === 'membersByReference')?.items).toBeGreaterThan(1);
  });

  it('fetches the same record once per request, however often it is asked for', async () => {
    const { services } = await gqlData<{ services: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ services(first: 1) { nodes { id } } }',
    );
    const id = services.nodes[0]?.id;
    log.reset();
    const data = await gqlData<{ a: { name: string }; b: { name: string }; c: { id: string } }>(
      gateway.url,
      'query($id: ID!) { a: service(id: $id) { name } b: service(id: $id) { name } c: node(id: $id) { id } }',
      { id },
    );
    expect(data.a.name).toBe(data.b.name);
    expect(data.c.id).toBe(id);
    expect(log.calls).toMatchObject([{ capability: 'service', op: 'getMany', items: 1, signal: true }]);
  });

  it('does not share the cache between requests', async () => {
    const { services } = await gqlData<{ services: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ services(first: 1) { nodes { id } } }',
    );
    log.reset();
    await gqlData(gateway.url, 'query($id: ID!) { service(id: $id) { name } }', { id: services.nodes[0]?.id });
    await gqlData(gateway.url, 'query($id: ID!) { service(id: $id) { name } }', { id: services.nodes[0]?.id });
    expect(log.count('service', 'getMany')).toBe(2);
  });

  it('batches per-parent list queries (alerts, tickets, timelines) into one call each', async () => {
    log.reset();
    await gqlData(
      gateway.url,
      '{ incidents(first: 20) { nodes { timeline(first: 2) { nodes { id } } alerts(first: 3) { nodes { id } } tickets { nodes { id } } } } }',
    );
    expect(log.count('incident', 'timelines')).toBe(1);
    expect(log.count('alert', 'query')).toBe(1);
    expect(log.count('ticket', 'query')).toBe(1);
    expect(log.calls.find((c) => c.capability === 'alert')?.items).toBe(20);
  });
});
