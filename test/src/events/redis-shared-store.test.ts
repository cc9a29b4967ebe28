import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSharedStore } from '../../../src/events/redis-shared-store.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';

/** Waits for Redis's announcement to come round (real I/O, no clock involved). */
async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out waiting for the announcement');
    await new Promise(setImmediate);
  }
}

describe('RedisSharedStore on a real Redis', () => {
  let redis: TestRedis;
  let client: Redis;
  let store: RedisSharedStore;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    store = new RedisSharedStore(client, 'test:');
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  it('never returns what was stored in a generation a change ended, in that namespace only', async () => {
    const team = await store.get('p/team', ['t1']);
    const service = await store.get('p/service', ['s1']);
    expect(team).toEqual({ generation: '0', values: [undefined] });
    // A read that began before the change stores what it fetched after it.
    await store.clear(['p/team']);
    await store.set('p/team', team.generation, [{ name: 't1', value: 'old', ttlMs: 60_000 }]);
    await store.set('p/service', service.generation, [{ name: 's1', value: 'kept', ttlMs: 60_000 }]);
    expect(await store.get('p/team', ['t1'])).toEqual({ generation: '1', values: [undefined] });
    expect(await store.get('p/service', ['s1'])).toEqual({ generation: '0', values: ['kept'] });

    await store.set('p/team', '1', [{ name: 't1', value: 'new', ttlMs: 60_000 }]);
    expect(await store.get('p/team', ['t1', 't2'])).toEqual({ generation: '1', values: ['new', undefined] });
  });

  it('gives every value its own expiry in Redis', async () => {
    await store.set('p/metric', '0', [
      { name: 'm1', value: '1', ttlMs: 30_000 },
      { name: 'm2', value: '2', ttlMs: 5_000 },
    ]);
    const m1 = await client.pttl('test:cache:p/metric:0:m1');
    const m2 = await client.pttl('test:cache:p/metric:0:m2');
    expect(m1).toBeGreaterThan(5_000);
    expect(m1).toBeLessThanOrEqual(30_000);
    expect(m2).toBeGreaterThan(0);
    expect(m2).toBeLessThanOrEqual(5_000);
  });

  it('grants a claim to one caller per name and generation, each claim for its own time', async () => {
    expect(await store.claim('p/team', '0', ['t1', 't2'], 30_000)).toEqual([true, true]);
    expect(await store.claim('p/team', '0', ['t1', 't3'], 30_000)).toEqual([false, true]);
    // A change ends the generation: what is read after it is claimed anew.
    expect(await store.claim('p/team', '1', ['t1'], 5_000)).toEqual([true]);
    const claimed = await client.pttl('test:cache:p/team:claim:0:t1');
    const anew = await client.pttl('test:cache:p/team:claim:1:t1');
    expect(claimed).toBeGreaterThan(5_000);
    expect(claimed).toBeLessThanOrEqual(30_000);
    expect(anew).toBeGreaterThan(0);
    expect(anew).toBeLessThanOrEqual(5_000);
  });

  /** Another instance's store, on a connection of its own that hears announcements, and what it heard. */
  const listening = async () => {
    const subscriber = new Redis(redis.url);
    const other = new RedisSharedStore(client, 'test:', subscriber);
    const heard: [string, readonly string[]][] = [];
    other.onSettled((namespace, names) => {
      heard.push([namespace, names]);
    });
    await other.listen();
    return { other, heard, stop: () => subscriber.disconnect() };
  };

  it('announces what a claimant settled after storing it, and ends only its own claims on what it did not store', async () => {
    const { other, heard, stop } = await listening();
    try {
      expect(await store.claim('p/plan', '0', ['stored', 'failed'], 30_000)).toEqual([true, true]);
      expect(await other.claim('p/plan', '0', ['theirs'], 30_000)).toEqual([true]);
      await store.set('p/plan', '0', [{ name: 'stored', value: 'v', ttlMs: 60_000 }], ['stored', 'failed', 'theirs']);
      // Told after the value landed: a waiter that hears it finds the value.
      await waitFor(() => heard.length === 1);
      expect(heard).toEqual([['p/plan', ['stored', 'failed', 'theirs']]]);
      expect(await store.get('p/plan', ['stored'])).toEqual({ generation: '0', values: ['v'] });
      // The stored value's claim runs out on its own; the failed one's ends now; another's stays.
      expect(await client.exists('test:cache:p/plan:claim:0:stored')).toBe(1);
      expect(await client.exists('test:cache:p/plan:claim:0:failed')).toBe(0);
      expect(await client.exists('test:cache:p/plan:claim:0:theirs')).toBe(1);
    } finally {
      stop();
    }
  });

  it('drops an announcement that is damaged or not one of ours', async () => {
    const { heard, stop } = await listening();
    try {
      for (const raw of ['not json', 'null', '[]', '{"namespace":1,"names":[]}', '{"namespace":"p/team"}']) {
        await client.publish('test:cache:settled', raw);
      }
      await client.publish('test:cache:settled', JSON.stringify({ namespace: 'p/team', names: ['t1', 2] }));
      // Redis delivers in order: once the good one is heard, every damaged one before it was dropped.
      await waitFor(() => heard.length > 0);
      expect(heard).toEqual([['p/team', ['t1']]]);
    } finally {
      stop();
    }
  });

  it('fails a store Redis refuses', async () => {
    await client.set('test:cache:p/log:gen', 'not a number');
    await expect(store.clear(['p/log'])).rejects.toThrow(/not an integer/);
  });
});
