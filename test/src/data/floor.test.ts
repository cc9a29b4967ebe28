/**
 * The data floor over the real mock adapter: requests and background work reach providers only
 * through the choke point, each with its cause; request caches stay per request; pushed events are
 * published once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import type { CallMiddleware } from '../../../src/data/calls.js';
import { DataFloor } from '../../../src/data/floor.js';
import type { IncidentUpdatedEventNode } from '../../../src/data/models.js';
import { InMemoryPubSub } from '../../../src/events/pubsub.js';
import { topics } from '../../../src/events/topics.js';
import { AdapterRegistry } from '../../../src/providers/registry.js';
import { mockAdapter, testLogger } from '../../helpers/gateway.js';

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
