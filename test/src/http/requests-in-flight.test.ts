/**
 * The bounds on requests in flight, pushed past through the real server: requests held by a
 * provider that hangs fill them, and the next GraphQL request (POST, GET, SSE) or MCP call is
 * answered at once with `Retry-After`: 503 past the gateway's bound, while the probes and
 * `/metrics` still answer; 429 past one client's share, while other clients (other loopback
 * addresses, or other users a trusted proxy names) are served. Once the provider answers, requests
 * are served again. The real PagerDuty adapter, its fake, and a provider server that hangs on
 * command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthConfig } from '../../../src/auth/authenticator.js';
import type { Limits } from '../../../src/limits.js';
import { type FaultyProvider, startFaultyProvider } from '../../fakes/faulty-provider.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';
import { graphqlFrom, httpFrom } from '../../helpers/http-from.js';
import { scrape, total } from '../../helpers/metrics.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';
import { waitUntil } from '../../helpers/subscriptions.js';

const MAX = 2;

describe('requests in flight', () => {
  let pagerduty: PagerDutyFake;
  let faulty: FaultyProvider;
  let gateway: TestGateway;

  beforeAll(async () => {
    pagerduty = await startPagerDutyFake();
    seedPagerDuty(pagerduty);
    faulty = await startFaultyProvider(pagerduty.url);
    const adapter = await pagerDutyAdapterAt(pagerduty, { url: faulty.url, name: 'pd' });
    gateway = await startTestGateway([{ name: 'pd', adapter, capabilities: ['incident'] }], {
      limits: { maxRequestsInFlight: MAX },
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await faulty.stop();
    await pagerduty.stop();
  });

  const base = () => gateway.url.replace(/\/graphql$/, '');
  const inFlight = async () => total(await scrape(gateway), 'opsorch_http_requests_in_flight');
  const shed = async () => total(await scrape(gateway), 'opsorch_http_requests_shed_total');

  /** Another gateway on the same hanging provider, with bounds of its own. */
  const gatewayOnFaulty = async (limits: Partial<Limits>, auth?: AuthConfig) => {
    const adapter = await pagerDutyAdapterAt(pagerduty, { url: faulty.url, name: 'pd' });
    return startTestGateway([{ name: 'pd', adapter, capabilities: ['incident'] }], {
      limits,
      ...(auth ? { security: { auth } } : {}),
    });
  };
  /** The edge's counts (process-wide: every gateway of this file adds to them). */
  const edge = async (on: TestGateway) => {
    const samples = await scrape(on);
    return {
      clients: total(samples, 'opsorch_http_clients_in_flight'),
      shedForClient: total(samples, 'opsorch_http_requests_shed_total', { bound: 'client' }),
      shedForGateway: total(samples, 'opsorch_http_requests_shed_total', { bound: 'gateway' }),
    };
  };
  const PER_CLIENT_REFUSAL = {
    errors: [
      {
        message:
          "requests in flight: the gateway is serving this client's limit of 1 (OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT); retry after 1 s",
        extensions: {
          code: 'TOO_MANY_REQUESTS_IN_FLIGHT_FOR_CLIENT',
          limit: 'OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT',
          max: 1,
          retryAfter: 1,
        },
      },
    ],
  };

  it('answers 503 with Retry-After past the bound, keeps the probes answering, and serves again once requests end', async () => {
    const inFlightBefore = await inFlight();
    const shedBefore = await shed();
    faulty.fault = 'hang';
    const received = faulty.received.length;
    // Distinct lists, so neither shares the other's provider read.
    const held = [5, 6].map((first) => gql(gateway.url, `{ incidents(first: ${first}) { nodes { id } } }`));
    await faulty.reached(received + MAX);

    const post = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'shed-1' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.status).toBe(503);
    expect(post.headers.get('retry-after')).toBe('1');
    expect(post.headers.get('x-request-id')).toBe('shed-1');
    expect(await post.json()).toEqual({
      errors: [
        {
          message:
            'requests in flight: the gateway is serving its limit of 2 (OPSORCH_MAX_REQUESTS_IN_FLIGHT); retry after 1 s',
          extensions: {
            code: 'TOO_MANY_REQUESTS_IN_FLIGHT',
            limit: 'OPSORCH_MAX_REQUESTS_IN_FLIGHT',
            max: MAX,
            retryAfter: 1,
          },
        },
      ],
    });

    const get = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(503);
    expect(get.headers.get('retry-after')).toBe('1');
    expect(((await get.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      'TOO_MANY_REQUESTS_IN_FLIGHT',
    );

    const sse = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(sse.status).toBe(503);
    expect(sse.headers.get('retry-after')).toBe('1');

    const mcp = await fetch(`${base()}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcp.status).toBe(503);
    expect(mcp.headers.get('retry-after')).toBe('1');
    expect(await mcp.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32000, message: expect.stringContaining('OPSORCH_MAX_REQUESTS_IN_FLIGHT') },
      id: null,
    });

    const health = await fetch(`${base()}/healthz`);
    expect(health.status).toBe(200);
    expect(await inFlight()).toBe(inFlightBefore + MAX);
    expect(await shed()).toBe(shedBefore + 4);

    faulty.fault = 'pass';
    faulty.release();
    for (const answer of await Promise.all(held)) {
      expect(answer.status).toBe(200);
      expect(answer.errors).toBeUndefined();
    }
    const after = await gql(gateway.url, '{ incidents(first: 7) { nodes { id } } }');
    expect(after.status).toBe(200);
    expect(after.errors).toBeUndefined();
    expect(await inFlight()).toBe(inFlightBefore);
    expect(await shed()).toBe(shedBefore + 4);
  });

  it('counts an SSE stream for as long as it is open', async () => {
    const mock = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { maxRequestsInFlight: 1 },
    });
    try {
      const { incidents } = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
        mock.url,
        '{ incidents(first: 1, filter: { statuses: [TRIGGERED] }) { nodes { id } } }',
      );
      const leave = new AbortController();
      const stream = await fetch(mock.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({
          query: 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id } }',
          variables: { id: incidents.nodes[0]?.id },
        }),
        signal: leave.signal,
      });
      expect(stream.status).toBe(200);
      expect((await gql(mock.url, '{ __typename }')).status).toBe(503);

      leave.abort();
      await waitUntil(async () => (await readyLive(mock)).eventStreams === 0, 'the stream has closed');
      expect(await gqlData(mock.url, '{ __typename }')).toEqual({ __typename: 'Query' });
    } finally {
      await mock.stop();
    }
  });

  it('answers 429 to a client past its share while another client is still served, and serves it again once its request ends', async () => {
    const shared = await gatewayOnFaulty({ maxRequestsInFlight: 3, maxRequestsInFlightPerClient: 1 });
    try {
      const before = await edge(shared);
      faulty.fault = 'hang';
      const received = faulty.received.length;
      const held = graphqlFrom(shared.url, '127.0.0.1', '{ incidents(first: 8) { nodes { id } } }');
      await faulty.reached(received + 1);

      const again = await graphqlFrom(shared.url, '127.0.0.1', '{ __typename }', { 'x-request-id': 'share-1' });
      expect(again.status).toBe(429);
      expect(again.headers['retry-after']).toBe('1');
      expect(again.headers['x-request-id']).toBe('share-1');
      expect(JSON.parse(again.body)).toEqual(PER_CLIENT_REFUSAL);
      const mcp = await httpFrom(shared.url.replace(/\/graphql$/, '/mcp'), {
        from: '127.0.0.1',
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(mcp.status).toBe(429);
      expect(mcp.headers['retry-after']).toBe('1');
      expect(JSON.parse(mcp.body)).toMatchObject({
        jsonrpc: '2.0',
        error: { code: -32000, message: expect.stringContaining('OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT') },
      });

      const other = await graphqlFrom(shared.url, '127.0.0.2', '{ __typename }');
      expect(other.status).toBe(200);
      expect(JSON.parse(other.body)).toEqual({ data: { __typename: 'Query' } });
      expect(await edge(shared)).toEqual({
        ...before,
        clients: before.clients + 1,
        shedForClient: before.shedForClient + 2,
      });

      faulty.fault = 'pass';
      faulty.release();
      expect((await held).status).toBe(200);
      expect((await graphqlFrom(shared.url, '127.0.0.1', '{ __typename }')).status).toBe(200);
      expect(await edge(shared)).toEqual({ ...before, shedForClient: before.shedForClient + 2 });
    } finally {
      faulty.fault = 'pass';
      faulty.release();
      await shared.stop();
    }
  });

  it("answers 503 past the gateway's bound to a client within its share, and counts no client it refuses", async () => {
    const shared = await gatewayOnFaulty({ maxRequestsInFlight: 2, maxRequestsInFlightPerClient: 1 });
    try {
      const before = await edge(shared);
      faulty.fault = 'hang';
      const received = faulty.received.length;
      const held = [
        graphqlFrom(shared.url, '127.0.0.1', '{ incidents(first: 9) { nodes { id } } }'),
        graphqlFrom(shared.url, '127.0.0.2', '{ incidents(first: 10) { nodes { id } } }'),
      ];
      await faulty.reached(received + 2);

      const third = await graphqlFrom(shared.url, '127.0.0.3', '{ __typename }');
      expect(third.status).toBe(503);
      expect(third.headers['retry-after']).toBe('1');
      expect(JSON.parse(third.body).errors[0].extensions).toEqual({
        code: 'TOO_MANY_REQUESTS_IN_FLIGHT',
        limit: 'OPSORCH_MAX_REQUESTS_IN_FLIGHT',
        max: 2,
        retryAfter: 1,
      });
      // A client past its own share is told so, though the gateway is full too.
      expect((await graphqlFrom(shared.url, '127.0.0.1', '{ __typename }')).status).toBe(429);
      // The clients counted are those holding a request, never more than the requests in flight.
      expect(await edge(shared)).toEqual({
        clients: before.clients + 2,
        shedForClient: before.shedForClient + 1,
        shedForGateway: before.shedForGateway + 1,
      });

      faulty.fault = 'pass';
      faulty.release();
      for (const answer of await Promise.all(held)) expect(answer.status).toBe(200);
      expect((await graphqlFrom(shared.url, '127.0.0.3', '{ __typename }')).status).toBe(200);
      expect((await edge(shared)).clients).toBe(before.clients);
    } finally {
      faulty.fault = 'pass';
      faulty.release();
      await shared.stop();
    }
  });

  it('gives each user a trusted proxy names a share of their own, which no other peer can claim', async () => {
    const proxied = await gatewayOnFaulty(
      { maxRequestsInFlight: 4, maxRequestsInFlightPerClient: 1 },
      { tokens: [], proxy: { userHeader: 'x-forwarded-user', trusted: ['127.0.0.1'] } },
    );
    try {
      faulty.fault = 'hang';
      const received = faulty.received.length;
      const alice = { 'x-forwarded-user': 'alice' };
      const held = graphqlFrom(proxied.url, '127.0.0.1', '{ incidents(first: 11) { nodes { id } } }', alice);
      await faulty.reached(received + 1);

      const again = await graphqlFrom(proxied.url, '127.0.0.1', '{ __typename }', alice);
      expect(again.status).toBe(429);
      expect(JSON.parse(again.body)).toEqual(PER_CLIENT_REFUSAL);
      // The same proxy, another user.
      const bob = await graphqlFrom(proxied.url, '127.0.0.1', '{ __typename }', { 'x-forwarded-user': 'bob' });
      expect(bob.status).toBe(200);
      // A peer that is not the proxy claiming alice counts as its own address: it passes the bound
      // and is refused by authentication, not by alice's share.
      const claimed = await graphqlFrom(proxied.url, '127.0.0.2', '{ __typename }', alice);
      expect(claimed.status).toBe(401);
      // The proxy's own requests without a user are its address's, not alice's either.
      expect((await graphqlFrom(proxied.url, '127.0.0.1', '{ __typename }')).status).toBe(401);

      faulty.fault = 'pass';
      faulty.release();
      expect((await held).status).toBe(200);
      expect((await graphqlFrom(proxied.url, '127.0.0.1', '{ __typename }', alice)).status).toBe(200);
    } finally {
      faulty.fault = 'pass';
      faulty.release();
      await proxied.stop();
    }
  });
});
