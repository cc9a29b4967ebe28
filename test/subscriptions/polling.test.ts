import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graphql/ids.js';
import { readyLive, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type FakePagerDuty, pollOnlyAdapter, startFakePagerDuty } from './support/pagerduty.js';
import { subscribe, waitUntil } from './support/ws.js';

interface Entry {
  id: string;
  body: string;
}

const TIMELINE = `subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }`;

describe('timeline polling of a provider that cannot push', () => {
  let fake: FakePagerDuty;
  let gateway: TestGateway;
  let incidentId: string;

  beforeAll(async () => {
    fake = await startFakePagerDuty();
    gateway = await startTestGateway([{ name: 'pagerduty', adapter: pollOnlyAdapter(fake) }], { pollIntervalMs: 100 });
    incidentId = toGlobalId('Incident', 'pagerduty', fake.incident.id);
  });
  afterAll(async () => {
    await gateway.stop();
    await fake.stop();
  });

  it('polls nothing while nobody subscribes', async () => {
    const before = fake.logEntryReads;
    const other = subscribe(gateway.wsUrl, `subscription { incidentUpdated { changedFields } }`);
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'an unrelated subscription');
    expect((await readyLive(gateway)).timelinePolling).toEqual({ watched: 0, polling: 0 });
    await other.close();
    expect(fake.logEntryReads).toBe(before);
  });

  it('delivers a new entry once although every poll returns it, and stops when the last subscriber leaves', async () => {
    const a = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incidentId });
    const b = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incidentId });
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.polling === 1, 'the incident is polled');
    expect((await readyLive(gateway)).timelinePolling).toEqual({ watched: 1, polling: 1 });

    const first = fake.addNote('Scaled the checkout pool to 12');
    await a.waitFor((e) => e.body === first.summary, 'first polled entry');
    const readsAfterFirst = fake.logEntryReads;
    await waitUntil(() => fake.logEntryReads >= readsAfterFirst + 3, 'three more polls returning the same entry');
    const second = fake.addNote('Latency back under 300 ms');
    await a.waitFor((e) => e.body === second.summary, 'second polled entry');
    await b.waitFor((e) => e.body === second.summary, 'second polled entry on the other subscriber');
    expect(a.received.map((e) => e.body)).toEqual(['Scaled the checkout pool to 12', 'Latency back under 300 ms']);
    expect(b.received).toEqual(a.received);
    expect(new Set(a.received.map((e) => e.id)).size).toBe(2);

    await a.close();
    expect((await readyLive(gateway)).timelinePolling.watched).toBe(1);
    await b.close();
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.watched === 0, 'polling stops');
    const readsWhenStopped = fake.logEntryReads;
    // A poll already in flight may still land; none is scheduled after it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fake.logEntryReads - readsWhenStopped).toBeLessThanOrEqual(1);
  });
});
