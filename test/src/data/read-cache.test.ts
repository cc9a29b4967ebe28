import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import type { LoaderKey } from '../../../src/data/loader-key.js';
import { ReadCache, type ReadCacheOptions } from '../../../src/data/read-cache.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { incidentEventBody, signPagerDutyDelivery } from '../../fakes/pagerduty/webhook.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { scrape, total } from '../../helpers/metrics.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';
import { wrapOperations } from '../../helpers/wrap-adapter.js';

const SERVICES: LoaderKey = { capability: 'service', provider: 'pd', operation: 'getMany' };
const INCIDENTS: LoaderKey = { capability: 'incident', provider: 'pd', operation: 'getMany' };
const MESSAGES: LoaderKey = { capability: 'messaging', provider: 'pd', operation: 'threads' };

const options = (over: Partial<ReadCacheOptions> = {}): ReadCacheOptions => ({
  maxEntries: 100,
  directory: { ttlMs: 10_000, staleMs: 5_000 },
  records: { ttlMs: 0, staleMs: 0 },
  ...over,
});

/** A provider read that counts its calls and answers `<key>@<call number>`. */
function provider() {
  const calls: string[][] = [];
  let failing = false;
  return {
    calls,
    fail(on: boolean) {
      failing = on;
    },
    fetch: async (keys: readonly string[]): Promise<(string | Error)[]> => {
      calls.push([...keys]);
      return keys.map((k) => (failing ? new Error(`no ${k}`) : `${k}@${calls.length}`));
    },
  };
}

describe('ReadCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('answers from the cache while fresh, fetching only what it lacks in one call', async () => {
    const cache = new ReadCache(options(), clock);
    const p = provider();
    expect(await cache.read(SERVICES, 'r', ['a', 'b'], String, p.fetch)).toEqual(['a@1', 'b@1']);
    now += 10_000;
    expect(await cache.read(SERVICES, 'r', ['a', 'c', 'b'], String, p.fetch)).toEqual(['a@1', 'c@2', 'b@1']);
    expect(p.calls).toEqual([['a', 'b'], ['c']]);
  });

  it('serves a stale directory answer while one refresh runs, then the refreshed one; past the stale window it waits', async () => {
    const cache = new ReadCache(options(), clock);
    const p = provider();
    await cache.read(SERVICES, 'r', ['a'], String, p.fetch);
    now += 12_000;
    let release: () => void = () => undefined;
    const refreshed = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated = async (keys: readonly string[]) => {
      await refreshed;
      return p.fetch(keys);
    };
    expect(await cache.read(SERVICES, 'r', ['a'], String, gated)).toEqual(['a@1']);
    expect(await cache.read(SERVICES, 'r', ['a'], String, gated)).toEqual(['a@1']);
    release();
    await refreshed;
    // The refresh stores its answer within the turn: every pending callback has run by the next one.
    await new Promise(setImmediate);
    expect(p.calls).toEqual([['a'], ['a']]);
    expect(await cache.read(SERVICES, 'r', ['a'], String, p.fetch)).toEqual(['a@2']);
    now += 15_001;
    expect(await cache.read(SERVICES, 'r', ['a'], String, p.fetch)).toEqual(['a@3']);
  });

  it('never serves a record past its TTL, and caches records only when a TTL is set', async () => {
    const off = new ReadCache(options(), clock);
    const p = provider();
    await off.read(INCIDENTS, 'r', ['i'], String, p.fetch);
    expect(await off.read(INCIDENTS, 'r', ['i'], String, p.fetch)).toEqual(['i@2']);

    const on = new ReadCache(options({ records: { ttlMs: 10_000, staleMs: 0 } }), clock);
    const q = provider();
    await on.read(INCIDENTS, 'r', ['i'], String, q.fetch);
    now += 10_000;
    expect(await on.read(INCIDENTS, 'r', ['i'], String, q.fetch)).toEqual(['i@1']);
    now += 1;
    expect(await on.read(INCIDENTS, 'r', ['i'], String, q.fetch)).toEqual(['i@2']);
  });

  it('keeps records fetched in one period until its end, together, and starts the next period at the first read after it', async () => {
    const cache = new ReadCache(options({ records: { ttlMs: 10_000, staleMs: 0 } }), clock);
    const p = provider();
    const start = now;
    expect(cache.periodStart(10_000)).toBe(start);
    await cache.read(INCIDENTS, 'r', ['a'], String, p.fetch);
    now += 6_000;
    // Fetched 6 s into the period, `b` counts as fetched at its start: it expires with `a`.
    expect(await cache.read(INCIDENTS, 'r', ['a', 'b'], String, p.fetch)).toEqual(['a@1', 'b@2']);
    expect(cache.periodStart(10_000)).toBe(start);
    now = start + 10_000;
    expect(await cache.read(INCIDENTS, 'r', ['a', 'b'], String, p.fetch)).toEqual(['a@1', 'b@2']);
    // No read for a while: the next period starts with the next read, not on the clock's boundary.
    now = start + 25_000;
    expect(await cache.read(INCIDENTS, 'r', ['a', 'b'], String, p.fetch)).toEqual(['a@3', 'b@3']);
    expect(cache.periodStart(10_000)).toBe(start + 25_000);
    expect(p.calls).toEqual([['a'], ['b'], ['a', 'b']]);
  });

  it('starts a new record period when it hears of a change, so live windows reach past it', async () => {
    const cache = new ReadCache(options({ records: { ttlMs: 10_000, staleMs: 0 } }), clock);
    const start = cache.periodStart(10_000);
    now += 3_000;
    expect(cache.periodStart(10_000)).toBe(start);
    cache.forgetProvider('pd');
    expect(cache.periodStart(10_000)).toBe(start + 3_000);
  });

  it('refreshes a stale answer with a fetch marked as background', async () => {
    const cache = new ReadCache(options(), clock);
    const seen: boolean[] = [];
    const p = provider();
    const fetch = (keys: readonly string[], background?: boolean) => {
      seen.push(background === true);
      return p.fetch(keys);
    };
    await cache.read(SERVICES, 'r', ['a'], String, fetch);
    now += 12_000;
    await cache.read(SERVICES, 'r', ['a'], String, fetch);
    await cache.read(SERVICES, 'r', ['a'], String, fetch);
    expect(seen).toEqual([false, true]);
  });

  it('never serves an answer past the moment it says it stops being true, fresh or stale', async () => {
    const cache = new ReadCache(options(), clock);
    const p = provider();
    // `a` holds for 4 s (a shift ending), well inside the 10 s TTL; `b` says nothing and lives its TTL.
    const expiresAt = (value: string) => (value.startsWith('a@') ? 1_004_000 : undefined);
    await cache.read(SERVICES, 'r', ['a', 'b'], String, p.fetch, expiresAt);
    now = 1_003_999;
    expect(cache.fresh(SERVICES, 'r', 'a')).toBe('a@1');
    expect(await cache.read(SERVICES, 'r', ['a', 'b'], String, p.fetch, expiresAt)).toEqual(['a@1', 'b@1']);
    now = 1_004_000;
    expect(cache.fresh(SERVICES, 'r', 'a')).toBeUndefined();
    expect(cache.fresh(SERVICES, 'r', 'b')).toBe('b@1');
    expect(await cache.read(SERVICES, 'r', ['a', 'b'], String, p.fetch, expiresAt)).toEqual(['a@2', 'b@1']);
    expect(p.calls).toEqual([['a', 'b'], ['a']]);
    // Stored again at 1_004_000, when its moment has already passed: asking again would answer the
    // same, so it lives its TTL like `b`, and the provider is not asked on every read.
    now = 1_009_000;
    expect(await cache.read(SERVICES, 'r', ['a', 'b'], String, p.fetch, expiresAt)).toEqual(['a@2', 'b@1']);
    expect(p.calls).toEqual([['a', 'b'], ['a']]);
  });

  it('keeps an answer of nothing (null, a name no record has) as an answer, and fails only keys a short answer leaves out', async () => {
    const cache = new ReadCache(options(), clock);
    const calls: string[][] = [];
    const fetch = async (keys: readonly string[]): Promise<(string | null | Error)[]> => {
      calls.push([...keys]);
      return keys.filter((k) => k !== 'cut').map((k) => (k.startsWith('no-') ? null : `${k}@${calls.length}`));
    };
    expect(await cache.read(SERVICES, 'r', ['a', 'no-b'], String, fetch)).toEqual(['a@1', null]);
    expect(await cache.read(SERVICES, 'r', ['no-b', 'a'], String, fetch)).toEqual([null, 'a@1']);
    expect(cache.fresh(SERVICES, 'r', 'no-b')).toBeNull();
    expect(calls).toEqual([['a', 'no-b']]);
    const short = await cache.read(SERVICES, 'r', ['c', 'cut'], String, fetch);
    expect(short[0]).toBe('c@2');
    expect(short[1]).toBeInstanceOf(Error);
    expect((short[1] as Error).message).toBe('provider answered too few results');
  });

  it('never caches messaging or errors', async () => {
    const cache = new ReadCache(options({ records: { ttlMs: 60_000, staleMs: 0 } }), clock);
    const p = provider();
    await cache.read(MESSAGES, 'r', ['q'], String, p.fetch);
    await cache.read(MESSAGES, 'r', ['q'], String, p.fetch);
    p.fail(true);
    expect((await cache.read(SERVICES, 'r', ['a'], String, p.fetch))[0]).toBeInstanceOf(Error);
    p.fail(false);
    expect(await cache.read(SERVICES, 'r', ['a'], String, p.fetch)).toEqual(['a@4']);
    expect(p.calls).toHaveLength(4);
  });

  it('keeps callers who may see different records apart', async () => {
    const cache = new ReadCache(options(), clock);
    const p = provider();
    await cache.read(SERVICES, 'r\u0001payments', ['a'], String, p.fetch);
    expect(await cache.read(SERVICES, 'r\u0001platform', ['a'], String, p.fetch)).toEqual(['a@2']);
  });

  it('drops a provider capability on a change, and does not keep what a read fetched across the change', async () => {
    const cache = new ReadCache(options({ records: { ttlMs: 60_000, staleMs: 0 } }), clock);
    const p = provider();
    await cache.read(SERVICES, 'r', ['a'], String, p.fetch);
    await cache.read(INCIDENTS, 'r', ['i'], String, p.fetch);
    cache.forgetProvider('pd');
    expect(await cache.read(SERVICES, 'r', ['a'], String, p.fetch)).toEqual(['a@1']);
    expect(await cache.read(INCIDENTS, 'r', ['i'], String, p.fetch)).toEqual(['i@3']);

    let release: () => void = () => undefined;
    const slow = (keys: readonly string[]) =>
      new Promise<string[]>((resolve) => {
        release = () => resolve(keys.map((k) => `${k}@old`));
      });
    const pending = cache.read(INCIDENTS, 'r', ['j'], String, slow);
    cache.forgetProvider('pd', 'incident');
    release();
    expect(await pending).toEqual(['j@old']);
    expect(await cache.read(INCIDENTS, 'r', ['j'], String, p.fetch)).toEqual(['j@4']);
  });

  it('holds at most maxEntries, least recently used out first', async () => {
    const cache = new ReadCache(options({ maxEntries: 50 }), clock);
    const p = provider();
    const keys = Array.from({ length: 500 }, (_, i) => `k${i}`);
    await cache.read(SERVICES, 'r', keys, String, p.fetch);
    expect(cache.size).toBe(50);
    expect(await cache.read(SERVICES, 'r', ['k499'], String, p.fetch)).toEqual(['k499@1']);
    expect(await cache.read(SERVICES, 'r', ['k0'], String, p.fetch)).toEqual(['k0@2']);
  });

  it('holds answers within maxBytes, least recently used out first, and keeps none larger than an eighth of it', async () => {
    const cache = new ReadCache(options({ maxBytes: 100_000 }), clock);
    const calls: string[][] = [];
    const described = (k: string, length: number) => ({ id: k, description: k.padEnd(length, '.') });
    const fetchBig = async (keys: readonly string[]) => {
      calls.push([...keys]);
      return keys.map((k) => described(k, k === 'huge' ? 13_000 : 9_000));
    };
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await cache.read(SERVICES, 'r', keys, String, fetchBig);
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
    expect(cache.size).toBeGreaterThan(5);
    expect(cache.size).toBeLessThan(40);
    calls.length = 0;
    expect(await cache.read(SERVICES, 'r', ['k39'], String, fetchBig)).toEqual([described('k39', 9_000)]);
    expect(calls).toEqual([]);
    await cache.read(SERVICES, 'r', ['k0'], String, fetchBig);
    expect(calls).toEqual([['k0']]);

    await cache.read(SERVICES, 'r', ['huge'], String, fetchBig);
    await cache.read(SERVICES, 'r', ['huge'], String, fetchBig);
    expect(calls).toEqual([['k0'], ['huge'], ['huge']]);
    expect(cache.bytes).toBeLessThanOrEqual(100_000);
  });
});

describe('ReadCache refresh-ahead', () => {
  const TEAMS: LoaderKey = { capability: 'team', provider: 'pd', operation: 'byName' };
  const PLANS: LoaderKey = { capability: 'orchestration', provider: 'pd', operation: 'getPlans' };
  // The cache reads Date.now and arms a real setTimeout: both are vitest's here.
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  /** Lets the refreshes the sweep started store what they fetched. */
  const settle = () => vi.advanceTimersByTimeAsync(0);

  it('reads an entry read within its TTL again before the TTL ends, once per TTL however many read it, and leaves unread ones to expire', async () => {
    const cache = new ReadCache(options(), Date.now);
    const p = provider();
    await cache.read(SERVICES, 'r', ['a', 'b'], String, p.fetch);
    // Forty readers of `a` within the TTL; nobody reads `b` after it was fetched.
    for (let i = 0; i < 40; i++) {
      await vi.advanceTimersByTimeAsync(200);
      expect(await cache.read(SERVICES, 'r', ['a'], String, p.fetch)).toEqual(['a@1']);
    }
    expect(cache.refreshingAhead).toBe(2);
    // The refresh lands 0.5 to 1 s (a tenth of the TTL, less up to half) before the TTL ends.
    await vi.advanceTimersByTimeAsync(10_000 - 8_000 - 1_000 - 1);
    expect(p.calls).toEqual([['a', 'b']]);
    await vi.advanceTimersByTimeAsync(501);
    await settle();
    expect(p.calls).toEqual([['a', 'b'], ['a']]);
    expect(cache.fresh(SERVICES, 'r', 'a')).toBe('a@2');
    // `b` was not refreshed: past its TTL it is stale, and its reader pays the refresh.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await cache.read(SERVICES, 'r', ['b'], String, p.fetch)).toEqual(['b@1']);
    await settle();
    expect(p.calls).toEqual([['a', 'b'], ['a'], ['b']]);
    // `a` was read once more (`fresh` above): refreshed once more, then nobody reads it.
    await vi.advanceTimersByTimeAsync(30_000);
    expect(p.calls).toEqual([['a', 'b'], ['a'], ['b'], ['a']]);
    expect(cache.refreshingAhead).toBe(0);
  });

  it('does not refresh ahead an answer that stops being true before its TTL: its first reader after that moment reads', async () => {
    const cache = new ReadCache(options(), Date.now);
    const p = provider();
    // `a` holds for 4 s (a shift ending), inside the 10 s TTL: read again before then, it would answer the same.
    const expiresAt = (value: string) => (value === 'a@1' ? 1_004_000 : undefined);
    await cache.read(SERVICES, 'r', ['a'], String, p.fetch, expiresAt);
    expect(await cache.read(SERVICES, 'r', ['a'], String, p.fetch, expiresAt)).toEqual(['a@1']);
    expect(cache.refreshingAhead).toBe(0);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(p.calls).toEqual([['a']]);
    expect(await cache.read(SERVICES, 'r', ['a'], String, p.fetch, expiresAt)).toEqual(['a@2']);
    // Stored after its moment, `a@2` lives its TTL and is refreshed ahead like any other entry.
    expect(cache.refreshingAhead).toBe(1);
  });

  it('refreshes what one loader stored within half a lead of each other in one call', async () => {
    const cache = new ReadCache(options(), Date.now);
    const p = provider();
    await cache.read(SERVICES, 'r', ['a'], String, p.fetch);
    await vi.advanceTimersByTimeAsync(400);
    await cache.read(SERVICES, 'r', ['b'], String, p.fetch);
    await cache.read(SERVICES, 'r', ['a', 'b'], String, p.fetch);
    await vi.advanceTimersByTimeAsync(10_000);
    await settle();
    expect(p.calls).toEqual([['a'], ['b'], ['a', 'b']]);
  });

  it('never refreshes what a change dropped, and stores nothing a refresh read across a change', async () => {
    const cache = new ReadCache(options(), Date.now);
    const p = provider();
    await cache.read(SERVICES, 'r', ['a'], String, p.fetch);
    await cache.read(SERVICES, 'r', ['a'], String, p.fetch);
    cache.forgetProvider('pd', 'service');
    expect(cache.refreshingAhead).toBe(0);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(p.calls).toHaveLength(1);

    let release: () => void = () => undefined;
    const held = (keys: readonly string[]) =>
      new Promise<string[]>((resolve) => {
        release = () => resolve(keys.map((k) => `${k}@before-the-change`));
      });
    await cache.read(SERVICES, 'r', ['a'], String, p.fetch);
    await cache.read(SERVICES, 'r', ['a'], String, held);
    await vi.advanceTimersByTimeAsync(9_500);
    cache.forgetProvider('pd', 'service');
    release();
    await settle();
    expect(cache.fresh(SERVICES, 'r', 'a')).toBeUndefined();
    expect(await cache.read(SERVICES, 'r', ['a'], String, p.fetch)).toEqual(['a@3']);
  });

  it('refreshes ahead at most `refreshAhead` loaders, the least recently read out first', async () => {
    const cache = new ReadCache(options({ refreshAhead: 2 }), Date.now);
    const p = provider();
    for (const key of [SERVICES, TEAMS, PLANS]) await cache.read(key, 'r', ['x'], String, p.fetch);
    // Read again in this order: services are the least recently read loader when the third comes.
    for (const key of [SERVICES, TEAMS, PLANS]) await cache.read(key, 'r', ['x'], String, p.fetch);
    await vi.advanceTimersByTimeAsync(10_001);
    await settle();
    expect(p.calls).toHaveLength(5);
    expect(cache.fresh(SERVICES, 'r', 'x')).toBeUndefined();
    // Refreshed in either order (each entry's lead has a random part).
    expect([cache.fresh(TEAMS, 'r', 'x'), cache.fresh(PLANS, 'r', 'x')].sort()).toEqual(['x@4', 'x@5']);
  });

  it('refreshes nothing when off or stopped', async () => {
    const off = new ReadCache(options({ refreshAhead: 0 }), Date.now);
    const stopped = new ReadCache(options(), Date.now);
    const p = provider();
    for (const cache of [off, stopped]) {
      await cache.read(SERVICES, 'r', ['a'], String, p.fetch);
      await cache.read(SERVICES, 'r', ['a'], String, p.fetch);
    }
    expect(off.refreshingAhead).toBe(0);
    stopped.stop();
    expect(vi.getTimerCount()).toBe(0);
    await stopped.read(SERVICES, 'r', ['b'], String, p.fetch);
    await stopped.read(SERVICES, 'r', ['b'], String, p.fetch);
    expect(stopped.refreshingAhead).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(p.calls).toHaveLength(3);
  });
});

/** A call an operation gate holds: it reaches the adapter on `release`. */
interface HeldCall {
  signal: AbortSignal | undefined;
  release(): Promise<unknown>;
}

/** Wraps a real adapter; calls of the operations `close` names wait until released. */
function gated(inner: Adapter) {
  const closed = new Set<string>();
  const held = new Map<string, HeldCall[]>();
  const waiting = new Map<string, (call: HeldCall) => void>();
  const capabilities = wrapOperations(inner, (capability, op, run) => {
    const name = `${capability}.${op}`;
    return (...args) => {
      if (!closed.has(name)) return run(...args);
      return new Promise((resolve, reject) => {
        const call: HeldCall = {
          signal: (args.at(-1) as { signal?: AbortSignal } | undefined)?.signal,
          release: () => {
            const answer = run(...args);
            answer.then(resolve, reject);
            return answer;
          },
        };
        const wake = waiting.get(name);
        waiting.delete(name);
        if (wake) wake(call);
        else held.set(name, [...(held.get(name) ?? []), call]);
      });
    };
  });
  return {
    adapter: { ...inner, capabilities, checkHealth: (ctx) => inner.checkHealth(ctx) } satisfies Adapter,
    close: (...names: string[]) => {
      for (const name of names) closed.add(name);
    },
    open: () => closed.clear(),
    /** The next held call of an operation, once it has arrived. */
    arrival: (name: string): Promise<HeldCall> => {
      const first = held.get(name)?.shift();
      return first ? Promise.resolve(first) : new Promise((resolve) => waiting.set(name, resolve));
    },
  };
}

describe('the read cache through the gateway (PagerDuty)', () => {
  const SECRET = 'whsec-cache-test-5b1e';
  let fake: PagerDutyFake;
  let directoryOnly: TestGateway;
  let directoryGate: ReturnType<typeof gated>;
  let withRecords: TestGateway;
  let ahead: TestGateway;
  let aheadGate: ReturnType<typeof gated>;
  const id = () => toGlobalId('Incident', 'pagerduty', fake.incidents[0]?.id as string);
  const PAGE = `query ($id: ID!) { incident(id: $id) { title status service { name team { name members { name } } } } }`;
  const directoryRequests = () =>
    fake.requests.filter((r) => /^\/(services|teams|users|oncalls|escalation_policies)/.test(r.path)).length;
  const incidentReads = () =>
    fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/incidents/')).length;

  const pagerDuty = (extra: Record<string, unknown> = {}) => pagerDutyAdapterAt(fake, { config: extra });

  beforeAll(async () => {
    fake = await startPagerDutyFake();
    seedPagerDuty(fake);
    const cache = (recordTtlS: number) => ({
      maxEntries: 1000,
      directory: { ttlMs: 60_000, staleMs: 30_000 },
      records: { ttlMs: recordTtlS * 1000, staleMs: 0 },
    });
    directoryGate = gated(await pagerDuty());
    directoryOnly = await startTestGateway([{ name: 'pagerduty', adapter: directoryGate.adapter }], {
      cache: cache(0),
    });
    aheadGate = gated(await pagerDuty());
    ahead = await startTestGateway([{ name: 'pagerduty', adapter: aheadGate.adapter }], {
      cache: { maxEntries: 1000, directory: { ttlMs: 1_000, staleMs: 60_000 }, records: { ttlMs: 0, staleMs: 0 } },
    });
    withRecords = await startTestGateway(
      [{ name: 'pagerduty', adapter: await pagerDuty({ webhookSecrets: SECRET }) }],
      {
        cache: cache(60),
      },
    );
  });
  afterAll(async () => {
    await directoryOnly?.stop();
    await withRecords?.stop();
    await ahead?.stop();
    await fake?.stop();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('reads services, teams and members once for many requests, and incidents every time by default', async () => {
    const first = await gqlData(directoryOnly.url, PAGE, { id: id() });
    const directory = directoryRequests();
    expect(directory).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(await gqlData(directoryOnly.url, PAGE, { id: id() })).toEqual(first);
    expect(directoryRequests()).toBe(directory);
    expect(incidentReads()).toBe(4);

    const metrics = await (await fetch(directoryOnly.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(
      /opsorch_read_cache_lookups_total\{[^}]*capability="service"[^}]*result="hit"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(/opsorch_read_cache_entries [1-9]/);
  });

  it('refreshes a stale service to the end though the client whose request found it stale leaves', async () => {
    const incident = fake.incidents[0];
    const service = fake.services.find((s) => s.id === incident?.service_id);
    if (!service) throw new Error('seed has no service for its first incident');
    const described = `query ($id: ID!) { incident(id: $id) { service { description } timeline(first: 5) { totalCount } } }`;
    const description = async () =>
      (await gqlData<{ incident: { service: { description: string } } }>(directoryOnly.url, described, { id: id() }))
        .incident.service.description;
    const before = service.description;
    // Only the clock the cache reads moves; the servers run on real timers.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      expect(await description()).toBe(before);
      service.description = `${before} (changed)`;
      vi.setSystemTime(Date.now() + 61_000);
      // The stale service is refreshed while the request waits on its timeline.
      directoryGate.close('service.query', 'incident.timelines');
      const leaving = new AbortController();
      const request = fetch(directoryOnly.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: described, variables: { id: id() } }),
        signal: leaving.signal,
      }).catch(() => 'left');
      const refresh = await directoryGate.arrival('service.query');
      const timeline = await directoryGate.arrival('incident.timelines');
      const cancelled = new Promise((resolve) => timeline.signal?.addEventListener('abort', resolve, { once: true }));
      leaving.abort();
      expect(await request).toBe('left');
      await cancelled;
      expect(refresh.signal?.reason).toBeUndefined();
      directoryGate.open();
      await refresh.release();
      await timeline.release().catch(() => undefined);
      // The refresh stores its answer within the turn: every pending callback has run by the next one.
      await new Promise(setImmediate);
      fake.requests.length = 0;
      expect(await description()).toBe(`${before} (changed)`);
      expect(fake.requests.filter((r) => r.path.startsWith('/services'))).toHaveLength(0);
    } finally {
      directoryGate.open();
      vi.useRealTimers();
      service.description = before;
    }
  });

  it('reads a service requests read within its TTL again before the TTL ends, with no request asking', async () => {
    const incident = fake.incidents[0];
    const service = fake.services.find((s) => s.id === incident?.service_id);
    if (!service) throw new Error('seed has no service for its first incident');
    const described = `query ($id: ID!) { incident(id: $id) { service { description } } }`;
    const description = async () =>
      (await gqlData<{ incident: { service: { description: string } } }>(ahead.url, described, { id: id() })).incident
        .service.description;
    const before = service.description;
    // The cache's clock stands still unless moved, so the second read is a hit however slow the
    // machine; the sweep runs on a real timer.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      expect(await description()).toBe(before);
      expect(await description()).toBe(before);
      service.description = `${before} (changed)`;
      aheadGate.close('service.query');
      vi.setSystemTime(Date.now() + 1_000);
      const refresh = await aheadGate.arrival('service.query');
      aheadGate.open();
      await refresh.release();
      // The refresh stores its answer within the turn: every pending callback has run by the next one.
      await new Promise(setImmediate);
      fake.requests.length = 0;
      expect(await description()).toBe(`${before} (changed)`);
      expect(fake.requests.filter((r) => r.path.startsWith('/services'))).toHaveLength(0);
      const metrics = await (await fetch(ahead.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(metrics).toMatch(
        /opsorch_read_cache_refreshes_total\{[^}]*capability="service"[^}]*kind="ahead"[^}]*\} [1-9]/,
      );
    } finally {
      aheadGate.open();
      vi.useRealTimers();
      service.description = before;
    }
  });

  it('with a record TTL, serves the incident from the cache until a write or a webhook says it changed', async () => {
    const status = async () =>
      (await gqlData<{ incident: { status: string } }>(withRecords.url, PAGE, { id: id() })).incident.status;
    await status();
    await status();
    expect(incidentReads()).toBe(1);

    await gqlData(
      withRecords.url,
      `mutation ($id: ID!) { incidentAcknowledge(input: { id: $id }) { incident { id } } }`,
      {
        id: id(),
      },
    );
    fake.requests.length = 0;
    expect(await status()).toBe('ACKNOWLEDGED');
    expect(incidentReads()).toBe(1);

    // A change made in PagerDuty itself, then announced by its webhook.
    const incident = fake.incidents[0];
    if (!incident) throw new Error('seed has no incident');
    incident.status = 'resolved';
    expect(await status()).toBe('ACKNOWLEDGED');
    const body = incidentEventBody('incident.resolved', incident);
    const hook = withRecords.url.replace(/\/graphql$/, '/webhooks/pagerduty');
    const delivered = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signPagerDutyDelivery(body, SECRET) },
      body,
    });
    expect(delivered.status).toBeLessThan(300);
    expect(await status()).toBe('RESOLVED');
  });
});

describe("the read cache's byte bound through the gateway (PagerDuty)", () => {
  const BOUND = 1 << 20;
  let fake: PagerDutyFake;
  let gateway: TestGateway;
  const ids = Array.from({ length: 40 }, (_, i) => `PSBIG${String(i).padStart(2, '0')}`);
  const serviceReads = (id: string) => fake.requests.filter((r) => r.path === `/services/${id}`).length;

  beforeAll(async () => {
    fake = await startPagerDutyFake();
    seedPagerDuty(fake);
    for (const id of ids) {
      // 60 KB each: 40 of them are more than the bound holds, each well under an eighth of it.
      fake.services.push({ id, name: id, description: id.padEnd(60_000, '.'), team_ids: [], escalation_policy_id: '' });
    }
    gateway = await startTestGateway([{ name: 'pagerduty', adapter: await pagerDutyAdapterAt(fake) }], {
      cache: {
        maxEntries: 1000,
        maxBytes: BOUND,
        directory: { ttlMs: 60_000, staleMs: 30_000 },
        records: { ttlMs: 0, staleMs: 0 },
      },
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await fake?.stop();
  });

  it('holds no more than OPSORCH_CACHE_MAX_BYTES of answers, shows it on /metrics, and reads an answer it let go again', async () => {
    const first = await gqlData<{ nodes: { description: string }[] }>(
      gateway.url,
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Service { description } } }',
      { ids: ids.map((id) => toGlobalId('Service', 'pagerduty', id)) },
    );
    expect(first.nodes.map((s) => s.description.length)).toEqual(ids.map(() => 60_000));

    const metrics = await scrape(gateway);
    const bytes = total(metrics, 'opsorch_read_cache_bytes');
    expect(bytes).toBeGreaterThan(BOUND / 2);
    expect(bytes).toBeLessThanOrEqual(BOUND);
    expect(total(metrics, 'opsorch_read_cache_evictions_total', { capability: 'service' })).toBeGreaterThan(0);

    // The last service read is still held; the first was let go to make room, and is read again.
    const last = ids[39] as string;
    const firstId = ids[0] as string;
    const again = (id: string) =>
      gqlData(gateway.url, `{ service(id: "${toGlobalId('Service', 'pagerduty', id)}") { description } }`);
    const readsBefore = [serviceReads(last), serviceReads(firstId)];
    await again(last);
    await again(firstId);
    expect([serviceReads(last), serviceReads(firstId)]).toEqual([readsBefore[0], (readsBefore[1] as number) + 1]);
  });
});
