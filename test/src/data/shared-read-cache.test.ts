import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import { SharedReadCache } from '../../../src/data/shared-read-cache.js';
import { RedisSharedStore } from '../../../src/events/redis-shared-store.js';

import { createLogger } from '../../../src/logger.js';
import { mockAdapter, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { gatewaysSharingRedis } from '../../helpers/redis-gateways.js';
import { waitUntil } from '../../helpers/subscriptions.js';

const SHARED = {
  maxEntries: 1000,
  directory: { ttlMs: 60_000, staleMs: 0 },
  records: { ttlMs: 60_000, staleMs: 0 },
  shared: true,
};

const SERVICES = '{ services(first: 50) { edges { node { id name } } } }';
const INCIDENT = `query($id: ID!) { incident(id: $id) { title } }`;
const RETITLE = `mutation($id: ID!, $title: String!) {
  incidentUpdate(input: { id: $id, title: $title }) { incident { title } userErrors { message } }
}`;

/**
 * One instance's view of a provider reached over the network, counting the calls it makes. The
 * mock world's own event stream is left out: it would tell every instance of this process.
 */
function countedProvider(world: Adapter): { adapter: Adapter; calls: (capability: string) => number } {
  const counts = new Map<string, number>();
  const capabilities = Object.fromEntries(
    Object.entries(world.capabilities).map(([capability, impl]) => [
      capability,
      new Proxy(impl as object, {
        get(target, operation, receiver) {
          const member: unknown = Reflect.get(target, operation, receiver);
          if (typeof member !== 'function') return member;
          return (...args: unknown[]) => {
            counts.set(capability, (counts.get(capability) ?? 0) + 1);
            return member.apply(target, args);
          };
        },
      }),
    ]),
  ) as unknown as Adapter['capabilities'];
  return {
    adapter: { kind: world.kind, capabilities, checkHealth: (ctx) => world.checkHealth(ctx) },
    calls: (capability) => counts.get(capability) ?? 0,
  };
}

describe('the read cache shared by instances on a real Redis', () => {
  const redis = gatewaysSharingRedis();

  const twoInstances = async () => {
    const world = await mockAdapter();
    const [one, two] = [countedProvider(world), countedProvider(world)];
    const a = await redis.instance([{ name: 'mock', adapter: one.adapter }], { cache: SHARED });
    const b = await redis.instance([{ name: 'mock', adapter: two.adapter }], { cache: SHARED });
    return { a, b, callsOfA: one.calls, callsOfB: two.calls };
  };
  const servicesOn = async (gateway: TestGateway) =>
    (await gqlData<{ services: { edges: { node: { id: string } }[] } }>(gateway.url, SERVICES)).services.edges.map(
      (e) => e.node.id,
    );

  it('reads a directory once for all instances', async () => {
    const { a, b, callsOfA, callsOfB } = await twoInstances();
    const onA = await servicesOn(a);
    expect(onA.length).toBeGreaterThan(0);
    expect(callsOfA('service')).toBe(1);
    expect(await servicesOn(b)).toEqual(onA);
    expect(callsOfB('service')).toBe(0);
  });

  it('never shares what a write through another instance changed', async () => {
    const { a, b, callsOfB } = await twoInstances();
    const { incidents } = await gqlData<{ incidents: { edges: { node: { id: string; title: string } }[] } }>(
      a.url,
      '{ incidents(first: 1) { edges { node { id title } } } }',
    );
    const first = incidents.edges[0];
    if (!first) throw new Error('the mock world has no incident');
    const { id, title } = first.node;
    const titleOn = async (gateway: TestGateway) =>
      (await gqlData<{ incident: { title: string } }>(gateway.url, INCIDENT, { id })).incident.title;
    // A stored the record with the list (and B finds it shared); a second reader of the same entry.
    expect(await titleOn(a)).toBe(title);
    expect(await titleOn(b)).toBe(title);
    expect(callsOfB('incident')).toBe(0);

    const renamed = `${title} (renamed on B)`;
    await gqlData(b.url, RETITLE, { id, title: renamed });
    // A still holds the old title locally until B's word arrives; once it has, neither A's cache
    // nor the shared one may answer with the old title.
    await waitUntil(async () => (await titleOn(a)) === renamed, 'A shows the title written through B');
    expect(await titleOn(b)).toBe(renamed);
  });

  it('reads from the provider when Redis does not answer in time', async () => {
    const { a, b, callsOfB } = await twoInstances();
    await servicesOn(a);
    const raw = new Redis(redis.url);
    try {
      // Redis holds A's entry but answers no one for 2 s: B must not wait for it.
      await raw.call('CLIENT', 'PAUSE', '2000', 'ALL');
      expect((await servicesOn(b)).length).toBeGreaterThan(0);
      expect(callsOfB('service')).toBe(1);
    } finally {
      await raw.call('CLIENT', 'UNPAUSE');
      raw.disconnect();
    }
  });
});

describe('SharedReadCache on a real Redis', () => {
  const redis = gatewaysSharingRedis();
  const logger = createLogger('silent');

  const cacheOn = (client: Redis, maxEntryBytes = 1 << 20) =>
    new SharedReadCache(new RedisSharedStore(client, `test-${Math.random().toString(36).slice(2)}:`), logger, {
      timeoutMs: 2000,
      maxEntryBytes,
    });

  it('keeps an entry larger than its bound to the instance', async () => {
    const client = new Redis(redis.url);
    try {
      const cache = cacheOn(client, 200);
      const { generation } = (await cache.lookup('p', 'service', ['small', 'large'])) ?? { generation: '' };
      await cache.share('p', 'service', generation, [
        { name: 'small', entry: { value: 'x', storedAt: 1 }, ttlMs: 60_000 },
        { name: 'large', entry: { value: 'x'.repeat(300), storedAt: 1 }, ttlMs: 60_000 },
      ]);
      const found = await cache.lookup('p', 'service', ['small', 'large']);
      expect(found?.entries).toEqual([{ value: 'x', storedAt: 1 }, undefined]);
    } finally {
      client.disconnect();
    }
  });
});
