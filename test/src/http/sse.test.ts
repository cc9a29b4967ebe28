/**
 * GraphQL over SSE with the real graphql-sse client (distinct connections mode) against the real
 * gateway on the same `/graphql` path as HTTP and graphql-ws.
 */
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { waitUntil } from '../../helpers/subscriptions.js';

interface Entry {
  id: string;
  body: string;
  at: string;
}

const TIMELINE = `subscription($id: ID!, $since: DateTime) {
  incidentTimelineUpdated(incidentId: $id, since: $since) { id body at }
}`;
const APPEND = `mutation($id: ID!, $body: String!) {
  incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id at body } }
}`;
const DEADLINE_MS = 15_000;

interface Collected<T> {
  received: T[];
  errors: unknown[];
  waitFor(match: (item: T) => boolean, what: string): Promise<T>;
  stop(): void;
}

/** One operation over its own event stream, collecting what arrives. */
function stream<T>(url: string, query: string, variables: Record<string, unknown>): Collected<T> {
  const client = createClient({ url, retryAttempts: 0 });
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  const unsubscribe = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) received.push(Object.values(result.data)[0] as T);
        wake();
      },
      error: (err) => {
        errors.push(err);
        wake();
      },
      complete: wake,
    },
  );
  return {
    received,
    errors,
    waitFor: (match, what) =>
      new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${what} within ${DEADLINE_MS} ms; got ${JSON.stringify({ received, errors })}`));
        }, DEADLINE_MS);
        const check = () => {
          const found = received.find(match);
          if (found === undefined && !errors.length) return;
          clearTimeout(timer);
          waiters.delete(check);
          if (found !== undefined) resolve(found);
          else reject(new Error(`stream failed: ${JSON.stringify(errors)}`));
        };
        waiters.add(check);
        check();
      }),
    stop: () => {
      unsubscribe();
      client.dispose();
    },
  };
}

describe('GraphQL over SSE', () => {
  let gateway: TestGateway;
  let incident: string;

  const append = async (body: string): Promise<Entry> =>
    (await gqlData<{ incidentTimelineAppend: { entry: Entry } }>(gateway.url, APPEND, { id: incident, body }))
      .incidentTimelineAppend.entry;
  const live = (subscriptions: number, eventStreams: number) =>
    waitUntil(async () => {
      const stats = await readyLive(gateway);
      return stats.subscriptions === subscriptions && stats.eventStreams === eventStreams;
    }, `${subscriptions} subscriptions on ${eventStreams} event streams`);

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    const data = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ incidents(first: 1, filter: { statuses: [TRIGGERED] }) { nodes { id } } }',
    );
    incident = (data.incidents.nodes[0] as { id: string }).id;
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('delivers a live entry, then replays exactly what a client reconnecting with `since` missed', async () => {
    const first = stream<Entry>(gateway.url, TIMELINE, { id: incident });
    await live(1, 1);
    const seen = await append('Paging the database team');
    await first.waitFor((e) => e.id === seen.id, 'the live entry');
    first.stop();
    await live(0, 0);

    const missed1 = await append('Replica lag at 40 s');
    const missed2 = await append('Failing over to the standby');
    const again = stream<Entry>(gateway.url, TIMELINE, { id: incident, since: seen.at });
    await again.waitFor((e) => e.id === missed2.id, 'the second missed entry');
    await live(1, 1);
    const next = await append('Failover complete');
    await again.waitFor((e) => e.id === next.id, 'the live entry after the replay');
    expect(again.received.map((e) => e.id)).toEqual([missed1.id, missed2.id, next.id]);
    expect(first.received.map((e) => e.id)).toEqual([seen.id]);
    again.stop();
    await live(0, 0);
  });

  it('answers queries and mutations over an event stream too', async () => {
    const query = stream<{ id: string; title: string }>(
      gateway.url,
      'query($id: ID!) { incident(id: $id) { id title } }',
      {
        id: incident,
      },
    );
    const found = await query.waitFor(() => true, 'the query result');
    expect(found.id).toBe(incident);
    const mutation = stream<{ entry: Entry }>(gateway.url, APPEND, { id: incident, body: 'Sent over SSE' });
    const appended = await mutation.waitFor(() => true, 'the mutation result');
    expect(appended.entry.body).toBe('Sent over SSE');
    await live(0, 0);
  });

  it('reports bad input with the same error codes as HTTP and holds nothing for it', async () => {
    const bad = stream<Entry>(gateway.url, TIMELINE, { id: 'not-an-id!' });
    await expect(bad.waitFor(() => true, 'anything')).rejects.toThrow(/BAD_USER_INPUT/);
    const invalid = stream<Entry>(gateway.url, 'subscription { nope }', {});
    await expect(invalid.waitFor(() => true, 'anything')).rejects.toThrow(
      /Cannot query field.*GRAPHQL_VALIDATION_FAILED/,
    );
    const missing = stream<Entry>(gateway.url, TIMELINE, {});
    await expect(missing.waitFor(() => true, 'anything')).rejects.toThrow(/\$id\\" of required type.*BAD_USER_INPUT/);
    bad.stop();
    invalid.stop();
    missing.stop();
    await live(0, 0);
  });

  it('ends open event streams when the gateway stops', async () => {
    const other = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    const { nodes } = (
      await gqlData<{ incidents: { nodes: { id: string }[] } }>(other.url, '{ incidents(first: 1) { nodes { id } } }')
    ).incidents;
    const open = stream<Entry>(other.url, TIMELINE, { id: (nodes[0] as { id: string }).id });
    await waitUntil(async () => (await readyLive(other)).eventStreams === 1, 'the stream is open');
    await other.stop();
    expect(other.liveStats()).toMatchObject({ eventStreams: 0, subscriptions: 0 });
    open.stop();
  });
});
