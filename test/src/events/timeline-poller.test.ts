import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { bearer, makeToken } from '../../helpers/auth.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { type PolledPagerDuty, startPolledPagerDuty } from '../../helpers/polled-pagerduty.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

interface Entry {
  id: string;
  body: string;
}

const TIMELINE = `subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }`;

describe('timeline polling of a provider that cannot push', () => {
  let pd: PolledPagerDuty;
  let gateway: TestGateway;
  let incidentId: string;
  let polled: CallLog;
  let clock: CallLog;

  beforeAll(async () => {
    pd = await startPolledPagerDuty();
    const watched = countingAdapter(await pd.adapter());
    // A second instance of the same provider, whose polls tell the test that poll intervals passed.
    const ticking = countingAdapter(await pd.adapter('clock'));
    polled = watched.log;
    clock = ticking.log;
    gateway = await startTestGateway(
      [
        { name: 'pagerduty', adapter: watched.adapter },
        { name: 'clock', adapter: ticking.adapter },
      ],
      { pollIntervalMs: 100 },
    );
    incidentId = toGlobalId('Incident', 'pagerduty', pd.incident.id);
  });
  afterAll(async () => {
    await gateway.stop();
    await pd.stop();
  });

  it('polls nothing while nobody subscribes', async () => {
    const before = pd.timelineReads();
    const other = subscribe(gateway.wsUrl, `subscription { incidentUpdated { changedFields } }`);
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'an unrelated subscription');
    expect((await readyLive(gateway)).timelinePolling).toEqual({ watched: 0, polling: 0, remembered: 0 });
    await other.close();
    expect(pd.timelineReads()).toBe(before);
  });

  it('delivers a new entry once although every poll returns it, and stops when the last subscriber leaves', async () => {
    const a = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incidentId });
    const b = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incidentId });
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.polling === 1, 'the incident is polled');
    expect((await readyLive(gateway)).timelinePolling).toMatchObject({ watched: 1, polling: 1 });

    const first = pd.addNote('Scaled the checkout pool to 12');
    await a.waitFor((e) => e.body === first.content, 'first polled entry');
    const readsAfterFirst = pd.timelineReads();
    await waitUntil(() => pd.timelineReads() >= readsAfterFirst + 3, 'three more polls returning the same entry');
    const second = pd.addNote('Latency back under 300 ms');
    await a.waitFor((e) => e.body === second.content, 'second polled entry');
    await b.waitFor((e) => e.body === second.content, 'second polled entry on the other subscriber');
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
    const ticks = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: toGlobalId('Incident', 'clock', pd.incident.id) });
    await waitUntil(() => clock.count('incident', 'timelines') >= 3, 'three polls of the other instance');
    await ticks.close();
    expect(polled.count('incident', 'timelines') - pollsWhenStopped).toBeLessThanOrEqual(1);
  });
});

describe('timeline polling bounds', () => {
  const PROVIDERS = ['p1', 'p2', 'p3', 'p4', 'p5'];
  const MAX_POLLED = 2;
  const REMEMBERED = 5;
  let pd: PolledPagerDuty;
  let gateway: TestGateway;
  const logs = new Map<string, CallLog>();
  const idOf = (provider: string) => toGlobalId('Incident', provider, pd.incident.id);

  beforeAll(async () => {
    pd = await startPolledPagerDuty();
    gateway = await startTestGateway(
      await Promise.all(
        PROVIDERS.map(async (name) => {
          const counted = countingAdapter(await pd.adapter(name));
          logs.set(name, counted.log);
          return { name, adapter: counted.adapter };
        }),
      ),
      { pollIntervalMs: 100, limits: { maxPolledIncidents: MAX_POLLED, pollRememberedEntries: REMEMBERED } },
    );
  });
  afterAll(async () => {
    await gateway.stop();
    await pd.stop();
  });

  it('refuses subscriptions that would poll one incident past the cap, and admits them once there is room', async () => {
    const p1 = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: idOf('p1') });
    const p2 = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: idOf('p2') });
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.watched === 2, 'two incidents polled');

    const refused = ['p3', 'p4', 'p5'].map((name) => subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: idOf(name) }));
    for (const subscription of refused) {
      await waitUntil(() => subscription.errors.length > 0, 'the refusal');
      expect(subscription.errors).toEqual([
        expect.objectContaining({
          message:
            'incidents this process polls for timeline subscribers: 3 incidents is 1 over the limit of 2 (OPSORCH_MAX_POLLED_INCIDENTS)',
          extensions: { code: 'TOO_MANY_POLLED_INCIDENTS', limit: 'OPSORCH_MAX_POLLED_INCIDENTS', max: 2, actual: 3 },
        }),
      ]);
      await subscription.close();
    }
    // Another subscriber of an incident already polled costs no polling and is admitted.
    const again = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: idOf('p1') });
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 3, 'the second p1 subscriber');
    expect((await readyLive(gateway)).timelinePolling.watched).toBe(MAX_POLLED);
    for (const name of ['p3', 'p4', 'p5']) expect(logs.get(name)?.count('incident', 'timelines')).toBe(0);

    await Promise.all([p1.close(), again.close()]);
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.watched === 1, 'p1 no longer polled');
    const p3 = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: idOf('p3') });
    await waitUntil(() => (logs.get('p3')?.count('incident', 'timelines') ?? 0) > 0, 'p3 polled');
    expect(p3.errors).toEqual([]);
    await Promise.all([p2.close(), p3.close()]);
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.watched === 0, 'polling stops');
  });

  it('remembers a bounded number of entry IDs per incident and still delivers each entry once', async () => {
    const watcher = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: idOf('p1') });
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.remembered > 0, 'a first poll');
    const bodies: string[] = [];
    for (let round = 0; round < 4; round++) {
      // Each round adds more entries than are remembered, so every poll forgets some.
      for (let i = 0; i < 2 * REMEMBERED; i++) bodies.push(pd.addNote(`round ${round} note ${i}`).content);
      await watcher.waitFor((e) => e.body === bodies.at(-1), `round ${round}`);
      const reads = pd.timelineReads();
      await waitUntil(() => pd.timelineReads() >= reads + 3, 'three more polls over the same entries');
      expect((await readyLive(gateway)).timelinePolling.remembered).toBe(REMEMBERED);
    }
    expect(pd.incident.notes.length).toBe(8 * REMEMBERED);
    expect(watcher.received.map((e) => e.body)).toEqual(bodies);
    await watcher.close();
  });
});

describe('timeline polling and authorization', () => {
  const reader = makeToken('reader', ['read']);
  const writer = makeToken('writer', ['write']);
  let pd: PolledPagerDuty;
  let gateway: TestGateway;
  let calls: CallLog;

  beforeAll(async () => {
    pd = await startPolledPagerDuty();
    const counted = countingAdapter(await pd.adapter());
    calls = counted.log;
    gateway = await startTestGateway([{ name: 'pagerduty', adapter: counted.adapter }], {
      pollIntervalMs: 100,
      security: { auth: { tokens: [reader.entry, writer.entry] } },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await pd.stop();
  });

  it('polls nothing for a subscriber without the read scope, and polls for one with it', async () => {
    const id = toGlobalId('Incident', 'pagerduty', pd.incident.id);
    const denied = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id }, undefined, bearer(writer.token));
    await waitUntil(() => denied.errors.length > 0, 'the refusal');
    expect(denied.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect(gateway.liveStats().timelinePolling.watched).toBe(0);
    expect(calls.count()).toBe(0);
    expect(pd.timelineReads()).toBe(0);
    await denied.close();

    const allowed = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id }, undefined, bearer(reader.token));
    await waitUntil(() => pd.timelineReads() > 0, 'the incident is polled');
    expect(allowed.errors).toEqual([]);
    await allowed.close();
  });
});
