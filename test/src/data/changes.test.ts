/** Typed changes reach the in-memory pub/sub on the topics built from their record references. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Changes, incidentRef, incidentUpdated, timelineAppended } from '../../../src/data/changes.js';
import type { IncidentNode, IncidentUpdatedEventNode, TimelineEntryNode } from '../../../src/data/models.js';
import { InMemoryPubSub, type Subscription } from '../../../src/events/pubsub.js';
import { topics } from '../../../src/events/topics.js';

function entry(id: string, provider = 'pd', incidentId = 'P1'): TimelineEntryNode {
  return {
    id,
    incidentId,
    kind: 'NOTE',
    body: `note ${id}`,
    actor: 'ops',
    at: '2026-11-20T12:00:00.000Z',
    url: null,
    provider,
  };
}

function update(id: string, status: IncidentNode['status']): IncidentUpdatedEventNode {
  const incident: IncidentNode = {
    id,
    provider: 'pd',
    title: 'checkout down',
    status,
    severity: 'HIGH',
    createdAt: '2026-11-20T11:00:00.000Z',
    assignees: [],
    url: null,
  };
  return { incident, changedFields: ['status'], previousStatus: 'TRIGGERED', at: '2026-11-20T12:00:00.000Z' };
}

/** What a subscription has received once `n` items arrived. */
async function take<T>(subscription: Subscription<T>, n: number): Promise<T[]> {
  const items: T[] = [];
  for await (const item of subscription) {
    items.push(item);
    if (items.length === n) break;
  }
  return items;
}

describe('change constructors', () => {
  it('refer to the incident by provider, capability and native ID', () => {
    expect(incidentRef('pd', 'P1')).toEqual({ provider: 'pd', capability: 'incident', nativeId: 'P1' });
    expect(timelineAppended(entry('E1', 'jira', 'OPS-7')).incident).toEqual(incidentRef('jira', 'OPS-7'));
    expect(incidentUpdated(update('P9', 'RESOLVED')).incident).toEqual(incidentRef('pd', 'P9'));
  });
});

describe('Changes', () => {
  let pubsub: InMemoryPubSub;
  let stop: AbortController;
  const pushing = new Set(['mock']);

  beforeEach(() => {
    pubsub = new InMemoryPubSub();
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    await pubsub.close();
  });

  it("publishes an entry to its incident's timeline topic only, and each entry once", async () => {
    const changes = new Changes(pubsub, (p) => pushing.has(p));
    const mine = changes.timeline(incidentRef('pd', 'P1'), stop.signal);
    const other = pubsub.subscribe<TimelineEntryNode>(topics.timeline(incidentRef('pd', 'P2')), stop.signal);
    await Promise.all([mine.ready, other.ready]);
    expect(await changes.publish(timelineAppended(entry('E1')))).toBe(true);
    expect(await changes.publish(timelineAppended(entry('E1')))).toBe(false);
    expect(await changes.publish(timelineAppended(entry('E2')))).toBe(true);
    expect((await take(mine, 2)).map((e) => e.id)).toEqual(['E1', 'E2']);
    expect(pubsub.activeTopics()).toContain(topics.timeline(incidentRef('pd', 'P2')));
    await other.return?.();
  });

  it('publishes incident changes to every watcher; a repeated key goes out once, changes without one each time', async () => {
    const changes = new Changes(pubsub, () => false);
    const watcher = changes.incidents(stop.signal);
    await watcher.ready;
    expect(await changes.publish(incidentUpdated(update('P1', 'ACKNOWLEDGED')), 'delivery-1')).toBe(true);
    expect(await changes.publish(incidentUpdated(update('P1', 'ACKNOWLEDGED')), 'delivery-1')).toBe(false);
    expect(await changes.publish(incidentUpdated(update('P1', 'RESOLVED')))).toBe(true);
    expect(await changes.publish(incidentUpdated(update('P1', 'RESOLVED')))).toBe(true);
    const received = await take(watcher, 3);
    expect(received.map((e) => e.incident.status)).toEqual(['ACKNOWLEDGED', 'RESOLVED', 'RESOLVED']);
  });

  it("announces a write's changes unless the provider reports them itself", async () => {
    const changes = new Changes(pubsub, (p) => pushing.has(p));
    const watcher = changes.incidents(stop.signal);
    await watcher.ready;
    await changes.ofWrite('mock', [
      incidentUpdated({
        ...update('M1', 'RESOLVED'),
        incident: { ...update('M1', 'RESOLVED').incident, provider: 'mock' },
      }),
    ]);
    await changes.ofWrite('pd', [
      incidentUpdated(update('P1', 'RESOLVED')),
      incidentUpdated(update('P2', 'MITIGATED')),
    ]);
    const received = await take(watcher, 2);
    expect(received.map((e) => `${e.incident.provider}:${e.incident.id}`)).toEqual(['pd:P1', 'pd:P2']);
  });

  it('ends a watch when its signal aborts', async () => {
    const changes = new Changes(pubsub, () => false);
    const leaving = new AbortController();
    const watcher = changes.incidents(leaving.signal);
    await watcher.ready;
    expect(pubsub.subscriberCount()).toBe(1);
    leaving.abort();
    expect(await watcher.next()).toEqual({ done: true, value: undefined });
    expect(pubsub.subscriberCount()).toBe(0);
  });
});
