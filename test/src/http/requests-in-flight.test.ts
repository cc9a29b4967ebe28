/**
 * The bound on requests in flight, pushed past through the real server: requests held by a
 * provider that hangs fill it, and the next GraphQL request (POST, GET, SSE) or MCP call is
 * answered 503 at once with `Retry-After`, while the probes and `/metrics` still answer; once the
 * provider answers, requests are served again. The real PagerDuty adapter, its fake, and a provider
 * server that hangs on command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultyProvider, startFaultyProvider } from '../../fakes/faulty-provider.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';
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
});
