/**
 * Deliveries from Datadog's Webhooks integration through the generic `POST /webhooks/<instance>`
 * route: an authorised incident notification reaches `incidentTimelineUpdated` subscribers once
 * (with the timeline cell as Datadog holds it), a redelivery publishes nothing, and a delivery
 * without the token, or with a wrong one, is refused with 401.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatadogAdapter } from '../../../adapters/datadog/index.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { seedDatadog } from '../../fakes/datadog/seed.js';
import { type DatadogFake, startDatadogFake } from '../../fakes/datadog/server.js';
import { readyLive, startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

const TOKEN = 'dd-webhook-token-5f2c9a7e41b3';

let fake: DatadogFake;
let gateway: TestGateway;
let hook: string;

/** The payload template the README gives for the webhook, as Datadog fills it in. */
function notification(incidentUuid: string, publicId: number, lastUpdated: number): string {
  return JSON.stringify({
    id: '7447215431213431234',
    event_type: 'incident_notification',
    date: String(lastUpdated),
    last_updated: String(lastUpdated),
    title: `[Incident #${publicId}] checkout errors`,
    incident_uuid: incidentUuid,
    incident_public_id: String(publicId),
    incident_status: 'active',
    incident_severity: 'SEV-2',
  });
}

const deliver = (body: string, authorization?: string) =>
  fetch(hook, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body,
  });

beforeAll(async () => {
  fake = await startDatadogFake();
  seedDatadog(fake);
  const adapter = await createDatadogAdapter(
    { apiKey: fake.apiKey, appKey: fake.appKey, apiURL: fake.url, webhookToken: TOKEN },
    { name: 'datadog', logger: testLogger },
  );
  gateway = await startTestGateway([{ name: 'datadog', adapter }]);
  hook = gateway.url.replace(/\/graphql$/, '/webhooks/datadog');
});
afterAll(async () => {
  await gateway?.stop();
  await fake?.stop();
});

describe('Datadog webhook', () => {
  it('publishes the new timeline cell of an authorised notification once, and refuses unauthorised ones with 401', async () => {
    const incident = fake.incidents[0];
    if (!incident) throw new Error('seed has no incident');
    const sub = subscribe<{ id: string; body: string }>(
      gateway.wsUrl,
      'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }',
      { id: toGlobalId('Incident', 'datadog', incident.id) },
    );
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'subscribed');

    const cell = fake.addCell(incident.id, 'Rolled back checkout to 1.41');
    const body = notification(incident.id, incident.public_id, Date.now());
    expect((await deliver(body)).status).toBe(401);
    expect((await deliver(body, 'Bearer not-the-token-at-all')).status).toBe(401);
    expect((await deliver(body, `Basic ${Buffer.from('datadog:wrong-password').toString('base64')}`)).status).toBe(401);

    const accepted = await deliver(body, `Bearer ${TOKEN}`);
    expect(accepted.status).toBe(202);
    const entry = await sub.waitFor((e) => e.body === 'Rolled back checkout to 1.41', 'webhook entry');
    expect(Buffer.from(entry.id, 'base64url').toString('utf8')).toContain(cell.id);

    // Datadog retries a delivery it is unsure of; the same cell is not published twice.
    const again = await deliver(body, `Basic ${Buffer.from(`datadog:${TOKEN}`).toString('base64')}`);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ published: 0 });
    expect(sub.received.filter((e) => e.body === 'Rolled back checkout to 1.41')).toHaveLength(1);
    await sub.close();
  });

  it('answers 400 to an authorised body that is not a Datadog payload, and never echoes the token', async () => {
    const garbage = await deliver('{"hello":"world"}', `Bearer ${TOKEN}`);
    expect(garbage.status).toBe(400);
    const refused = await deliver('{}', 'Bearer wrong-token-value-123456');
    expect(await refused.text()).not.toContain(TOKEN);
  });
});
