import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

interface Entry {
  id: string;
  body: string;
  incident: { id: string };
  source: { provider: string };
}

describe("the mock provider's live activity", () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([
      { name: 'mock', adapter: await mockAdapter({ live: true, liveIntervalMs: 100 }) },
    ]);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('reaches timeline subscribers through the same pub/sub as everything else', async () => {
    const data = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
      gateway.url,
      '{ incidents(first: 50, filter: { statuses: [TRIGGERED, ACKNOWLEDGED, MITIGATED] }) { edges { node { id } } } }',
    );
    const ids = data.incidents.edges.map((e) => e.node.id);
    expect(ids.length).toBeGreaterThan(0);
    const subs = ids.map((id) =>
      subscribe<Entry>(
        gateway.wsUrl,
        'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body incident { id } source { provider } } }',
        { id },
      ),
    );
    await waitUntil(
      async () => (await readyLive(gateway)).subscriptions === subs.length,
      'every open incident is subscribed',
    );
    await waitUntil(() => subs.some((s) => s.received.length > 0), 'a live entry arrives');
    await Promise.all(subs.map((s) => s.close()));
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 0, 'every subscription ended');

    subs.forEach((sub, i) => {
      expect(sub.errors).toEqual([]);
      for (const entry of sub.received) {
        // Each subscriber hears only its own incident, from the mock, as it happens.
        expect(entry.incident.id).toBe(ids[i]);
        expect(entry.source.provider).toBe('mock');
        expect(entry.body.length).toBeGreaterThan(0);
      }
      expect(new Set(sub.received.map((e) => e.id)).size).toBe(sub.received.length);
    });
    const live = subs.flatMap((s) => s.received);
    expect(live.length).toBeGreaterThan(0);
  });
});
