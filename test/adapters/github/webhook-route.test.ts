/**
 * GitHub deliveries through the generic route, `POST /webhooks/<provider instance>`: a signed
 * `deployment_status` reaches `incidentTimelineUpdated` subscribers of the open incidents of the
 * repository's service once, however often GitHub redelivers it; anything unsigned gets 401.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../../adapters/contract/index.js';
import { createGitHubAdapter } from '../../../adapters/github/index.js';
import { deploymentStatusDelivery, postDelivery } from '../../fakes/github/deliveries.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

const SECRET = 'whsec-route-test-0123456789';

describe('GitHub webhook through the generic route', () => {
  let gateway: TestGateway;
  let incident: { id: string; service: { name: string } };
  let hook: string;

  const post = (delivery: WebhookDelivery, to = hook) => postDelivery(to, delivery);

  beforeAll(async () => {
    const mock = await mockAdapter();
    const probe = await startTestGateway([{ name: 'mock', adapter: mock }]);
    const data = await gqlData<{ incidents: { nodes: (typeof incident | { id: string; service: null })[] } }>(
      probe.url,
      '{ incidents(first: 20, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { nodes { id service { name } } } }',
    );
    await probe.stop();
    const found = data.incidents.nodes.find((n): n is typeof incident => n.service !== null);
    if (!found) throw new Error('the mock world has no open incident with a service');
    incident = found;
    const github = await createGitHubAdapter(
      { token: 'ghp_unused', owner: 'acme', repo: 'checkout', service: incident.service.name, webhookSecret: SECRET },
      { name: 'github', logger: testLogger },
    );
    gateway = await startTestGateway([
      { name: 'mock', adapter: await mockAdapter() },
      { name: 'github', adapter: github, capabilities: ['ticket', 'deployment'] },
    ]);
    hook = gateway.url.replace(/\/graphql$/, '/webhooks/github');
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('delivers a deployment status to the service’s open incidents once, and refuses bad signatures', async () => {
    const sub = subscribe<{ id: string; kind: string; body: string; url: string | null }>(
      gateway.wsUrl,
      'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id kind body url } }',
      { id: incident.id },
    );
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'subscribed');

    const forged = deploymentStatusDelivery('whsec-not-the-right-secret');
    expect((await post(forged)).status).toBe(401);
    const unsigned = deploymentStatusDelivery(SECRET);
    expect(
      (await post({ ...unsigned, headers: { ...unsigned.headers, 'x-hub-signature-256': undefined } })).status,
    ).toBe(401);
    expect((await post(unsigned, hook.replace(/github$/, 'nobody'))).status).toBe(404);

    const delivery = deploymentStatusDelivery(SECRET);
    const first = await post(delivery);
    expect(first.status).toBe(202);
    expect(((await first.json()) as { published: number }).published).toBeGreaterThanOrEqual(1);
    // GitHub redelivers on a timeout, or when someone presses "Redeliver": same status ID, same entry.
    expect(await (await post(delivery)).json()).toEqual({ published: 0 });
    // A later status of another deployment is news.
    expect((await post(deploymentStatusDelivery(SECRET, { id: 777002, state: 'success' }))).status).toBe(202);

    await sub.waitFor((e) => e.body.includes(': success'), 'the second deployment status');
    expect(sub.received.map(({ kind, body, url }) => ({ kind, body, url }))).toEqual([
      {
        kind: 'DEPLOYMENT',
        body: 'Deployment of v1.30.0 (1ec0ffe) to production: failure — Smoke tests failed',
        url: 'https://github.com/acme/checkout/actions/runs/42/job/1',
      },
      {
        kind: 'DEPLOYMENT',
        body: 'Deployment of v1.30.0 (1ec0ffe) to production: success — Smoke tests failed',
        url: 'https://github.com/acme/checkout/actions/runs/42/job/1',
      },
    ]);
    await sub.close();
  });

  it('answers 400 for a signed body that is not the documented payload', async () => {
    const bad = deploymentStatusDelivery(SECRET);
    const rawBody = Buffer.from(JSON.stringify({ action: 'created' }));
    const signature = `sha256=${createHmac('sha256', SECRET).update(rawBody).digest('hex')}`;
    const res = await post({ rawBody, headers: { ...bad.headers, 'x-hub-signature-256': signature } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^unexpected payload: deployment_status/);
  });
});
