/**
 * An execution whose client has gone stops, over HTTP and over a WebSocket, through the real
 * server in this process (so the test, the client and the gateway share one event loop, and fair
 * turns let the gateway see the connection close while it completes a large result). The client
 * leaves the moment the first read of a heavy query has been answered: the data of that level is
 * in hand and its completion has begun. Execution stops (`opsorch_executions_aborted_total`
 * rises) and no provider is called once the server has seen the connection close. A subscription
 * event's execution, shared by its subscribers, stops once its only subscriber has gone.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import { countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { leavingPost } from '../../helpers/http-from.js';
import { scrape, total } from '../../helpers/metrics.js';
import { waitUntil } from '../../helpers/subscriptions.js';
import { openSession } from '../../helpers/ws.js';

/** Every incident of the seeded world, forty times over, each with what its list row shows. */
const HEAVY = `query Heavy { ${Array.from(
  { length: 40 },
  (_, i) => `a${i}: incidents(first: 100) { nodes { id title assignees
    service { name team { name members { name email } } }
    alerts(first: 5) { nodes { id title labels } }
    tickets(first: 5) { nodes { key title incidents { id title } } }
    timeline(first: 5) { nodes { kind body at } } } }`,
).join('\n')} }`;

const LIMITS = {
  maxCost: 10_000_000,
  maxDepth: 20,
  maxAliases: 1_000,
  maxRootFields: 100,
  maxTokens: 100_000,
  executionSliceMs: 1,
};

interface Run {
  gateway: TestGateway;
  /** Provider calls the adapter has seen. */
  calls: () => number;
  /** Provider calls seen when the server saw the client's connection close; undefined before. */
  callsWhenClosed: () => number | undefined;
}

/**
 * A gateway over the mock world whose first incident list read calls `leave` as it answers, and
 * that notes the provider calls made when the server sees a connection close.
 */
async function gatewayLeavingAt(leave: () => void): Promise<Run> {
  const inner = await mockAdapter();
  const incidents = inner.capabilities.incident;
  if (!incidents) throw new Error('the mock serves incidents');
  let first = true;
  const hooked: Adapter = {
    ...inner,
    capabilities: {
      ...inner.capabilities,
      incident: {
        ...incidents,
        query: async (queries, ctx) => {
          const pages = await incidents.query(queries, ctx);
          if (first) {
            first = false;
            leave();
          }
          return pages;
        },
      },
    },
  };
  const counted = countingAdapter(hooked);
  const gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], { limits: LIMITS });
  let closedAt: number | undefined;
  gateway.httpServer.on('connection', (socket: Socket) => {
    socket.once('close', () => {
      closedAt ??= counted.log.calls.length;
    });
  });
  return { gateway, calls: () => counted.log.calls.length, callsWhenClosed: () => closedAt };
}

async function counter(gateway: TestGateway, name: string, where: Record<string, string> = {}): Promise<number> {
  return total(await scrape(gateway), name, where);
}

const ABORTED = 'opsorch_executions_aborted_total';

describe('a client that leaves mid-execution', () => {
  let run: Run | undefined;
  afterEach(async () => {
    await run?.gateway.stop();
    run = undefined;
  });

  it('over HTTP stops its execution and calls no provider once the server has seen the connection close', async () => {
    let leave = () => {};
    run = await gatewayLeavingAt(() => leave());
    const { gateway } = run;
    const abortedBefore = await counter(gateway, ABORTED, { reason: 'client_gone' });
    const answeredBefore = await counter(gateway, 'opsorch_graphql_requests_total', { operation: 'Heavy' });

    // The gateway calls `leave` once the request is under way, long after it is set here.
    const client = leavingPost(gateway.url, HEAVY);
    leave = client.leave;
    await client.gone;

    // Apollo counts the request once its execution has ended and its answer is dropped.
    await waitUntil(
      async () => (await counter(gateway, 'opsorch_graphql_requests_total', { operation: 'Heavy' })) > answeredBefore,
      'the abandoned request has been answered',
    );
    expect(await counter(gateway, ABORTED, { reason: 'client_gone' })).toBe(abortedBefore + 1);
    const closedAt = run.callsWhenClosed();
    expect(closedAt).toBeGreaterThan(0);
    expect(run.calls()).toBe(closedAt);
  });

  it('over a WebSocket stops its execution and calls no provider once the server has seen the socket close', async () => {
    let leave = () => {};
    run = await gatewayLeavingAt(() => leave());
    const { gateway } = run;
    const abortedBefore = await counter(gateway, ABORTED, { reason: 'client_gone' });

    const session = await openSession(gateway.wsUrl);
    session.send({ type: 'connection_init' });
    expect((await session.next()).type).toBe('connection_ack');
    leave = () => session.socket.terminate();
    session.send({ id: '1', type: 'subscribe', payload: { query: HEAVY } });
    const answer = await Promise.race([session.next(), session.closed]);
    expect(answer).not.toHaveProperty('type');

    await waitUntil(
      async () => (await counter(gateway, ABORTED, { reason: 'client_gone' })) > abortedBefore,
      'the execution has stopped',
    );
    const closedAt = run.callsWhenClosed();
    expect(closedAt).toBeGreaterThan(0);
    expect(run.calls()).toBe(closedAt);
  });
});

describe('a subscriber that leaves while its event is executed', () => {
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  it('cancels the shared execution: its provider call is aborted, execution stops, no provider is called after', async () => {
    const inner = await mockAdapter();
    const alerts = inner.capabilities.alert;
    if (!alerts) throw new Error('the mock serves alerts');
    let leave: (() => void) | undefined;
    let callsWhenAborted: number | undefined;
    const hooked: Adapter = {
      ...inner,
      capabilities: {
        ...inner.capabilities,
        alert: {
          ...alerts,
          // Armed for the event's execution: the subscriber leaves while this read is in flight,
          // and the read ends only when the gateway aborts it (a provider honouring its signal).
          query: (queries, ctx) => {
            const leaving = leave;
            if (!leaving) return alerts.query(queries, ctx);
            leave = undefined;
            return new Promise((_, reject) => {
              ctx.signal?.addEventListener(
                'abort',
                () => {
                  callsWhenAborted = counted.log.calls.length;
                  reject(ctx.signal?.reason);
                },
                { once: true },
              );
              leaving();
            });
          },
        },
      },
    };
    const counted = countingAdapter(hooked);
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], { limits: LIMITS });
    const started = gateway;
    const { incidents } = await gqlData<{ incidents: { nodes: { id: string; severity: string }[] } }>(
      started.url,
      '{ incidents(first: 1) { nodes { id severity } } }',
    );
    const incident = incidents.nodes[0];
    if (!incident) throw new Error('the mock world has incidents');
    const abortedBefore = await counter(started, ABORTED, { reason: 'client_gone' });

    const session = await openSession(started.wsUrl);
    session.send({ type: 'connection_init' });
    expect((await session.next()).type).toBe('connection_ack');
    session.send({
      id: '1',
      type: 'subscribe',
      payload: {
        query: `subscription { incidentUpdated { changedFields incident { id
          alerts(first: 5) { nodes { id title } }
          tickets(first: 5) { nodes { key incidents { id } } } } } }`,
      },
    });
    await expect.poll(async () => (await readyLive(started)).subscriptions).toBe(1);
    leave = () => session.socket.terminate();
    await gqlData(
      started.url,
      'mutation ($id: ID!, $severity: Severity) { incidentUpdate(input: { id: $id, severity: $severity }) { userErrors { message } } }',
      {
        id: incident.id,
        severity: incident.severity === 'CRITICAL' ? 'LOW' : 'CRITICAL',
      },
    );
    await session.closed;

    await waitUntil(
      async () => (await counter(started, ABORTED, { reason: 'client_gone' })) > abortedBefore,
      "the event's execution has stopped",
    );
    expect(callsWhenAborted).toBeGreaterThan(0);
    expect(counted.log.calls.length).toBe(callsWhenAborted);
  });
});
