/**
 * Event intake: provider events from any source become typed changes published once. Runs the
 * floor in-process over a fake PagerDuty that cannot push, with the in-memory pub/sub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../../../adapters/contract/index.js';
import { DataFloor } from '../../../src/data/floor.js';
import type { IncidentUpdatedEventNode, TimelineEntryNode } from '../../../src/data/models.js';
import { InMemoryPubSub, type Subscription } from '../../../src/events/pubsub.js';
import { topics } from '../../../src/events/topics.js';
import { AdapterRegistry } from '../../../src/providers/registry.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { testLogger } from '../../helpers/gateway.js';
import { type PolledPagerDuty, startPolledPagerDuty } from '../../helpers/polled-pagerduty.js';

/** Collects what a subscription receives; `count(n)` resolves once `n` items have arrived. */
function collect<T>(subscription: Subscription<T>): { items: T[]; count(n: number): Promise<T[]> } {
  const items: T[] = [];
  const waiters: (() => void)[] = [];
  void (async () => {
    for await (const item of subscription) {
      items.push(item);
      for (const wake of waiters.splice(0)) wake();
    }
  })();
  const count = async (n: number): Promise<T[]> => {
    while (items.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return items;
  };
  return { items, count };
}

describe('EventIntake', () => {
  let pd: PolledPagerDuty;
  let floor: DataFloor;
  let log: CallLog;
  let pubsub: InMemoryPubSub;
  let timeline: ReturnType<typeof collect<TimelineEntryNode>>;
  let changes: ReturnType<typeof collect<IncidentUpdatedEventNode>>;
  const stop = new AbortController();

  beforeAll(async () => {
    pd = await startPolledPagerDuty();
    const counted = countingAdapter(await pd.adapter('pd'));
    log = counted.log;
    const registry = new AdapterRegistry([
      { name: 'pd', kind: 'pagerduty', adapter: counted.adapter, capabilities: ['incident'] },
    ]);
    pubsub = new InMemoryPubSub();
    floor = new DataFloor({ registry, pubsub, logger: testLogger, loaders: { batch: true } });
    const timelineTopic = topics.timeline({ provider: 'pd', capability: 'incident', nativeId: pd.incident.id });
    const timelineSub = pubsub.subscribe<TimelineEntryNode>(timelineTopic, stop.signal);
    const changesSub = pubsub.subscribe<IncidentUpdatedEventNode>(topics.incidents, stop.signal);
    await Promise.all([timelineSub.ready, changesSub.ready]);
    timeline = collect(timelineSub);
    changes = collect(changesSub);
  });
  afterAll(async () => {
    stop.abort();
    floor.stop();
    await pubsub.close();
    await pd.stop();
  });

  it('resolves "incident.changed" by re-reading the incident and its recent timeline, oldest entry first', async () => {
    const a = pd.addNote('Paged the database team');
    const b = pd.addNote('Failing over');
    pd.incident.status = 'acknowledged';
    log.reset();
    const event: ProviderEvent = {
      type: 'incident.changed',
      incidentId: pd.incident.id,
      occurredAt: b.created_at,
      changedFields: ['status'],
    };
    expect(await floor.intake.accept('pd', [event], 'webhook')).toBe(3);
    expect((await timeline.count(2)).map((e) => [e.body, e.provider])).toEqual([
      [a.content, 'pd'],
      [b.content, 'pd'],
    ]);
    const [change] = await changes.count(1);
    expect(change).toMatchObject({ incident: { id: pd.incident.id, status: 'ACKNOWLEDGED', provider: 'pd' } });
    expect(change?.changedFields).toEqual(['status']);
    expect(log.calls.map((c) => c.op).sort()).toEqual(['getMany', 'timelines']);

    // A retried delivery carries the same event: nothing goes out twice.
    expect(await floor.intake.accept('pd', [event], 'webhook')).toBe(0);
  });

  it('publishes an entry once whichever source reports it first', async () => {
    const note = pd.addNote('Rolled back');
    const entry = {
      id: note.id,
      url: null,
      incidentId: pd.incident.id,
      kind: 'NOTE' as const,
      body: note.content,
      at: note.created_at,
    };
    expect(await floor.intake.accept('pd', [{ type: 'timeline.appended', entry }], 'poller')).toBe(1);
    expect(await floor.intake.accept('pd', [{ type: 'timeline.appended', entry }], 'webhook')).toBe(0);
    const marker = { ...entry, id: 'marker', body: 'marker' };
    await floor.intake.accept('pd', [{ type: 'timeline.appended', entry: marker }], 'event');
    expect((await timeline.count(4)).slice(2).map((e) => e.id)).toEqual([note.id, 'marker']);
  });

  it('stamps what an adapter stream reports with the provider instance', async () => {
    const incident = {
      id: pd.incident.id,
      url: null,
      title: 'Checkout latency',
      status: 'RESOLVED' as const,
      severity: 'HIGH' as const,
      createdAt: pd.incident.created_at,
      assignees: [],
    };
    await floor.intake.accept('pd', [{ type: 'incident.updated', incident, changedFields: ['status'] }], 'event');
    // The retried delivery in the first test published nothing: this is the second change.
    const change = (await changes.count(2))[1];
    expect(changes.items).toHaveLength(2);
    expect(change).toMatchObject({ incident: { provider: 'pd', status: 'RESOLVED' }, previousStatus: null });
  });

  it('rejects when the re-read fails, so a webhook sender retries', async () => {
    await expect(
      floor.intake.accept(
        'pd',
        [{ type: 'incident.changed', incidentId: 'PNOSUCH', occurredAt: new Date().toISOString(), changedFields: [] }],
        'webhook',
      ),
    ).rejects.toThrow();
  });
});
