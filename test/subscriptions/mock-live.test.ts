import { afterAll, beforeAll, describe, it } from 'vitest';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gqlData } from '../helpers/graphql.js';
import { subscribe, waitUntil } from './support/ws.js';

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
    const subs = data.incidents.edges.map((e) =>
      subscribe<{ id: string }>(
        gateway.wsUrl,
        'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }',
        { id: e.node.id },
      ),
    );
    const changes = subscribe(gateway.wsUrl, 'subscription { incidentUpdated { changedFields } }');
    await waitUntil(
      async () => (await readyLive(gateway)).subscriptions === subs.length + 1,
      'every open incident is subscribed',
    );
    await waitUntil(() => subs.some((s) => s.received.length > 0), 'a live entry arrives');
    await Promise.all([...subs, changes].map((s) => s.close()));
  });
});
