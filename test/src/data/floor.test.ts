/**
 * The data floor over the real mock adapter: requests and background work reach providers only
 * through the choke point, each with its cause; request caches stay per request; pushed events are
 * published once. Over the real PagerDuty adapter and a provider server that hangs on command and
 * sees its connections close: a request's calls end when its client leaves (a shared call only
 * when all its requests have), a request that has left calls nothing, and background calls end
 * when the gateway stops.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Adapter, CallCancel } from '../../../adapters/contract/index.js';
import type { CallMiddleware } from '../../../src/data/calls.js';
import { DataFloor } from '../../../src/data/floor.js';
import type { IncidentUpdatedEventNode } from '../../../src/data/models.js';
import { ProviderResilience } from '../../../src/data/provider-resilience.js';
import { requestLimits } from '../../../src/data/request-limits.js';
import { InMemoryPubSub } from '../../../src/events/pubsub.js';
import { topics } from '../../../src/events/topics.js';
import { DEFAULT_LIMITS } from '../../../src/limits.js';
import { AdapterRegistry } from '../../../src/providers/registry.js';
import { type FaultyProvider, startFaultyProvider } from '../../fakes/faulty-provider.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { mockAdapter, testLogger } from '../../helpers/gateway.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';

interface Seen {
  provider: string;
  operation: string;
  cause: string;
  write: boolean;
}

describe('DataFloor', () => {
  let mock: Adapter;
  let slow: Adapter;
  let registry: AdapterRegistry;
  let pubsub: InMemoryPubSub;
  let floor: DataFloor;
  let incidentId: string;
  const seen: Seen[] = [];
  const record: CallMiddleware = (call, next) => {
    seen.push({ provider: call.provider, operation: call.operation, cause: call.cause, write: call.write });
    return next(call);
  };
  const makeFloor = () =>
    new DataFloor({ registry, pubsub, logger: testLogger, loaders: { batch: true }, middleware: [record] });

  beforeAll(async () => {
    mock = await mockAdapter();
    slow = await mockAdapter();
    registry = new AdapterRegistry([
      { name: 'mock', kind: 'mock', adapter: mock, capabilities: ['incident', 'service', 'team'] },
      { name: 'slow', kind: 'mock', adapter: { ...slow, onEvent: undefined }, capabilities: ['incident'] },
    ]);
    pubsub = new InMemoryPubSub();
    floor = makeFloor();
    const [page] = await (mock.capabilities.incident as NonNullable<Adapter['capabilities']['incident']>).query(
      [{ first: 1 }],
      {},
    );
    incidentId = page && !(page instanceof Error) ? (page.nodes[0]?.id as string) : '';
    expect(incidentId).toBeTruthy();
  });
  afterAll(async () => {
    floor.stop();
    await pubsub.close();
    await registry.close();
  });

  it('reads a record once per request, through the choke point, and again for another request', async () => {
    seen.length = 0;
    const first = floor.forRequest('r1');
    const a = await first.incidents.get('mock', incidentId);
    const b = await first.incidents.get('mock', incidentId);
    expect(b).toBe(a);
    expect(a.provider).toBe('mock');
    await floor.forRequest('r2').incidents.get('mock', incidentId);
    expect(seen).toEqual([
      { provider: 'mock', operation: 'getMany', cause: 'request', write: false },
      { provider: 'mock', operation: 'getMany', cause: 'request', write: false },
    ]);
  });

  it.each([
    ['an AbortSignal', () => new AbortController().signal],
    ["the server's CallCancel", () => new CallCancel()],
  ])("holds a request's reads in flight on %s without Node's leak warning", async (_name, cancellation) => {
    // Unbatched, so each read is a call of its own that listens on the request's signal until it
    // settles: more at once than Node's default of ten listeners, as an incident page has.
    const unbatched = new DataFloor({ registry, pubsub, logger: testLogger, loaders: { batch: false } });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const request = unbatched.forRequest('many', cancellation());
      const reads = Array.from({ length: 24 }, () => request.incidents.get('mock', incidentId));
      expect((await Promise.all(reads)).every((incident) => incident.id === incidentId)).toBe(true);
    } finally {
      process.off('warning', onWarning);
      unbatched.stop();
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it("remembers a request's read of an incident for the look-ahead, and not background work's", async () => {
    const remembering = makeFloor();
    try {
      await remembering.background('webhook').incidents.get('mock', incidentId);
      expect(remembering.recentIncidents.size).toBe(0);
      const record = await remembering.forRequest('seen').incidents.get('mock', incidentId);
      expect(remembering.forRequest('next').incidents.lastRead('mock', incidentId)).toBe(record);
      expect(remembering.forRequest('other').incidents.lastRead('slow', incidentId)).toBeUndefined();
    } finally {
      remembering.stop();
    }
  });

  it("ends an open incident's window at the request's whole second without a record TTL, so requests within it ask alike", () => {
    const now = floor.forRequest('live').liveNow();
    expect(now % 1000).toBe(0);
    expect(Date.now() - now).toBeLessThan(1000 + 50);
    // Within one second every request's window ends at the same instant (unless the second turns between them).
    const other = floor.forRequest('live-too').liveNow();
    expect(other === now || other === now + 1000).toBe(true);
  });

  it('marks background calls with what caused them', async () => {
    seen.length = 0;
    await floor.background('webhook').incidents.timeline('mock', incidentId);
    await floor.background('event').services.list({ first: 2 });
    expect(seen.map((s) => `${s.cause}:${s.operation}`)).toEqual(['webhook:timelines', 'event:query']);
  });

  it('knows which instance serves what and which pushes its own changes', () => {
    expect(floor.serves('mock', 'team')).toBe(true);
    expect(floor.serves('slow', 'team')).toBe(false);
    expect(floor.serves('nobody', 'incident')).toBe(false);
    expect(floor.isConfigured('incident')).toBe(true);
    expect(floor.isConfigured('log')).toBe(false);
    expect(floor.pushes('mock')).toBe(true);
    expect(floor.pushes('slow')).toBe(false);
  });

  it("publishes a pushing provider's change once: from its own stream, not from the write", async () => {
    const stopListening = floor.listen();
    const watch = new AbortController();
    const changes = pubsub.subscribe<IncidentUpdatedEventNode>(topics.incidents, watch.signal);
    await changes.ready;
    seen.length = 0;
    const request = floor.forRequest('w1');
    await request.incidents.update('mock', incidentId, { title: 'Checkout latency, renamed by the floor test' });
    await request.incidents.update('mock', incidentId, { title: 'Checkout latency, renamed twice' });
    const received: string[] = [];
    for await (const event of changes) {
      received.push(event.incident.title);
      if (received.length === 2) break;
    }
    expect(received).toEqual(['Checkout latency, renamed by the floor test', 'Checkout latency, renamed twice']);
    expect(seen.filter((s) => s.write)).toHaveLength(2);
    watch.abort();
    stopListening();
  });

  it('asks a request caller for the read scope before a live read, and background work not', () => {
    expect(() => floor.forRequest('r4').requireRead('incident')).toThrow(/read scope/);
    expect(() => floor.background('poller').requireRead('incident')).not.toThrow();
  });

  it('reports the health of every provider instance', async () => {
    const health = await floor.health();
    expect(health.map((h) => [h.provider, h.status])).toEqual([
      ['mock', 'HEALTHY'],
      ['slow', 'HEALTHY'],
    ]);
  });
});

describe('cancellation through the floor', () => {
  let pagerduty: PagerDutyFake;
  let faulty: FaultyProvider;
  let registry: AdapterRegistry;
  let pubsub: InMemoryPubSub;
  let floor: DataFloor;

  beforeAll(async () => {
    pagerduty = await startPagerDutyFake();
    seedPagerDuty(pagerduty);
    faulty = await startFaultyProvider(pagerduty.url);
    const adapter = await pagerDutyAdapterAt(pagerduty, { url: faulty.url, name: 'pd' });
    registry = new AdapterRegistry([{ name: 'pd', kind: 'pagerduty', adapter, capabilities: ['incident'] }]);
    pubsub = new InMemoryPubSub();
    // The server's middleware: the request's bounds, then the provider's breaker, queue and time-out.
    const resilience = new ProviderResilience(DEFAULT_LIMITS, registry.names);
    floor = new DataFloor({
      registry,
      pubsub,
      logger: testLogger,
      loaders: { batch: true },
      middleware: [requestLimits(DEFAULT_LIMITS), resilience.middleware],
    });
  });
  afterAll(async () => {
    floor.stop();
    await faulty.stop();
    await pubsub.close();
    await registry.close();
    await pagerduty.stop();
  });

  /** Reads that fail are answered as errors, so a test can wait for them like for data. */
  const settled = <T>(read: Promise<T>): Promise<T | Error> => read.catch((err: unknown) => err as Error);

  it("aborts a request's provider call when its client leaves, and answers the request at once", async () => {
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const abandoned = faulty.abandonedCount();
    const client = new AbortController();
    const read = settled(floor.forRequest('leaves', client.signal).incidents.get('pd', 'PINC000'));
    await faulty.reached(received + 1);
    client.abort();
    await faulty.abandoned(abandoned + 1);
    expect(await read).toBeInstanceOf(Error);
    expect(faulty.hanging()).toBe(0);
  });

  it("aborts a request's provider call when the cancellation the server hands it (a CallCancel) ends", async () => {
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const abandoned = faulty.abandonedCount();
    const client = new CallCancel();
    const read = settled(floor.forRequest('leaves', client).incidents.get('pd', 'PINC006'));
    await faulty.reached(received + 1);
    client.abort();
    await faulty.abandoned(abandoned + 1);
    expect(await read).toBeInstanceOf(Error);
    expect(faulty.hanging()).toBe(0);
  });

  it('keeps a call shared by two requests going while one stays, and aborts it once both have left', async () => {
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const abandoned = faulty.abandonedCount();
    const first = new AbortController();
    const second = new AbortController();
    const leaving = settled(floor.forRequest('first', first.signal).incidents.get('pd', 'PINC001'));
    const staying = settled(floor.forRequest('second', second.signal).incidents.get('pd', 'PINC001'));
    await faulty.reached(received + 1);
    first.abort();
    // The request that left has its answer while the call it shared goes on.
    expect(await leaving).toBeInstanceOf(Error);
    expect(faulty.hanging()).toBe(1);
    second.abort();
    await faulty.abandoned(abandoned + 1);
    expect(await staying).toBeInstanceOf(Error);
    expect(faulty.received.length).toBe(received + 1);
  });

  it('answers the request that stays with the shared call when the other leaves', async () => {
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const first = new AbortController();
    const leaving = settled(floor.forRequest('first', first.signal).incidents.get('pd', 'PINC002'));
    const staying = floor.forRequest('second', new AbortController().signal).incidents.get('pd', 'PINC002');
    await faulty.reached(received + 1);
    first.abort();
    expect(await leaving).toBeInstanceOf(Error);
    faulty.fault = 'pass';
    faulty.release();
    expect((await staying).id).toBe('PINC002');
    expect(faulty.received.length).toBe(received + 1);
  });

  it('calls no provider for a request whose client has already left', async () => {
    faulty.fault = 'pass';
    const gone = new AbortController();
    gone.abort();
    const received = faulty.received.length;
    const read = await settled(floor.forRequest('gone', gone.signal).incidents.get('pd', 'PINC003'));
    expect(read).toBeInstanceOf(Error);
    // A request that stayed, made after it, is the only one the provider hears of.
    await floor.forRequest('marker', new AbortController().signal).incidents.get('pd', 'PINC004');
    expect(faulty.received.slice(received)).toEqual(['GET /incidents/PINC004']);
  });

  it('aborts background calls (polls, webhooks, adapter events) when the gateway stops, and makes no more', async () => {
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const abandoned = faulty.abandonedCount();
    const poll = settled(floor.background('poller').incidents.timeline('pd', 'PINC005'));
    // A timeline is the incident, its log entries and its notes: three requests.
    await faulty.reached(received + 3);
    floor.stop();
    await faulty.abandoned(abandoned + 3);
    const stopped = await poll;
    expect(stopped).toBeInstanceOf(Error);
    expect(faulty.hanging()).toBe(0);

    faulty.fault = 'pass';
    const after = await settled(floor.background('webhook').incidents.get('pd', 'PINC006'));
    expect(after).toBeInstanceOf(Error);
    expect((after as Error).message).toMatch(/the gateway is stopping/);
    expect(faulty.received.length).toBe(received + 3);
  });
});
