import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { type FakePagerDuty, pollOnlyAdapter, startFakePagerDuty } from '../../helpers/polled-pagerduty.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

interface Entry {
  id: string;
  body: string;
}

const TIMELINE = `subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }`;

describe('timeline polling of a provider that cannot push', () => {
  let fake: FakePagerDuty;
  let gateway: TestGateway;
  let incidentId: string;
  let polled: CallLog;
  let clock: CallLog;

  beforeAll(async () => {
    fake = await startFakePagerDuty();
    const watched = countingAdapter(pollOnlyAdapter(fake));
    // A second instance of the same provider, whose polls tell the test that poll intervals passed.
    const ticking = countingAdapter(pollOnlyAdapter(fake));
    polled = watched.log;
    clock = ticking.log;
    gateway = await startTestGateway(
      [
        { name: 'pagerduty', adapter: watched.adapter },
        { name: 'clock', adapter: ticking.adapter },
      ],
      { pollIntervalMs: 100 },
    );
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
    const pollsWhenStopped = polled.count('incident', 'timelines');
    // Three poll intervals pass, as the other instance's polls show; a poll already in flight may
    // still land, none is scheduled after it.
    clock.reset();
    const ticks = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: toGlobalId('Incident', 'clock', fake.incident.id) });
    await waitUntil(() => clock.count('incident', 'timelines') >= 3, 'three polls of the other instance');
    await ticks.close();
    expect(polled.count('incident', 'timelines') - pollsWhenStopped).toBeLessThanOrEqual(1);
  });
});
