/**
 * Gateway instances sharing one real Redis, as the replicas of a deployment do. Call it inside a
 * `describe`: Redis starts before the block's tests and stops after them, and every instance a
 * test started stops when that test ends.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RedisPubSub } from '../../src/events/redis.js';
import { startTestGateway, type TestGateway } from './gateway.js';
import { startRedis, type TestRedis } from './redis.js';

export interface RedisGateways {
  /** The shared Redis's URL (once the block's tests run). */
  readonly url: string;
  /** A gateway on its own connections to the shared Redis. */
  instance(...args: Parameters<typeof startTestGateway>): Promise<TestGateway>;
  /** Stops one instance before its test ends (a leader going away). */
  stop(gateway: TestGateway): Promise<void>;
}

export function gatewaysSharingRedis(): RedisGateways {
  let redis: TestRedis | undefined;
  const running: TestGateway[] = [];
  const shared = (): TestRedis => {
    if (!redis) throw new Error('the shared Redis starts in beforeAll: use it inside a test');
    return redis;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((g) => g.stop()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  return {
    get url() {
      return shared().url;
    },
    async instance(providers, options) {
      const pubsub = await RedisPubSub.connect(shared().url);
      const gateway = await startTestGateway(providers, { ...options, pubsub });
      running.push(gateway);
      return gateway;
    },
    async stop(gateway) {
      running.splice(running.indexOf(gateway), 1);
      await gateway.stop();
    },
  };
}
