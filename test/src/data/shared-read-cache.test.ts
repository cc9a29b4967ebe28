import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import type { LoaderKey } from '../../../src/data/loader-key.js';
import { providerMetricsRegistry } from '../../../src/data/provider-metrics.js';
import { ReadCache, type ReadCacheOptions } from '../../../src/data/read-cache.js';
import { SharedReadCache } from '../../../src/data/shared-read-cache.js';
import { RedisSharedStore } from '../../../src/events/redis-shared-store.js';

import { createLogger } from '../../../src/logger.js';
import { mockAdapter, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { scrape, total } from '../../helpers/metrics.js';
import { gatewaysSharingRedis } from '../../helpers/redis-gateways.js';
import { waitUntil } from '../../helpers/subscriptions.js';

const SHARED = {
  maxEntries: 1000,
  directory: { ttlMs: 60_000, staleMs: 0 },
  records: { ttlMs: 60_000, staleMs: 0 },
  shared: true,
};

const SERVICES = '{ services(first: 50) { edges { node { id name } } } }';
const INCIDENT = `query($id: ID!) { incident(id: $id) { title } }`;
const RETITLE = `mutation($id: ID!, $title: String!) {
  incidentUpdate(input: { id: $id, title: $title }) { incident { title } userErrors { message } }
}`;

/**
 * One instance's view of a provider reached over the network, counting the calls it makes. The
 * mock world's own event stream is left out: it would tell every instance of this process.
 */
function countedProvider(world: Adapter): {
  adapter: Adapter;
  calls: (capability: string) => number;
  /** From now on, its calls wait for `release` before they are made. */
  hold: () => void;
  release: () => void;
} {
  const counts = new Map<string, number>();
  let gate: Promise<void> | undefined;
  let open = () => {};
  const capabilities = Object.fromEntries(
    Object.entries(world.capabilities).map(([capability, impl]) => [
      capability,
      new Proxy(impl as object, {
        get(target, operation, receiver) {
          const member: unknown = Reflect.get(target, operation, receiver);
          if (typeof member !== 'function') return member;
          return async (...args: unknown[]) => {
            counts.set(capability, (counts.get(capability) ?? 0) + 1);
            await gate;
            return member.apply(target, args);
          };
        },
      }),
    ]),
  ) as unknown as Adapter['capabilities'];
  return {
    adapter: { kind: world.kind, capabilities, checkHealth: (ctx) => world.checkHealth(ctx) },
    calls: (capability) => counts.get(capability) ?? 0,
    hold: () => {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release: () => {
      gate = undefined;
      open();
    },
  };
}

/**
 * The keys of every shared-cache lookup on `prefix`'s services that a MONITOR connection sees, one
 * array per lookup: the read script's arguments after its generation key and key base, each the
 * end of an entry's name (MONITOR escapes its NUL separators).
 */
function lookupsOn(monitor: Redis, prefix: string): string[][] {
  const lookups: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase() === 'eval' && args[3] === `${prefix}cache:p/service:gen`) {
      lookups.push(args.slice(5).map((name) => name.split('\\x00').at(-1) ?? name));
    }
  });
  return lookups;
}

/** Waits for Redis's answers (real I/O) while the caches' clock and timers may stand still. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise(setImmediate);
  }
}

const SERVICE_READS: LoaderKey = { capability: 'service', provider: 'p', operation: 'getMany' };

/**
 * Read caches of instances sharing a real Redis, each on two connections of its own (commands,
 * and announcements heard), reading services from a provider of its own. Call it inside a
 * `describe`: Redis starts before the block's tests, and what a test started is let go when it
 * ends (held calls released, caches stopped, connections closed, the clock real again).
 */
function cachesSharingRedis() {
  const redis = gatewaysSharingRedis();
  const logger = createLogger('silent');
  const clients: Redis[] = [];
  const caches: ReadCache[] = [];
  /** Per instance, what releases every call its provider holds. */
  const held: (() => void)[] = [];
  afterEach(() => {
    vi.useRealTimers();
    for (const release of held.splice(0)) release();
    for (const cache of caches.splice(0)) cache.stop();
    for (const client of clients.splice(0)) client.disconnect();
  });

  /** One instance, with `options` over a shared cache of 100 entries that caches no records. */
  const instance = async (name: string, prefix: string, options: Partial<ReadCacheOptions>) => {
    const client = new Redis(redis.url);
    const subscriber = new Redis(redis.url);
    clients.push(client, subscriber);
    const store = new RedisSharedStore(client, prefix, subscriber);
    await store.listen();
    const shared = new SharedReadCache(store, logger, { timeoutMs: 2000, maxEntryBytes: 1 << 20 });
    const cache = new ReadCache(
      {
        maxEntries: 100,
        directory: { ttlMs: 60_000, staleMs: 0 },
        records: { ttlMs: 0, staleMs: 0 },
        shared: true,
        ...options,
      },
      () => Date.now(),
      shared,
    );
    caches.push(cache);
    // Answers `<key>@<instance><call>`; once `hold` is called, each call waits for a `release`
    // (or the test's end).
    const calls: string[] = [];
    const waiting: (() => void)[] = [];
    held.push(() => {
      for (const resolve of waiting.splice(0)) resolve();
    });
    let holding = false;
    const fetch = async (keys: readonly string[]) => {
      calls.push(keys.join());
      const answers = keys.map((k) => `${k}@${name}${calls.length}`);
      if (holding) await new Promise<void>((resolve) => waiting.push(resolve));
      return answers;
    };
    return {
      name,
      prefix,
      client,
      cache,
      calls,
      hold: () => {
        holding = true;
      },
      release: () => waiting.shift()?.(),
      read: ({
        partition = 'r',
        keys = ['s'],
        signal,
      }: {
        partition?: string;
        keys?: string[];
        signal?: AbortSignal;
      } = {}) => cache.read(SERVICE_READS, partition, keys, String, fetch, undefined, signal),
      fresh: (partition = 'r') => cache.fresh<string>(SERVICE_READS, partition, 's'),
    };
  };

  return {
    instance,
    /** The keys every shared-cache lookup on `prefix` asks Redis for from now on (see `lookupsOn`). */
    lookups: async (prefix: string) => {
      const client = new Redis(redis.url);
      // Ready before the monitor connects: ioredis reads a command Redis echoes in the same packet
      // as MONITOR's own reply as a reply to nothing ("Command queue state error"), and this
      // client's ready check (INFO) was one such, now and then.
      await client.ping();
      const monitor = await client.monitor();
      clients.push(client, monitor);
      return lookupsOn(monitor, prefix);
    },
  };
}

type Instance = Awaited<ReturnType<ReturnType<typeof cachesSharingRedis>['instance']>>;

describe('the read cache shared by instances on a real Redis', () => {
  const redis = gatewaysSharingRedis();

  /** `name`: the provider instance's, which names its entries in Redis (shared by the block's tests). */
  const twoInstances = async (cache: typeof SHARED & { fillWaitMs?: number } = SHARED, name = 'mock') => {
    const world = await mockAdapter();
    const [one, two] = [countedProvider(world), countedProvider(world)];
    const a = await redis.instance([{ name, adapter: one.adapter }], { cache });
    const b = await redis.instance([{ name, adapter: two.adapter }], { cache });
    return { a, b, callsOfA: one.calls, callsOfB: two.calls, providerOfA: one };
  };
  const servicesOn = async (gateway: TestGateway) =>
    (await gqlData<{ services: { edges: { node: { id: string } }[] } }>(gateway.url, SERVICES)).services.edges.map(
      (e) => e.node.id,
    );

  it('reads a directory once for all instances', async () => {
    const { a, b, callsOfA, callsOfB } = await twoInstances();
    const onA = await servicesOn(a);
    expect(onA.length).toBeGreaterThan(0);
    expect(callsOfA('service')).toBe(1);
    expect(await servicesOn(b)).toEqual(onA);
    expect(callsOfB('service')).toBe(0);
  });

  it('reads a directory both instances miss at the same moment once: the second waits for the first', async () => {
    // A wait long enough that only the first instance's answer can end it.
    const { a, b, callsOfA, callsOfB, providerOfA } = await twoInstances({ ...SHARED, fillWaitMs: 10_000 }, 'cold');
    providerOfA.hold();
    const onA = servicesOn(a);
    await waitUntil(() => callsOfA('service') === 1, 'A reads the services');
    const onB = servicesOn(b);
    // In this process both instances count into one registry; only B can be waiting.
    await waitUntil(
      async () => total(await scrape(b), 'opsorch_read_cache_fills_waiting') === 1 || callsOfB('service') > 0,
      'B waits for A or reads itself',
    );
    expect(callsOfB('service')).toBe(0);
    providerOfA.release();
    const ids = await onA;
    expect(ids.length).toBeGreaterThan(0);
    expect(await onB).toEqual(ids);
    expect(callsOfA('service') + callsOfB('service')).toBe(1);
    expect(total(await scrape(b), 'opsorch_read_cache_fill_waits_total', { result: 'shared' })).toBeGreaterThan(0);
  });

  it('never shares what a write through another instance changed', async () => {
    const { a, b, callsOfB } = await twoInstances();
    const { incidents } = await gqlData<{ incidents: { edges: { node: { id: string; title: string } }[] } }>(
      a.url,
      '{ incidents(first: 1) { edges { node { id title } } } }',
    );
    const first = incidents.edges[0];
    if (!first) throw new Error('the mock world has no incident');
    const { id, title } = first.node;
    const titleOn = async (gateway: TestGateway) =>
      (await gqlData<{ incident: { title: string } }>(gateway.url, INCIDENT, { id })).incident.title;
    // A stored the record with the list (and B finds it shared); a second reader of the same entry.
    expect(await titleOn(a)).toBe(title);
    expect(await titleOn(b)).toBe(title);
    expect(callsOfB('incident')).toBe(0);

    const renamed = `${title} (renamed on B)`;
    await gqlData(b.url, RETITLE, { id, title: renamed });
    // A still holds the old title locally until B's word arrives; once it has, neither A's cache
    // nor the shared one may answer with the old title.
    await waitUntil(async () => (await titleOn(a)) === renamed, 'A shows the title written through B');
    expect(await titleOn(b)).toBe(renamed);
  });

  it('reads from the provider when Redis does not answer in time', async () => {
    const { a, b, callsOfB } = await twoInstances();
    await servicesOn(a);
    const raw = new Redis(redis.url);
    try {
      // Redis holds A's entry but answers no one for 2 s: B must not wait for it.
      await raw.call('CLIENT', 'PAUSE', '2000', 'ALL');
      expect((await servicesOn(b)).length).toBeGreaterThan(0);
      expect(callsOfB('service')).toBe(1);
    } finally {
      await raw.call('CLIENT', 'UNPAUSE');
      raw.disconnect();
    }
  });
});

describe('SharedReadCache on a real Redis', () => {
  const redis = gatewaysSharingRedis();
  const logger = createLogger('silent');

  const cacheOn = (client: Redis, maxEntryBytes = 1 << 20) =>
    new SharedReadCache(new RedisSharedStore(client, `test-${Math.random().toString(36).slice(2)}:`), logger, {
      timeoutMs: 2000,
      maxEntryBytes,
    });

  it('keeps an entry larger than its bound to the instance', async () => {
    const client = new Redis(redis.url);
    try {
      const cache = cacheOn(client, 200);
      const { generation } = (await cache.lookup('p', 'service', ['small', 'large'])) ?? { generation: '' };
      await cache.share('p', 'service', generation, [
        { name: 'small', entry: { value: 'x', storedAt: 1 }, ttlMs: 60_000 },
        { name: 'large', entry: { value: 'x'.repeat(300), storedAt: 1 }, ttlMs: 60_000 },
      ]);
      const found = await cache.lookup('p', 'service', ['small', 'large']);
      expect(found?.entries).toEqual([{ value: 'x', storedAt: 1 }, undefined]);
    } finally {
      client.disconnect();
    }
  });
});

describe('refresh-ahead across instances sharing a real Redis', () => {
  const caches = cachesSharingRedis();
  const lookups = caches.lookups;
  /**
   * One instance with a 10 s TTL: refreshed ahead 0.5 to 1 s before it ends; a refresh it leaves
   * to another instance has its last look at 9.75 s.
   */
  const instance = (name: string, prefix: string) =>
    caches.instance(name, prefix, {
      directory: { ttlMs: 10_000, staleMs: 5_000 },
      // Cold fills read at once here: a cold fill's claim lasts in Redis's time, which does not
      // jump with the caches' clock, and would still hold when the refreshes come due.
      fillWaitMs: 0,
    });

  /**
   * Two instances that read `s` and read it again within its TTL, holding their provider calls
   * from then on; the clock moved to where both have swept (9.5 s): one claimed the refresh and
   * calls its provider, the other left it to that one and waits for its announcement.
   */
  const bothDue = async (): Promise<{ first: Instance; other: Instance; cold: number }> => {
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    const a = await instance('A', prefix);
    const b = await instance('B', prefix);
    // Redis's clock runs on; the caches' stands still unless moved, so both store at the same time.
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    for (const one of [a, b]) {
      await one.read();
      await one.read();
      one.hold();
    }
    const cold = a.calls.length + b.calls.length;
    await vi.advanceTimersByTimeAsync(9_500);
    const refreshes = () => a.calls.length + b.calls.length - cold;
    await until(
      () => refreshes() === 2 || (refreshes() === 1 && a.cache.leftAhead + b.cache.leftAhead === 1),
      `one instance refreshes and the other leaves it to that one ${JSON.stringify([a.calls, b.calls])}`,
    );
    expect(refreshes()).toBe(1);
    const [first, other] = b.cache.leftAhead === 1 ? [a, b] : [b, a];
    return { first, other, cold };
  };

  /**
   * One instance B that read `r` and `q` twice, whose refreshes another instance claimed first, for
   * longer than the test runs: the clock moved to where B has swept (9.5 s) and left both to it.
   * Returns the entries' names, and how that instance's answers are stored without their
   * announcement (lost: a subscriber reconnecting, say).
   */
  const leftToAnother = async () => {
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    const b = await instance('B', prefix);
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    for (const partition of ['r', 'q']) {
      await b.read({ partition });
      await b.read({ partition });
    }
    const claimant = new RedisSharedStore(b.client, prefix);
    const base = `${prefix}cache:p/service:0:`;
    const names = (await b.client.keys(`${base}*`)).map((key) => key.slice(base.length)).sort();
    expect(names).toHaveLength(2);
    expect(await claimant.claim('p/service', '0', names, 60_000)).toEqual([true, true]);
    await vi.advanceTimersByTimeAsync(9_500);
    await until(() => b.cache.leftAhead === 2, 'B leaves both refreshes to the other instance');
    const [q, r] = names as [string, string];
    /** The other instance's answer to `name`, stored now, its announcement lost. */
    const answerUnannounced = (name: string) =>
      claimant.set('p/service', '0', [
        { name, value: JSON.stringify({ value: 's@C', storedAt: Date.now() }), ttlMs: 60_000 },
      ]);
    return { b, q, r, answerUnannounced };
  };

  it('reads an entry due on every instance once: the first claims it, the others take its answer once it is announced', async () => {
    const { first, other, cold } = await bothDue();
    const looked = await lookups(other.prefix);
    expect(other.cache.leftAhead).toBe(1);
    // Two tenths of a lead while the first's provider holds its read, short of the other's last
    // look: the other asks Redis nothing until the announcement wakes it.
    await vi.advanceTimersByTimeAsync(200);
    const answer = `s@${first.name}${first.calls.length}`;
    first.release();
    await until(() => first.fresh() === answer, 'the first instance stores its answer');
    // Woken by the announcement, the other looks again at once: on the clock, no time has passed.
    await until(() => other.cache.leftAhead === 0, `${other.name} hears the answer announced`);
    await vi.advanceTimersByTimeAsync(0);
    await until(() => other.fresh() === answer, `${other.name} takes ${first.name}'s answer`);
    expect(first.calls.length + other.calls.length).toBe(cold + 1);
    await until(() => looked.length === 1, 'Redis runs the lookup');
    expect(looked).toEqual([['s']]);
  });

  it('takes an answer whose announcement was lost at its last look, before the TTL ends', async () => {
    const { b, q, r, answerUnannounced } = await leftToAnother();
    await answerUnannounced(q);
    await answerUnannounced(r);
    // A quarter lead before the TTL ends (9.75 s), B looks once more and finds both answers.
    await vi.advanceTimersByTimeAsync(250);
    await until(() => b.fresh('q') === 's@C' && b.fresh('r') === 's@C', 'B takes both answers');
    expect(b.cache.leftAhead).toBe(0);
    expect(b.calls).toHaveLength(2);
  });

  it('serves a stale entry another instance is refreshing, and takes its answer once shared', async () => {
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    const a = await instance('A', prefix);
    const b = await instance('B', prefix);
    vi.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // Only A's entry is read again within its TTL: A refreshes it ahead, B lets it go stale.
    await a.read();
    await a.read();
    await b.read();
    const before = { a: a.calls.length, b: b.calls.length };
    a.hold();
    b.hold();
    await vi.advanceTimersByTimeAsync(9_500);
    await until(() => a.calls.length > before.a, 'A refreshes ahead');
    await vi.advanceTimersByTimeAsync(600);
    const left = async () =>
      (
        (await providerMetricsRegistry.getMetricsAsJSON()).find(
          (m) => m.name === 'opsorch_read_cache_refreshes_left_total',
        )?.values ?? []
      ).reduce((sum, v) => sum + v.value, 0);
    const leftBefore = await left();
    // Past its TTL on B: served stale while refreshed, and A holds the refresh's claim.
    expect(b.fresh()).toBeUndefined();
    expect(await b.read()).toEqual([expect.stringMatching(/^s@[AB]1$/)]);
    await until(async () => (await left()) > leftBefore, 'B leaves the refresh to A');
    expect(b.calls.length).toBe(before.b);

    const answer = `s@A${a.calls.length}`;
    a.release();
    // Each read that finds the entry stale looks in Redis again in the background; how many turns
    // of the event loop those round trips take depends on the machine, so the wait is bounded by
    // time, not by a count of reads.
    await until(async () => {
      if (b.fresh() === answer) return true;
      await b.read();
      return false;
    }, "B takes A's answer");
    expect(b.calls.length).toBe(before.b);
  });

  it('reads itself at its last look when the instance it left the refresh to never answers: one more read, no stale answer', async () => {
    const { first, other, cold } = await bothDue();
    // The first instance never answers (its provider hangs, or it died) and its claim still holds
    // in Redis. A quarter lead before the TTL ends (9.75 s), the other reads itself.
    await vi.advanceTimersByTimeAsync(250);
    await until(() => other.calls.length + first.calls.length === cold + 2, 'the other reads itself');
    expect(other.calls.at(-1)).toBe('s');
    expect(other.cache.leftAhead).toBe(0);
    const answer = `s@${other.name}${other.calls.length}`;
    other.release();
    await until(() => other.fresh() === answer, 'the other stores its answer');
    // Past the old entry's TTL, the next reader finds the new one fresh.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(other.fresh()).toBe(answer);
    expect(await other.read()).toEqual([answer]);
    expect(other.calls.length + first.calls.length).toBe(cold + 2);
    first.release();
  });
});

describe('cold fills across instances sharing a real Redis', () => {
  const caches = cachesSharingRedis();
  const instance = (name: string, prefix: string, fillWaitMs: number) =>
    caches.instance(name, prefix, { directory: { ttlMs: 60_000, staleMs: 0 }, fillWaitMs });
  const fillWaits = async (result: string) =>
    (
      (await providerMetricsRegistry.getMetricsAsJSON()).find((m) => m.name === 'opsorch_read_cache_fill_waits_total')
        ?.values ?? []
    )
      .filter((v) => v.labels.result === result)
      .reduce((sum, v) => sum + v.value, 0);

  /** A reading `s` and holding its provider call, B missing it meanwhile and waiting on A's claim. */
  const bWaitingOnA = async (fillWaitMs: number, signal?: AbortSignal) => {
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    const a = await instance('A', prefix, fillWaitMs);
    const b = await instance('B', prefix, fillWaitMs);
    a.hold();
    const onA = a.read();
    await until(() => a.calls.length === 1, 'A reads s');
    const onB = b.read({ ...(signal ? { signal } : {}) });
    await until(() => b.cache.waitingOnPeers === 1 || b.calls.length > 0, 'B waits for A or reads s itself');
    expect(b.calls).toEqual([]);
    return { a, b, onA, onB };
  };

  it("reads an entry two instances miss together once: the second waits for the first's answer", async () => {
    const shared = await fillWaits('shared');
    const { a, b, onA, onB } = await bWaitingOnA(10_000);
    a.release();
    expect(await onA).toEqual(['s@A1']);
    expect(await onB).toEqual(['s@A1']);
    expect(b.calls).toEqual([]);
    expect(b.cache.waitingOnPeers).toBe(0);
    expect(await fillWaits('shared')).toBe(shared + 1);
  });

  it('reads itself once its wait is over when the instance that claimed the entry never answers', async () => {
    const read = await fillWaits('read');
    // A's provider never answers (or A died holding the claim): B waits its second, then reads.
    // A second, not less: the wait is real time, and B must still be seen waiting after it began.
    const { b, onB } = await bWaitingOnA(1_000);
    expect(await onB).toEqual(['s@B1']);
    expect(b.calls).toEqual(['s']);
    expect(b.cache.waitingOnPeers).toBe(0);
    expect(await fillWaits('read')).toBe(read + 1);
  });

  it('looks up again only the entries it waited for', async () => {
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    const a = await instance('A', prefix, 10_000);
    const b = await instance('B', prefix, 10_000);
    const lookups = await caches.lookups(prefix);
    a.hold();
    const onA = a.read();
    await until(() => a.calls.length === 1, 'A reads s');
    // B misses s and t: A has claimed s, so B reads t itself and waits for A's s.
    const onB = b.read({ keys: ['s', 't'] });
    await until(() => b.cache.waitingOnPeers === 1 && b.calls.length === 1, 'B reads t and waits for s');
    a.release();
    expect(await onA).toEqual(['s@A1']);
    expect(await onB).toEqual(['s@A1', 't@B1']);
    await until(() => lookups.length === 3, 'Redis runs the three lookups');
    expect(lookups).toEqual([['s'], ['s', 't'], ['s']]);
  });

  it('stops waiting when the request ends', async () => {
    const request = new AbortController();
    // Longer than the test may run: only the request's end can stop the wait.
    const { b, onB } = await bWaitingOnA(60_000, request.signal);
    request.abort();
    expect(await onB).toEqual(['s@B1']);
    expect(b.cache.waitingOnPeers).toBe(0);
  });

  it('joins a read this instance already claimed instead of waiting on its own claim', async () => {
    const prefix = `test-${Math.random().toString(36).slice(2)}:`;
    const a = await instance('A', prefix, 10_000);
    a.hold();
    const first = a.read();
    await until(() => a.calls.length === 1, 'A reads s');
    const second = a.read();
    await until(() => a.calls.length === 2 || a.cache.waitingOnPeers === 1, 'A reads s again or waits');
    expect(a.cache.waitingOnPeers).toBe(0);
    a.release();
    a.release();
    expect(await first).toEqual(['s@A1']);
    expect(await second).toEqual(['s@A2']);
  });
});
