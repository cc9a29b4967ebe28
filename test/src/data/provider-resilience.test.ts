/**
 * Provider isolation through the real server: PagerDuty's adapter talks to the PagerDuty fake
 * through a server that can fail or hang on command, beside a healthy mock provider. A provider
 * that keeps failing opens its breaker (calls stop reaching it, PROVIDER_UNAVAILABLE with
 * `retryAfter`), one probe is let through once it is due, and recovery closes it; a hanging
 * provider fills only its own slots and queue, past which its calls fail at once, while the other
 * provider keeps answering; a queued write is dropped unsent once it has waited its limit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { type FaultyProvider, startFaultyProvider } from '../../fakes/faulty-provider.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { type GraphQLResponse, gql } from '../../helpers/graphql.js';
import { scrape, total } from '../../helpers/metrics.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';
import { openSession } from '../../helpers/ws.js';

let pagerduty: PagerDutyFake;

beforeAll(async () => {
  pagerduty = await startPagerDutyFake();
  seedPagerDuty(pagerduty);
});
afterAll(() => pagerduty.stop());

async function gatewayOver(name: string, faulty: FaultyProvider, limits: Parameters<typeof startTestGateway>[1]) {
  const adapter = await pagerDutyAdapterAt(pagerduty, { url: faulty.url, name });
  return startTestGateway(
    [
      { name, adapter, capabilities: ['incident'] },
      { name: 'mock', adapter: await mockAdapter(), capabilities: ['ticket'] },
    ],
    limits,
  );
}

const BOTH = '{ incidents(first: 1) { nodes { id } } tickets(first: 1) { nodes { id } } }';
type Both = { incidents: { nodes: { id: string }[] } | null; tickets: { nodes: { id: string }[] } | null };

function errorOf(result: GraphQLResponse, provider: string) {
  return result.errors?.find((e) => e.extensions?.provider === provider);
}

async function circuitMetric(gateway: TestGateway, provider: string): Promise<string | undefined> {
  const samples = await scrape(gateway);
  return ['closed', 'open', 'half_open'].find(
    (state) => total(samples, 'opsorch_provider_circuit_state', { provider, state }) === 1,
  );
}

async function circuitInGraph(gateway: TestGateway, provider: string): Promise<string | undefined> {
  const result = await gql<{ providers: { provider: string; health: { circuit: string } }[] }>(
    gateway.url,
    '{ providers { provider health { circuit } } }',
  );
  return result.data?.providers.find((p) => p.provider === provider)?.health.circuit;
}

describe('circuit breaker', () => {
  const name = 'pd-breaker';
  let faulty: FaultyProvider;
  let gateway: TestGateway;
  beforeAll(async () => {
    faulty = await startFaultyProvider(pagerduty.url);
    gateway = await gatewayOver(name, faulty, {
      limits: { providerBreakerFailures: 3, providerBreakerHalfOpenMs: 60_000 },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await faulty.stop();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('opens after repeated failures, lets one probe through when due, and closes on recovery; the other provider answers throughout', async () => {
    expect(await circuitMetric(gateway, name)).toBe('closed');
    faulty.fault = 'fail';
    for (let failure = 1; failure <= 3; failure++) {
      const result = await gql<Both>(gateway.url, BOTH);
      expect(result.data?.incidents).toBeNull();
      expect(errorOf(result, name)?.extensions?.code).toBe('PROVIDER_ERROR');
      expect(result.data?.tickets?.nodes).toHaveLength(1);
    }
    expect(await circuitMetric(gateway, name)).toBe('open');
    expect(await circuitInGraph(gateway, name)).toBe('OPEN');
    expect(await circuitInGraph(gateway, 'mock')).toBe('CLOSED');

    // Open: the provider is not asked, the caller is told when to come back.
    const reachedWhileClosed = faulty.received.filter((r) => r.startsWith('GET /incidents')).length;
    const refused = await gql<Both>(gateway.url, BOTH);
    expect(refused.data?.tickets?.nodes).toHaveLength(1);
    expect(refused.data?.incidents).toBeNull();
    const error = errorOf(refused, name);
    expect(error?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: name,
      capability: 'incident',
      reason: 'CIRCUIT_OPEN',
    });
    expect(error?.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
    expect(error?.extensions?.retryAfter).toBeLessThanOrEqual(60);
    expect(error?.message).toMatch(/open after 3 consecutive failures \(OPSORCH_PROVIDER_BREAKER_FAILURES\)/);
    expect(faulty.received.filter((r) => r.startsWith('GET /incidents')).length).toBe(reachedWhileClosed);

    // The half-open delay passes (the breaker reads the clock); the provider has recovered but is slow.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    faulty.fault = 'hang';
    const received = faulty.received.length;
    // Another query than the one below, which would otherwise share this read while it is in flight.
    const probe = gql<Both>(gateway.url, '{ incidents(first: 3) { nodes { id } } }');
    await faulty.reached(received + 1);
    expect(await circuitMetric(gateway, name)).toBe('half_open');
    const whileProbing = await gql<Both>(gateway.url, BOTH);
    expect(errorOf(whileProbing, name)?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      reason: 'PROBE_IN_FLIGHT',
      retryAfter: 1,
    });
    expect(whileProbing.data?.tickets?.nodes).toHaveLength(1);
    expect(faulty.received.length).toBe(received + 1);

    faulty.fault = 'pass';
    faulty.release();
    const probed = await probe;
    expect(probed.errors).toBeUndefined();
    expect(probed.data?.incidents?.nodes).toHaveLength(3);
    expect(await circuitMetric(gateway, name)).toBe('closed');
    const recovered = await gql<Both>(gateway.url, BOTH);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.data?.incidents?.nodes).toHaveLength(1);
    expect(await circuitInGraph(gateway, name)).toBe('CLOSED');
  });

  it('opens again when the probe fails', async () => {
    faulty.fault = 'fail';
    for (let failure = 1; failure <= 3; failure++) await gql(gateway.url, BOTH);
    expect(await circuitMetric(gateway, name)).toBe('open');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    const received = faulty.received.length;
    const probe = await gql(gateway.url, BOTH);
    expect(errorOf(probe, name)).toMatchObject({ extensions: { code: 'PROVIDER_ERROR' } });
    expect(faulty.received.length).toBe(received + 1);
    expect(await circuitMetric(gateway, name)).toBe('open');
    const refused = await gql(gateway.url, BOTH);
    expect(errorOf(refused, name)?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'CIRCUIT_OPEN' });
    expect(faulty.received.length).toBe(received + 1);
  });
});

describe('cancelled calls and the breaker', () => {
  const name = 'pd-probe';
  let faulty: FaultyProvider;
  let gateway: TestGateway;
  beforeAll(async () => {
    faulty = await startFaultyProvider(pagerduty.url);
    gateway = await gatewayOver(name, faulty, {
      limits: { providerBreakerFailures: 2, providerBreakerHalfOpenMs: 60_000 },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await faulty.stop();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never counts a call whose client left as a failure, however the adapter answers it', async () => {
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const clients = [new AbortController(), new AbortController()];
    const leaving = clients.map((client, i) =>
      fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ incidents(first: ${i + 5}) { nodes { id } } }` }),
        signal: client.signal,
      }).catch(() => 'abandoned'),
    );
    await faulty.reached(received + 2);
    for (const client of clients) client.abort();
    expect(await Promise.all(leaving)).toEqual(['abandoned', 'abandoned']);
    await faulty.abandoned(2);
    while (total(await scrape(gateway), 'opsorch_provider_calls_in_flight', { provider: name }) > 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Two failures would open it.
    expect(await circuitMetric(gateway, name)).toBe('closed');
  });

  it('does not close the breaker: it opens again with the next probe due at once', async () => {
    faulty.fault = 'fail';
    for (let failure = 1; failure <= 2; failure++) await gql(gateway.url, BOTH);
    expect(await circuitMetric(gateway, name)).toBe('open');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);

    // The probe reaches a provider that hangs, and its client leaves.
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const client = new AbortController();
    const probe = fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ incidents(first: 4) { nodes { id } } }' }),
      signal: client.signal,
    }).catch(() => 'abandoned');
    await faulty.reached(received + 1);
    expect(await circuitMetric(gateway, name)).toBe('half_open');
    client.abort();
    expect(await probe).toBe('abandoned');
    await faulty.abandoned(3);
    let state = await circuitMetric(gateway, name);
    while (state === 'half_open') {
      await new Promise((resolve) => setImmediate(resolve));
      state = await circuitMetric(gateway, name);
    }
    // Cancellation is not success: the breaker did not close.
    expect(state).toBe('open');
    expect(await circuitInGraph(gateway, name)).toBe('OPEN');

    // A cancelled probe proved nothing, so the next call probes at once, and the provider has recovered.
    faulty.fault = 'pass';
    const next = await gql<Both>(gateway.url, BOTH);
    expect(next.errors).toBeUndefined();
    expect(next.data?.incidents?.nodes).toHaveLength(1);
    // The probe and this call; this one also reads the service directory.
    expect(faulty.received.slice(received).filter((r) => r === 'GET /incidents')).toHaveLength(2);
    expect(await circuitMetric(gateway, name)).toBe('closed');
  });
});

describe('a provider that always says there is more', () => {
  const name = 'pd-endless';
  let gateway: TestGateway;
  beforeAll(async () => {
    const adapter = await pagerDutyAdapterAt(pagerduty, { name, config: { maxPages: 2 } });
    gateway = await startTestGateway(
      [
        { name, adapter, capabilities: ['incident'] },
        { name: 'mock', adapter: await mockAdapter(), capabilities: ['ticket'] },
      ],
      { limits: { providerBreakerFailures: 2, providerBreakerHalfOpenMs: 60_000 } },
    );
  });
  afterAll(async () => {
    pagerduty.endless = null;
    await gateway.stop();
  });

  it('counts TOO_MANY_PAGES as a failure: the breaker opens and the provider is left alone', async () => {
    pagerduty.endless = '/incidents';
    // Free text PagerDuty cannot filter: the adapter reads page after page looking for matches.
    const query = (n: number) =>
      `{ incidents(first: 5, filter: { query: "no incident says this ${n}" }) { nodes { id } } tickets(first: 1) { nodes { id } } }`;
    const listings = () => pagerduty.requestsTo('/incidents', 'GET').filter((r) => r.path === '/incidents').length;
    const before = listings();
    for (let n = 1; n <= 2; n++) {
      const result = await gql<Both>(gateway.url, query(n));
      expect(errorOf(result, name)?.extensions?.code).toBe('TOO_MANY_PAGES');
      expect(result.data?.tickets?.nodes).toHaveLength(1);
    }
    expect(listings()).toBe(before + 4);
    expect(await circuitMetric(gateway, name)).toBe('open');
    const refused = await gql<Both>(gateway.url, query(3));
    expect(errorOf(refused, name)?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', reason: 'CIRCUIT_OPEN' });
    expect(refused.data?.tickets?.nodes).toHaveLength(1);
    expect(listings()).toBe(before + 4);
  });
});

describe('concurrency cap', () => {
  const name = 'pd-hanging';
  let faulty: FaultyProvider;
  let gateway: TestGateway;
  beforeAll(async () => {
    faulty = await startFaultyProvider(pagerduty.url);
    gateway = await gatewayOver(name, faulty, {
      limits: {
        providerMaxConcurrent: 2,
        providerMaxQueued: 2,
        providerQueueTimeoutMs: 60_000,
        providerCallTimeoutMs: 60_000,
      },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await faulty.stop();
  });

  async function load(): Promise<{ inFlight: number; queued: number }> {
    const samples = await scrape(gateway);
    return {
      inFlight: total(samples, 'opsorch_provider_calls_in_flight', { provider: name }),
      queued: total(samples, 'opsorch_provider_calls_queued', { provider: name }),
    };
  }

  /** Waits until the gateway reports this load on `/metrics`. */
  async function loadReaches(expected: { inFlight: number; queued: number }): Promise<void> {
    while (JSON.stringify(await load()) !== JSON.stringify(expected)) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  it('holds a hanging provider to its slots and queue, refuses past them at once, and serves the other provider meanwhile', async () => {
    faulty.fault = 'hang';
    const clients = Array.from({ length: 4 }, () => new AbortController());
    const hanging = clients.map((client, i) =>
      fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        // Distinct queries, so no two share one provider read.
        body: JSON.stringify({ query: `{ incidents(first: ${i + 2}) { nodes { id } } }` }),
        signal: client.signal,
      }).then(
        () => 'answered',
        () => 'abandoned',
      ),
    );
    let settled = 0;
    for (const h of hanging) h.then(() => settled++);
    await faulty.reached(2);
    await loadReaches({ inFlight: 2, queued: 2 });

    const past = await gql<Both>(gateway.url, BOTH);
    expect(past.data?.incidents).toBeNull();
    expect(past.data?.tickets?.nodes).toHaveLength(1);
    const error = errorOf(past, name);
    expect(error?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      provider: name,
      capability: 'incident',
      reason: 'QUEUE_FULL',
      retryAfter: 1,
    });
    expect(error?.message).toMatch(
      /2 calls are in flight \(OPSORCH_PROVIDER_MAX_CONCURRENT\) and 2 waiting \(OPSORCH_PROVIDER_MAX_QUEUED\)/,
    );
    const refusals = total(await scrape(gateway), 'opsorch_provider_calls_rejected_total', {
      provider: name,
      reason: 'queue_full',
    });
    expect(refusals).toBe(1);

    // The other provider answers while all four are still waiting on the hanging one.
    const other = await gql<Both>(gateway.url, '{ tickets(first: 2) { nodes { id } } }');
    expect(other.data?.tickets?.nodes).toHaveLength(2);
    expect(settled).toBe(0);
    expect(faulty.received).toHaveLength(2);

    // Clients leave: the provider sees its two connections close, the queued calls are never sent.
    for (const client of clients) client.abort();
    await faulty.abandoned(2);
    expect(await Promise.all(hanging)).toEqual(['abandoned', 'abandoned', 'abandoned', 'abandoned']);
    await loadReaches({ inFlight: 0, queued: 0 });
    faulty.fault = 'pass';
    const after = await gql<Both>(gateway.url, BOTH);
    expect(after.errors).toBeUndefined();
    expect(faulty.received).toHaveLength(3);
    // Callers that left are not the provider's failures.
    expect(await circuitMetric(gateway, name)).toBe('closed');
  });

  it('stops the provider calls of a WebSocket client that leaves: the provider sees the connection close', async () => {
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const session = await openSession(gateway.url.replace(/^http/, 'ws'));
    session.send({ type: 'connection_init' });
    expect(await session.next()).toMatchObject({ type: 'connection_ack' });
    // Replaying what a reconnecting client missed reads the timeline from the provider, which hangs.
    session.send({
      id: '1',
      type: 'subscribe',
      payload: {
        query:
          'subscription($id: ID!, $since: DateTime) { incidentTimelineUpdated(incidentId: $id, since: $since) { id } }',
        variables: { id: toGlobalId('Incident', name, 'PINC000'), since: '2020-01-01T00:00:00Z' },
      },
    });
    await faulty.reached(received + 1);
    const hangingNow = faulty.hanging();
    session.socket.terminate();
    // Two connections were abandoned by the HTTP clients above.
    await faulty.abandoned(2 + hangingNow);
    expect(faulty.hanging()).toBe(0);
    faulty.fault = 'pass';
  });
});

describe('per-call time-out', () => {
  const name = 'pd-slow';
  let faulty: FaultyProvider;
  let gateway: TestGateway;
  beforeAll(async () => {
    faulty = await startFaultyProvider(pagerduty.url);
    // A second, not a fifth of one: the time-out runs from the call's start, and the request must
    // reach the provider before it for the provider to see its connection close; a process held
    // off the CPU for 200 ms ran the time-out before undici had written the request.
    gateway = await gatewayOver(name, faulty, { limits: { providerCallTimeoutMs: 1_000, providerBreakerFailures: 2 } });
  });
  afterAll(async () => {
    await gateway.stop();
    await faulty.stop();
  });

  it("fails a call past its time-out, ends it (the provider sees the connection close) and counts it as the provider's failure", async () => {
    faulty.fault = 'hang';
    for (const attempt of [1, 2]) {
      const result = await gql<Both>(gateway.url, BOTH);
      expect(result.data?.incidents).toBeNull();
      expect(result.data?.tickets?.nodes).toHaveLength(1);
      const error = errorOf(result, name);
      expect(error?.extensions).toMatchObject({
        code: 'PROVIDER_TIMEOUT',
        capability: 'incident',
        limit: 'OPSORCH_PROVIDER_CALL_TIMEOUT_MS',
        max: 1_000,
      });
      expect(error?.message).toMatch(/did not answer incident within 1000 ms/);
      await faulty.abandoned(attempt);
      expect(faulty.hanging()).toBe(0);
    }
    // Two time-outs in a row are two failures: the breaker opens.
    expect(await circuitMetric(gateway, name)).toBe('open');
  });
});

describe('a queued write', () => {
  const name = 'pd-write';
  let faulty: FaultyProvider;
  let gateway: TestGateway;
  beforeAll(async () => {
    faulty = await startFaultyProvider(pagerduty.url);
    gateway = await gatewayOver(name, faulty, {
      limits: { providerMaxConcurrent: 1, providerMaxQueued: 1, providerQueueTimeoutMs: 200 },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await faulty.stop();
  });

  it('is dropped unsent once it has waited its limit, and never sent later', async () => {
    faulty.fault = 'hang';
    const read = gql<Both>(gateway.url, '{ incidents(first: 1) { nodes { id } } }');
    await faulty.reached(1);
    const write = await gql<{ incidentAcknowledge: unknown }>(
      gateway.url,
      'mutation($id: ID!) { incidentAcknowledge(input: { id: $id }) { incident { id } userErrors { code message } } }',
      { id: toGlobalId('Incident', name, 'PINC000') },
    );
    const error = errorOf(write, name);
    expect(error?.extensions).toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      capability: 'incident',
      reason: 'QUEUE_TIMEOUT',
      retryAfter: 1,
    });
    expect(error?.message).toMatch(/waited 200 ms .*\(OPSORCH_PROVIDER_QUEUE_TIMEOUT_MS\) and was not sent/);

    faulty.fault = 'pass';
    faulty.release();
    expect((await read).data?.incidents?.nodes).toHaveLength(1);
    // A later read takes the slot the write would have had; the write never reached the provider.
    expect((await gql<Both>(gateway.url, '{ incidents(first: 2) { nodes { id } } }')).errors).toBeUndefined();
    expect(faulty.received.filter((r) => !r.startsWith('GET'))).toEqual([]);
  });
});
