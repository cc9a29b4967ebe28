import { describe, expect, it } from 'vitest';
import { DEDUPE_MAX_KEYS, InMemoryPubSub } from '../../../src/events/pubsub.js';
import { RecentKeys } from '../../../src/events/recent-keys.js';

describe('RecentKeys', () => {
  it('claims a key once within its window and again once the window has passed', () => {
    const keys = new RecentKeys(1000, 10);
    expect(keys.claim('a', 0)).toBe(true);
    expect(keys.claim('a', 999)).toBe(false);
    expect(keys.claim('a', 1000)).toBe(true);
  });

  it('holds at most maxKeys under a stream of distinct keys, forgetting the oldest first', () => {
    const keys = new RecentKeys(60_000, 1000);
    for (let i = 0; i < 30_000; i++) expect(keys.claim(`k${i}`, i)).toBe(true);
    expect(keys.size).toBe(1000);
    // The newest are still remembered; the oldest were forgotten before their time.
    expect(keys.claim('k29999', 30_000)).toBe(false);
    expect(keys.claim('k29000', 30_000)).toBe(false);
    expect(keys.claim('k0', 30_000)).toBe(true);
    expect(keys.size).toBe(1000);
  });

  it('does not forget a key to make room for a duplicate', () => {
    const keys = new RecentKeys(60_000, 2);
    keys.claim('a', 0);
    keys.claim('b', 0);
    expect(keys.claim('b', 1)).toBe(false);
    expect(keys.claim('a', 1)).toBe(false);
  });
});

describe('the in-memory pub/sub de-duplication', () => {
  it('stays bounded past its key limit while still dropping a recent duplicate', async () => {
    const pubsub = new InMemoryPubSub();
    const topic = 'bounded';
    const total = DEDUPE_MAX_KEYS + 5_000;
    for (let i = 0; i < total; i++) await pubsub.publish(topic, i, { key: `event-${i}` });
    expect(await pubsub.publish(topic, -1, { key: `event-${total - 1}` })).toBe(false);
    // The oldest keys went to make room: the first event is news again, well inside its window.
    expect(await pubsub.publish(topic, 0, { key: 'event-0' })).toBe(true);
    await pubsub.close();
  });
});
