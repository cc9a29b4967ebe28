import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import { RedisPubSub } from '../../../src/events/redis.js';
import { mockAdapter, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { gatewaysSharingRedis } from '../../helpers/redis-gateways.js';
import { waitUntil } from '../../helpers/subscriptions.js';

/** Records cached for a minute: far longer than any test here waits. */
const CACHE = {
  maxEntries: 1000,
  directory: { ttlMs: 60_000, staleMs: 0 },
  records: { ttlMs: 60_000, staleMs: 0 },
};

const INCIDENT = `query($id: ID!) { incident(id: $id) { title } }`;
const RETITLE = `mutation($id: ID!, $title: String!) {
  incidentUpdate(input: { id: $id, title: $title }) { incident { title } userErrors { message } }
}`;

describe('read caches of instances sharing a real Redis', () => {
  const redis = gatewaysSharingRedis();
  let provider: Adapter;

  /** An instance on the same Redis and the same provider as the others, caching records. */
  const instance = () => redis.instance([{ name: 'mock', adapter: provider }], { cache: CACHE });
  const titleOn = async (gateway: TestGateway, id: string) =>
    (await gqlData<{ incident: { title: string } }>(gateway.url, INCIDENT, { id })).incident.title;

  it('drops on every instance what a write through one of them changed', async () => {
    const world = await mockAdapter();
    // A provider reached over the network, like most: it tells no instance of a change on its own
    // (the mock's event stream would tell every instance of this process).
    provider = { kind: world.kind, capabilities: world.capabilities, checkHealth: (ctx) => world.checkHealth(ctx) };
    const [a, b] = [await instance(), await instance()];
    const { incidents } = await gqlData<{ incidents: { edges: { node: { id: string; title: string } }[] } }>(
      b.url,
      '{ incidents(first: 1) { edges { node { id title } } } }',
    );
    const first = incidents.edges[0];
    if (!first) throw new Error('the mock world has no incident');
    const { id, title } = first.node;
    expect(await titleOn(b, id)).toBe(title);

    const renamed = `${title} (renamed on A)`;
    const written = await gqlData<{ incidentUpdate: { incident: { title: string } } }>(a.url, RETITLE, {
      id,
      title: renamed,
    });
    expect(written.incidentUpdate.incident.title).toBe(renamed);
    // B cached the record for a minute; only A's word that it changed can make B read it again.
    await waitUntil(async () => (await titleOn(b, id)) === renamed, 'B shows the title written through A');
  });

  it('tells the others, never itself, and ignores what is not a peer message', async () => {
    const [one, two] = [await RedisPubSub.connect(redis.url), await RedisPubSub.connect(redis.url)];
    const raw = new Redis(redis.url);
    try {
      const heardByOne: unknown[] = [];
      const heardByTwo: unknown[] = [];
      one.peers.onMessage((m) => heardByOne.push(m));
      two.peers.onMessage((m) => heardByTwo.push(m));
      await raw.publish('opsorch:peers', 'not json');
      await raw.publish('opsorch:peers', JSON.stringify({ message: 'no sender' }));
      await one.peers.send({ n: 1 });
      await waitUntil(() => heardByTwo.length === 1, 'two hears one');
      await two.peers.send({ n: 2 });
      // One's own message would have come back before two's: Redis keeps a channel's order.
      await waitUntil(() => heardByOne.length === 1, 'one hears two');
      expect(heardByOne).toEqual([{ n: 2 }]);
      expect(heardByTwo).toEqual([{ n: 1 }]);
    } finally {
      raw.disconnect();
      await Promise.all([one.close(), two.close()]);
    }
  });
});
