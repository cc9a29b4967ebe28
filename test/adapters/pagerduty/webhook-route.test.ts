import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { type FakePagerDuty, pollOnlyAdapter, startFakePagerDuty } from '../../helpers/polled-pagerduty.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

const CURRENT = 'whsec-current-4c1f9a7e2b';
const PREVIOUS = 'whsec-previous-77aa01bd3c';

interface Entry {
  id: string;
  body: string;
}

const TIMELINE = `subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }`;

function sign(body: string, secret: string): string {
  return `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** An `incident.annotated` delivery, shaped as PagerDuty's v3 webhook documentation shows it. */
function annotated(incidentId: string, content: string): string {
  return JSON.stringify({
    event: {
      id: `01DEN${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
      event_type: 'incident.annotated',
      resource_type: 'incident',
      occurred_at: new Date().toISOString(),
      agent: { id: 'PXPGF42', type: 'user_reference', summary: 'Earline Greenholt' },
      client: null,
      data: {
        incident: { id: incidentId, type: 'incident_reference', summary: 'Checkout latency' },
        id: 'P2LA89X',
        content,
        trimmed: false,
        type: 'incident_note',
      },
    },
  });
}

describe('PagerDuty v3 webhook', () => {
  let fake: FakePagerDuty;
  let gateway: TestGateway;
  let hook: string;
  let incidentId: string;

  const deliver = (body: string, signature?: string) =>
    fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-pagerduty-signature': signature } : {}) },
      body,
    });

  beforeAll(async () => {
    fake = await startFakePagerDuty();
    // Polling is off, so only the webhook can tell the gateway about a new entry.
    gateway = await startTestGateway([{ name: 'pagerduty', adapter: pollOnlyAdapter(fake) }], {
      pollIntervalMs: 0,
      webhooks: { pagerdutySecrets: [CURRENT, PREVIOUS] },
    });
    hook = gateway.url.replace(/\/graphql$/, '/webhooks/pagerduty/pagerduty');
    incidentId = toGlobalId('Incident', 'pagerduty', fake.incident.id);
  });
  afterAll(async () => {
    await gateway.stop();
    await fake.stop();
  });

  it('publishes the new entry of a signed delivery to subscribers, and rejects unsigned or wrongly signed ones with 401', async () => {
    const sub = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incidentId });
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'subscribed');

    const forged = fake.addNote('Forged: please rotate all the keys');
    const forgedBody = annotated(fake.incident.id, forged.summary);
    expect((await deliver(forgedBody)).status).toBe(401);
    expect((await deliver(forgedBody, sign(forgedBody, 'not-our-secret-at-all'))).status).toBe(401);
    expect((await deliver(forgedBody, 'v1=deadbeef')).status).toBe(401);
    const tampered = forgedBody.replace('Checkout', 'Cheekout');
    expect((await deliver(tampered, sign(forgedBody, CURRENT))).status).toBe(401);
    // Had a forged delivery been accepted, this entry would already be on its way to the subscriber.
    fake.logEntries.shift();

    fake.addNote('Cache warmed, latency recovering');
    const body = annotated(fake.incident.id, 'Cache warmed, latency recovering');
    const accepted = await deliver(body, `${sign(body, 'a-secret-being-retired')},${sign(body, PREVIOUS)}`);
    expect(accepted.status).toBe(202);
    await sub.waitFor((e) => e.body === 'Cache warmed, latency recovering', 'webhook entry');
    // PagerDuty redelivers when unsure; the same entry is not published twice.
    const again = await deliver(body, sign(body, CURRENT));
    expect(await again.json()).toEqual({ published: 0 });

    const marker = await gqlData<{ incidentTimelineAppend: { entry: Entry } }>(
      gateway.url,
      `mutation($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "marker" }) { entry { id body } } }`,
      { id: incidentId },
    );
    await sub.waitFor((e) => e.id === marker.incidentTimelineAppend.entry.id, 'marker entry');
    expect(sub.received.map((e) => e.body)).toEqual(['Cache warmed, latency recovering', 'marker']);

    await sub.close();
  });

  it('publishes a status change to incidentUpdated subscribers, with the incident as PagerDuty now has it', async () => {
    const sub = subscribe<{ incident: { id: string; status: string }; changedFields: string[] }>(
      gateway.wsUrl,
      'subscription { incidentUpdated { incident { id status } changedFields } }',
    );
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'subscribed');
    fake.incident.status = 'acknowledged';
    const body = JSON.stringify({
      event: {
        id: '5ac64822-4adc-4fda-ade0-410becf0de4f',
        event_type: 'incident.acknowledged',
        resource_type: 'incident',
        occurred_at: new Date().toISOString(),
        agent: { id: 'PLH1HKV', type: 'user_reference', summary: 'Tenex Engineer' },
        client: { name: 'PagerDuty' },
        data: { id: fake.incident.id, type: 'incident', status: 'acknowledged', title: fake.incident.title },
      },
    });
    expect((await deliver(body, sign(body, CURRENT))).status).toBe(202);
    const event = await sub.waitFor((e) => e.incident.id === incidentId, 'incident change');
    expect(event).toEqual({ incident: { id: incidentId, status: 'ACKNOWLEDGED' }, changedFields: ['status'] });
    await sub.close();
  });

  it('answers 400 to a signed body that is not a PagerDuty event, and 404 for an unknown provider', async () => {
    const garbage = '{"hello":"world"}';
    expect((await deliver(garbage, sign(garbage, CURRENT))).status).toBe(400);
    const body = annotated(fake.incident.id, 'x');
    const elsewhere = await fetch(hook.replace(/pagerduty$/, 'jira'), {
      method: 'POST',
      headers: { 'x-pagerduty-signature': sign(body, CURRENT) },
      body,
    });
    expect(elsewhere.status).toBe(404);
  });

  it('never echoes a secret', async () => {
    const body = annotated(fake.incident.id, 'x');
    const response = await deliver(body, sign(body, 'wrong-secret-value-here'));
    const text = await response.text();
    expect(text).not.toContain(CURRENT);
    expect(text).not.toContain(PREVIOUS);
  });
});
