import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CACHE_OFF } from '../../src/data/read-cache.js';
import { countingAdapter } from '../helpers/counting.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, gqlData } from '../helpers/graphql.js';
import { subscribe, waitUntil } from '../helpers/subscriptions.js';

interface Entry {
  id: string;
  body: string;
  kind: string;
  at: string;
}

const TIMELINE = `subscription($id: ID!, $since: DateTime) {
  incidentTimelineUpdated(incidentId: $id, since: $since) { id body kind at }
}`;
const UPDATED = `subscription($filter: IncidentFilter) {
  incidentUpdated(filter: $filter) { incident { id status } changedFields previousStatus }
}`;
const APPEND = `mutation($id: ID!, $body: String!) {
  incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id at body } userErrors { message } }
}`;

describe('incident subscriptions on one instance', () => {
  let gateway: TestGateway;
  let incidents: string[];

  const append = async (incidentId: string, body: string): Promise<Entry> => {
    const data = await gqlData<{ incidentTimelineAppend: { entry: Entry } }>(gateway.url, APPEND, {
      id: incidentId,
      body,
    });
    return data.incidentTimelineAppend.entry;
  };
  const subscribed = (count: number) =>
    waitUntil(async () => (await readyLive(gateway)).subscriptions === count, `${count} live subscriptions`);

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], { wsKeepAliveMs: 200 });
    const data = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
      gateway.url,
      '{ incidents(first: 3, filter: { statuses: [TRIGGERED, ACKNOWLEDGED, MITIGATED] }) { edges { node { id } } } }',
    );
    incidents = data.incidents.edges.map((e) => e.node.id);
    expect(incidents.length).toBe(3);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('delivers an entry appended through a mutation once, though the mock provider reports it too', async () => {
    const [incident] = incidents as [string];
    const sub = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incident });
    await subscribed(1);
    const first = await append(incident, 'Rolled back the 14:02 deploy');
    await sub.waitFor((e) => e.id === first.id, 'appended entry');
    const sentinel = await append(incident, 'Error rate back to baseline');
    await sub.waitFor((e) => e.id === sentinel.id, 'sentinel entry');
    expect(sub.received.map((e) => e.body)).toEqual(['Rolled back the 14:02 deploy', 'Error rate back to baseline']);
    await sub.close();
    await subscribed(0);
  });

  it('delivers status changes matching the filter once', async () => {
    const [a, b, c] = incidents as [string, string, string];
    const sub = subscribe<{ incident: { id: string; status: string }; changedFields: string[] }>(
      gateway.wsUrl,
      UPDATED,
      { filter: { statuses: ['RESOLVED'] } },
    );
    await subscribed(1);
    const resolve = `mutation($id: ID!) { incidentResolve(input: { id: $id, note: "fixed" }) { userErrors { message } } }`;
    const ack = `mutation($id: ID!) { incidentAcknowledge(input: { id: $id }) { userErrors { message } } }`;
    await gqlData(gateway.url, resolve, { id: a });
    await gqlData(gateway.url, ack, { id: b });
    await gqlData(gateway.url, resolve, { id: c });
    await sub.waitFor((e) => e.incident.id === c, 'second resolution');
    expect(sub.received.map((e) => e.incident.id)).toEqual([a, c]);
    expect(sub.received[0]?.changedFields).toContain('status');
    await sub.close();
  });

  it('replays what a reconnecting client missed since its last entry, then continues live, without duplicates', async () => {
    const incident = incidents[1] as string;
    const first = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incident });
    await subscribed(1);
    const seen = await append(incident, 'Paging the database team');
    await first.waitFor((e) => e.id === seen.id);
    await first.close();
    await subscribed(0);

    const missed1 = await append(incident, 'Replica lag at 40 s');
    const missed2 = await append(incident, 'Failing over to the standby');
    const again = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: incident, since: seen.at });
    await again.waitFor((e) => e.id === missed2.id, 'second missed entry');
    await subscribed(1);
    const live = await append(incident, 'Failover complete');
    await again.waitFor((e) => e.id === live.id, 'live entry after the replay');
    expect(again.received.map((e) => e.id)).toEqual([missed1.id, missed2.id, live.id]);
    await again.close();
  });

  it('rejects a malformed incident ID with BAD_USER_INPUT and holds nothing for it', async () => {
    const sub = subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: 'not-an-id!' });
    await expect(sub.waitFor(() => true)).rejects.toThrow(/BAD_USER_INPUT/);
    await sub.close();
    expect((await readyLive(gateway)).subscriptions).toBe(0);
  });

  it('returns every live count to zero once clients go', async () => {
    const [a, b] = incidents as [string, string];
    const subs = [
      subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: a }),
      subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: a }),
      subscribe<Entry>(gateway.wsUrl, TIMELINE, { id: b }),
      subscribe(gateway.wsUrl, UPDATED, {}),
    ];
    await subscribed(4);
    expect(await readyLive(gateway)).toMatchObject({ sockets: 4, subscriptions: 4, topics: 3 });
    await Promise.all(subs.map((s) => s.close()));
    await waitUntil(async () => {
      const live = await readyLive(gateway);
      return live.sockets === 0 && live.subscriptions === 0 && live.topics === 0;
    }, 'sockets, subscriptions and topics are back to zero');
  });

  it('terminates a socket that stops answering pings, and with it its subscriptions', async () => {
    const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws', { autoPong: false });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: TIMELINE, variables: { id: incidents[0] } } }),
    );
    await subscribed(1);
    // Terminated without a close frame: the client sees an abnormal closure.
    expect(await closed).toBe(1006);
    await waitUntil(async () => {
      const live = await readyLive(gateway);
      return live.sockets === 0 && live.subscriptions === 0;
    }, 'the dead socket and its subscription are gone');
  });

  it('keeps a socket that answers pings through several keep-alive turns, and delivers to it', async () => {
    const socket = new WebSocket(gateway.wsUrl, 'graphql-transport-ws');
    let pings = 0;
    const thirdPing = new Promise<void>((resolve) =>
      socket.on('ping', () => {
        pings += 1;
        if (pings === 3) resolve();
      }),
    );
    const messages: string[] = [];
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.on('message', (data) => messages.push(String(data)));
    socket.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: TIMELINE, variables: { id: incidents[0] } } }),
    );
    await subscribed(1);
    // By the third ping the gateway has judged the answers to the first two.
    await thirdPing;
    expect(socket.readyState).toBe(WebSocket.OPEN);
    const entry = await append(incidents[0] as string, 'Still listening');
    await waitUntil(() => messages.some((m) => m.includes(entry.id)), 'the entry on the kept socket');
    socket.close();
    await subscribed(0);
  });

  it('closes subscriber sockets with 1001 Going Away on shutdown', async () => {
    const other = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    const sub = subscribe<Entry>(other.wsUrl, TIMELINE, { id: incidents[0] });
    await waitUntil(() => other.liveStats().subscriptions === 1, 'subscribed');
    await other.stop();
    expect(await sub.closed).toBe(1001);
    expect(other.liveStats()).toMatchObject({ subscriptions: 0, topics: 0 });
    const refused = await gql(other.url, '{ __typename }').catch((err: Error) => err);
    expect(refused).toBeInstanceOf(Error);
  });
});

describe('incidentUpdated filters', () => {
  it('read the directory once per change for every subscriber with the same filter and visibility', async () => {
    const { adapter, log } = countingAdapter(await mockAdapter());
    // Without single-flight, so subscribers that each read for themselves would show it.
    const gateway = await startTestGateway([{ name: 'mock', adapter }], { singleFlight: false, cache: CACHE_OFF });
    try {
      const data = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
        gateway.url,
        '{ incidents(first: 1, filter: { statuses: [TRIGGERED] }) { nodes { id } } }',
      );
      const incident = (data.incidents.nodes[0] as { id: string }).id;
      const retitle =
        'mutation($id: ID!, $title: String!) { incidentUpdate(input: { id: $id, title: $title }) { userErrors { message } } }';
      /** Directory reads (services, teams) from a retitling until `subscribers` subscribers have it. */
      const directoryReads = async (subscribers: number, title: string) => {
        const subs = Array.from({ length: subscribers }, () =>
          subscribe<{ incident: { id: string } }>(gateway.wsUrl, UPDATED, { filter: { statuses: ['TRIGGERED'] } }),
        );
        await waitUntil(
          async () => (await readyLive(gateway)).subscriptions === subscribers,
          `${subscribers} subscriptions`,
        );
        log.reset();
        await gqlData(gateway.url, retitle, { id: incident, title });
        for (const sub of subs) await sub.waitFor((e) => e.incident.id === incident, title);
        const reads = log.count('service') + log.count('team');
        await Promise.all(subs.map((sub) => sub.close()));
        return reads;
      };
      const alone = await directoryReads(1, 'Checkout latency, seen by one');
      const many = await directoryReads(6, 'Checkout latency, seen by six');
      expect(alone).toBeGreaterThan(0);
      expect(many).toBe(alone);
    } finally {
      await gateway.stop();
    }
  });
});
