import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisPubSub } from '../../../src/events/redis.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, readyLive, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { type PolledPagerDuty, startPolledPagerDuty } from '../../helpers/polled-pagerduty.js';
import { gatewaysSharingRedis } from '../../helpers/redis-gateways.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

interface Entry {
  id: string;
  body: string;
}

const TIMELINE = `subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }`;

describe('several gateway instances sharing a real Redis', () => {
  const redis = gatewaysSharingRedis();
  const { instance, stop } = redis;

  it('delivers a mutation made on B to subscribers on A and on B exactly once', async () => {
    const a = await instance([{ name: 'mock', adapter: await mockAdapter() }]);
    const b = await instance([{ name: 'mock', adapter: await mockAdapter() }]);
    const data = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
      b.url,
      '{ incidents(first: 1, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { edges { node { id } } } }',
    );
    const id = data.incidents.edges[0]?.node.id as string;
    const onA = subscribe<Entry>(a.wsUrl, TIMELINE, { id });
    const onB = subscribe<Entry>(b.wsUrl, TIMELINE, { id });
    await waitUntil(async () => (await readyLive(a)).subscriptions === 1, 'subscribed on A');
    await waitUntil(async () => (await readyLive(b)).subscriptions === 1, 'subscribed on B');

    const append = `mutation($id: ID!, $body: String!) {
      incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id } }
    }`;
    await gqlData(b.url, append, { id, body: 'Blocked the abusive client range' });
    await gqlData(b.url, append, { id, body: 'Marker' });
    for (const sub of [onA, onB]) {
      await sub.waitFor((e) => e.body === 'Marker', 'marker entry');
      expect(sub.received.map((e) => e.body)).toEqual(['Blocked the abusive client range', 'Marker']);
    }
    await Promise.all([onA.close(), onB.close()]);
  });

  it('delivers incident changes made on B to incidentUpdated subscribers on A and on B exactly once', async () => {
    const a = await instance([{ name: 'mock', adapter: await mockAdapter() }]);
    const b = await instance([{ name: 'mock', adapter: await mockAdapter() }]);
    const data = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
      b.url,
      '{ incidents(first: 2, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { edges { node { id } } } }',
    );
    const [x, y] = data.incidents.edges.map((e) => e.node.id) as [string, string];
    const query = `subscription { incidentUpdated(filter: { statuses: [RESOLVED] }) { incident { id } changedFields } }`;
    const onA = subscribe<{ incident: { id: string } }>(a.wsUrl, query);
    const onB = subscribe<{ incident: { id: string } }>(b.wsUrl, query);
    await waitUntil(async () => (await readyLive(a)).subscriptions === 1, 'subscribed on A');
    await waitUntil(async () => (await readyLive(b)).subscriptions === 1, 'subscribed on B');
    const resolve = `mutation($id: ID!) { incidentResolve(input: { id: $id }) { userErrors { message } } }`;
    await gqlData(b.url, resolve, { id: x });
    await gqlData(b.url, resolve, { id: y });
    for (const sub of [onA, onB]) {
      await sub.waitFor((e) => e.incident.id === y, 'the second resolution');
      expect(sub.received.map((e) => e.incident.id)).toEqual([x, y]);
    }
    await Promise.all([onA.close(), onB.close()]);
  });

  describe('polling a provider that cannot push', () => {
    let pd: PolledPagerDuty;
    beforeAll(async () => {
      pd = await startPolledPagerDuty();
    });
    afterAll(async () => {
      await pd.stop();
    });

    it('runs on one instance, and moves to the other when that instance stops', async () => {
      const id = toGlobalId('Incident', 'pagerduty', pd.incident.id);
      const counted = [countingAdapter(await pd.adapter()), countingAdapter(await pd.adapter())];
      const [first, second] = [
        await instance([{ name: 'pagerduty', adapter: counted[0]!.adapter }], { pollIntervalMs: 100 }),
        await instance([{ name: 'pagerduty', adapter: counted[1]!.adapter }], { pollIntervalMs: 100 }),
      ] as [TestGateway, TestGateway];
      const subs = [subscribe<Entry>(first.wsUrl, TIMELINE, { id }), subscribe<Entry>(second.wsUrl, TIMELINE, { id })];
      const stats = () => Promise.all([readyLive(first), readyLive(second)]);
      await waitUntil(
        async () => (await stats()).every((s) => s.timelinePolling.watched === 1),
        'both instances watch the incident',
      );
      await waitUntil(
        async () => (await stats()).reduce((n, s) => n + s.timelinePolling.polling, 0) === 1,
        'one instance polls',
      );
      const leader = (await readyLive(first)).timelinePolling.polling === 1 ? 0 : 1;
      const follower = 1 - leader;
      const leaderLog = counted[leader]!.log;
      const followerLog = counted[follower]!.log;
      const base = leaderLog.count('incident', 'timelines');
      await waitUntil(() => leaderLog.count('incident', 'timelines') >= base + 5, 'the leader polled five times');
      expect(followerLog.count('incident', 'timelines')).toBe(0);

      const note = pd.addNote('Throttled the batch importer');
      for (const sub of subs) await sub.waitFor((e) => e.body === note.content, 'polled entry on both instances');

      await stop([first, second][leader]!);
      const survivor = [first, second][follower]!;
      await waitUntil(
        async () => (await readyLive(survivor)).timelinePolling.polling === 1,
        'the other instance takes polling over',
      );
      const later = pd.addNote('Importer back at full speed');
      const remaining = subs[follower]!;
      await remaining.waitFor((e) => e.body === later.content, 'entry polled after the take-over');
      expect(remaining.received.map((e) => e.body)).toEqual([note.content, later.content]);
      expect(followerLog.count('incident', 'timelines')).toBeGreaterThan(0);
      await Promise.all(subs.map((s) => s.close()));
    });
  });

  it("hands a peer's message on, and drops one that is damaged, not one of ours, or its own coming back", async () => {
    const pubsub = await RedisPubSub.connect(redis.url, { prefix: 'peers-test:' });
    const raw = new Redis(redis.url);
    try {
      const heard: unknown[] = [];
      pubsub.peers.onMessage((message) => heard.push(message));
      await pubsub.peers.send({ mine: true });
      for (const damaged of ['not json', 'null', '[]', '{"from":1,"message":{}}', '{"message":{}}']) {
        await raw.publish('peers-test:peers', damaged);
      }
      await raw.publish('peers-test:peers', JSON.stringify({ from: 'another instance', message: { theirs: true } }));
      // Redis delivers in order: once the peer's is heard, everything before it was dropped.
      await waitUntil(() => heard.length > 0, "the peer's message");
      expect(heard).toEqual([{ theirs: true }]);
    } finally {
      raw.disconnect();
      await pubsub.close();
    }
  });

  it('fails to connect with an error that names the server but not its password', async () => {
    const { port } = new URL(redis.url);
    const closed = Number(port) === 1 ? 2 : 1;
    const attempt = RedisPubSub.connect(`redis://ops:hunter2-secret@127.0.0.1:${closed}`, { connectTimeoutMs: 500 });
    const error = await attempt.then(
      () => new Error('connected'),
      (err: Error) => err,
    );
    expect(error.message).toContain('cannot connect to Redis at redis://127.0.0.1:');
    expect(error.message).not.toContain('hunter2');
  });
});
