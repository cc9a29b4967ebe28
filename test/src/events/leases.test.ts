import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLeases } from '../../../src/events/leases.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { waitUntil } from '../../helpers/subscriptions.js';

describe('polling leases in a real Redis', () => {
  let redis: TestRedis;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  it('has one holder at a time, renewable only by it, handed over on release', async () => {
    const one = new RedisLeases(client, randomUUID(), 'test:lease:');
    const two = new RedisLeases(client, randomUUID(), 'test:lease:');
    expect(await one.hold('poll:a', 60_000)).toBe(true);
    expect(await two.hold('poll:a', 60_000)).toBe(false);
    expect(await one.hold('poll:a', 60_000)).toBe(true);
    await two.release('poll:a');
    expect(await two.hold('poll:a', 60_000)).toBe(false);
    await one.release('poll:a');
    expect(await two.hold('poll:a', 60_000)).toBe(true);
  });

  it('passes to another instance once a holder that died stops renewing', async () => {
    const dead = new RedisLeases(client, randomUUID(), 'test:lease:');
    const alive = new RedisLeases(client, randomUUID(), 'test:lease:');
    // Long enough that the next command comes within it on a loaded machine (300 ms was not a
    // bound on one round trip), short enough to wait for; the survivor's is longer than the test.
    expect(await dead.hold('poll:b', 1_500)).toBe(true);
    expect(await alive.hold('poll:b', 1_500)).toBe(false);
    await waitUntil(() => alive.hold('poll:b', 60_000), 'the lease of the dead holder runs out');
    expect(await dead.hold('poll:b', 60_000)).toBe(false);
  });
});
