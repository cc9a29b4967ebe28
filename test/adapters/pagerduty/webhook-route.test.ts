import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type FakeIncident, type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import {
  incidentAnnotatedBody,
  incidentEventBody,
  signPagerDutyDelivery as sign,
} from '../../fakes/pagerduty/webhook.js';
import { readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

const CURRENT = 'whsec-current-4c1f9a7e2b';
const PREVIOUS = 'whsec-previous-77aa01bd3c';

interface Entry {
  id: string;
  body: string;
}

const TIMELINE = `subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }`;

describe('PagerDuty v3 webhook', () => {
  let fake: PagerDutyFake;
  let gateway: TestGateway;
  let hook: string;
  let incident: FakeIncident;
  let incidentId: string;

  const deliver = (body: string, signature?: string) =>
    fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-pagerduty-signature': signature } : {}) },
      body,
    });

  beforeAll(async () => {
    fake = await startPagerDutyFake();
    seedPagerDuty(fake);
    const open = fake.incidents.find((i) => i.status === 'triggered');
    if (!open) throw new Error('the seeded account has no triggered incident');
    incident = open;
    const adapter = await pagerDutyAdapterAt(fake, { config: { webhookSecrets: [CURRENT, PREVIOUS] } });
    // Polling is off, so only the webhook can tell the gateway about a new entry.
    gateway = await startTestGateway([{ name: 'pagerduty', adapter }], { pollIntervalMs: 0 });
    // The URL PagerDuty subscriptions were given before the webhook moved into the adapter.
    hook = gateway.url.replace(/\/graphql$/, '/webhooks/pagerduty/pagerduty');
    incidentId = toGlobalId('Incident', 'pagerduty', incident.id);
  });
  afterAll(async () => {
    await gateway.stop();
    await fake.stop();
  });

  it('publishes the new entry of a signed delivery to subscribers, and rejects unsigned or wrongly signed ones with 401', async () => {
    const sub = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incidentId });
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'subscribed');

    const forged = fake.addNote(incident.id, 'Forged: please rotate all the keys');
    const forgedBody = incidentAnnotatedBody(incident, forged);
    expect((await deliver(forgedBody)).status).toBe(401);
    expect((await deliver(forgedBody, sign(forgedBody, 'not-our-secret-at-all'))).status).toBe(401);
    expect((await deliver(forgedBody, 'v1=deadbeef')).status).toBe(401);
    const tampered = forgedBody.replace('Forged', 'Farged');
    expect((await deliver(tampered, sign(forgedBody, CURRENT))).status).toBe(401);
    // Had a forged delivery been accepted, this entry would already be on its way to the subscriber.
    incident.notes.pop();
    incident.log_entries.pop();

    const note = fake.addNote(incident.id, 'Cache warmed, latency recovering');
    const body = incidentAnnotatedBody(incident, note);
    const accepted = await deliver(body, sign(body, 'a-secret-being-retired', PREVIOUS));
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
    incident.status = 'acknowledged';
    const body = incidentEventBody('incident.acknowledged', incident);
    expect((await deliver(body, sign(body, CURRENT))).status).toBe(202);
    const event = await sub.waitFor((e) => e.incident.id === incidentId, 'incident change');
    expect(event).toEqual({ incident: { id: incidentId, status: 'ACKNOWLEDGED' }, changedFields: ['status'] });
    await sub.close();
  });

  it('answers 400 to a signed body that is not a PagerDuty event, and 404 for an unknown provider', async () => {
    const garbage = '{"hello":"world"}';
    expect((await deliver(garbage, sign(garbage, CURRENT))).status).toBe(400);
    const body = incidentAnnotatedBody(incident, { id: 'P2LA89X', content: 'x' });
    const elsewhere = await fetch(hook.replace(/pagerduty$/, 'jira'), {
      method: 'POST',
      headers: { 'x-pagerduty-signature': sign(body, CURRENT) },
      body,
    });
    expect(elsewhere.status).toBe(404);
  });

  it('never echoes a secret', async () => {
    const body = incidentAnnotatedBody(incident, { id: 'P2LA89X', content: 'x' });
    const response = await deliver(body, sign(body, 'wrong-secret-value-here'));
    const text = await response.text();
    expect(text).not.toContain(CURRENT);
    expect(text).not.toContain(PREVIOUS);
  });

  it('is the generic route of the provider instance, POST /webhooks/<name>, too', async () => {
    incident.status = 'resolved';
    const body = incidentEventBody('incident.resolved', incident);
    const generic = gateway.url.replace(/\/graphql$/, '/webhooks/pagerduty');
    const response = await fetch(generic, {
      method: 'POST',
      headers: { 'x-pagerduty-signature': sign(body, CURRENT) },
      body,
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ published: 1 });
    const other = await fetch(gateway.url.replace(/\/graphql$/, '/webhooks/jira/pagerduty'), {
      method: 'POST',
      headers: { 'x-pagerduty-signature': sign(body, CURRENT) },
      body,
    });
    expect(other.status).toBe(404);
  });
});
