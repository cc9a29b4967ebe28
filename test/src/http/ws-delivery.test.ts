/**
 * `next` messages written straight to the socket: every subscription gets its own ID spliced into
 * the shared payload text, also past the `SHARED_IDS` IDs whose frames an event keeps for sockets
 * that reuse them, nothing is written for a subscription after it completes (even when
 * its ID is reused), and a socket that stops reading stops its subscription from taking more
 * events once it holds `HIGH_WATER_BYTES`, whether the subscription reads its events or is handed
 * them as they are published (then they queue in the pub/sub, which completes it past its bound).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { MAX_QUEUED } from '../../../src/events/fanout.js';
import { InMemoryPubSub } from '../../../src/events/pubsub.js';
import type { PayloadSource, SharedPayload } from '../../../src/graphql/shared-subscriptions.js';
import { HIGH_WATER_BYTES } from '../../../src/http/direct-delivery.js';
import { deliverDirect, SHARED_IDS } from '../../../src/http/ws-delivery.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { waitUntil } from '../../helpers/subscriptions.js';
import { initSession, type Session } from '../../helpers/ws.js';

const BODY = 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { body } }';
const BODY_AND_KIND = 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { body kind } }';
const APPEND = `mutation($id: ID!, $body: String!) {
  incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id } }
}`;

describe('direct delivery through the gateway', () => {
  let gateway: TestGateway;
  let incident: string;
  let session: Session;
  /** Every message the session receives, as the text that came over the socket. */
  const texts: string[] = [];

  const append = (body: string) => gqlData(gateway.url, APPEND, { id: incident, body });
  const subscribe = (id: string, query: string) =>
    session.send({ id, type: 'subscribe', payload: { query, variables: { id: incident } } });
  const live = (count: number) =>
    waitUntil(async () => (await readyLive(gateway)).subscriptions === count, `${count} live subscriptions`);
  /** The messages carrying `body`, once `count` of them have come. */
  const carrying = async (body: string, count: number) => {
    const matching = () => texts.filter((t) => t.includes(body));
    await waitUntil(() => matching().length >= count, `${count} messages with "${body}"`);
    return matching().map((t) => JSON.parse(t) as { id: string; type: string; payload: unknown });
  };

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    const data = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
      gateway.url,
      '{ incidents(first: 1, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { edges { node { id } } } }',
    );
    incident = data.incidents.edges[0]?.node.id as string;
    const opened = await initSession(gateway.wsUrl, undefined);
    expect(opened.answer).toEqual({ type: 'connection_ack' });
    session = opened.session;
    session.socket.on('message', (data) => texts.push(String(data)));
  });
  afterAll(async () => {
    session?.socket.close();
    await gateway?.stop();
  });

  it('writes one message per subscription, each under its own ID, with the shared payload', async () => {
    const odd = 'quote " back \\ snow ☃';
    subscribe('a', BODY);
    subscribe(odd, BODY);
    await live(2);
    await append('first note.');
    const messages = await carrying('first note.', 2);
    expect(messages.map((m) => m.id).sort()).toEqual(['a', odd].sort());
    for (const message of messages) {
      expect(message).toEqual({
        id: message.id,
        type: 'next',
        payload: { data: { incidentTimelineUpdated: { body: 'first note.' } } },
      });
    }
    // graphql-ws's own field order, so the text is what it would have sent.
    expect(texts.find((t) => t.includes('first note.') && t.includes('"a"'))).toBe(
      '{"id":"a","type":"next","payload":{"data":{"incidentTimelineUpdated":{"body":"first note."}}}}',
    );
    session.send({ id: odd, type: 'complete' });
    await live(1);
  });

  it('frames a message longer than 125 bytes with its 16-bit length', async () => {
    subscribe('long', BODY);
    await live(2);
    const body = `${'a long note '.repeat(30)}end.`;
    await append(body);
    const messages = await carrying('end.', 2);
    expect(messages.find((m) => m.id === 'long')).toEqual({
      id: 'long',
      type: 'next',
      payload: { data: { incidentTimelineUpdated: { body } } },
    });
    session.send({ id: 'long', type: 'complete' });
    await live(1);
  });

  it('writes nothing for a completed subscription, also when its ID is reused for another', async () => {
    session.send({ id: 'a', type: 'complete' });
    await live(0);
    subscribe('a', BODY_AND_KIND);
    subscribe('b', BODY);
    await live(2);
    await append('second note.');
    await append('third note.');
    const second = await carrying('second note.', 2);
    const third = await carrying('third note.', 2);
    for (const messages of [second, third]) {
      const byId = new Map(messages.map((m) => [m.id, m.payload]));
      expect(messages).toHaveLength(2);
      expect(byId.get('a')).toEqual({ data: { incidentTimelineUpdated: expect.objectContaining({ kind: 'NOTE' }) } });
      expect(byId.get('b')).not.toHaveProperty('data.incidentTimelineUpdated.kind');
    }
    // Messages of one socket keep their order: the second note before the third.
    const order = texts.filter((t) => t.includes('"b"') && t.includes(' note.')).map((t) => t.includes('third'));
    expect(order.slice(-2)).toEqual([false, true]);
  });
});

describe('one event to more subscription IDs than SHARED_IDS', () => {
  let gateway: TestGateway;
  let incident: string;
  const sessions: Session[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    const data = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ incidents(first: 1, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { nodes { id } } }',
    );
    incident = data.incidents.nodes[0]?.id as string;
  });
  afterAll(async () => {
    for (const session of sessions) session.socket.close();
    await gateway?.stop();
  });

  it('writes every socket its own ID with the same payload, past the IDs whose frames are kept', async () => {
    // IDs of different lengths make frames of different lengths, one of them past 125 bytes, so a
    // frame written under the wrong ID does not parse as the right one by chance.
    const distinct = Array.from({ length: SHARED_IDS + 4 }, (_, i) => `${i}${'-'.repeat(i * 7)}☃`);
    const first = distinct[0] as string;
    const last = distinct.at(-1) as string;
    // Clients that number their subscriptions share IDs: some among the first written, some past them.
    const ids = [...distinct, first, first, last, last, 'shared', 'shared', 'shared'];
    const texts = ids.map(() => [] as string[]);
    for (const [i, id] of ids.entries()) {
      const { session, answer } = await initSession(gateway.wsUrl, undefined);
      expect(answer).toEqual({ type: 'connection_ack' });
      sessions.push(session);
      session.socket.on('message', (data) => texts[i]?.push(String(data)));
      session.send({ id, type: 'subscribe', payload: { query: BODY, variables: { id: incident } } });
    }
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === ids.length, 'every socket subscribed');

    await gqlData(gateway.url, APPEND, { id: incident, body: 'one note for all.' });
    // A second note, after the first on every socket, shows the first was not written twice.
    await gqlData(gateway.url, APPEND, { id: incident, body: 'and a second.' });
    await waitUntil(() => texts.every((t) => t.some((m) => m.includes('and a second.'))), 'every socket has both');

    const payload = (body: string) => JSON.stringify({ data: { incidentTimelineUpdated: { body } } });
    expect(texts).toEqual(
      ids.map((id) =>
        ['one note for all.', 'and a second.'].map(
          (body) => `{"id":${JSON.stringify(id)},"type":"next","payload":${payload(body)}}`,
        ),
      ),
    );
  });
});

/** An event's message of 64 KiB, ready: a few fill a socket past its high-water mark. */
const text = JSON.stringify({ data: { big: 'x'.repeat(64 * 1024) } });
const payload: SharedPayload = { text, ready: Promise.resolve(text), wait: () => undefined, leave: () => undefined };

describe('a socket that stops reading', () => {
  let server: WebSocketServer;

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
  });
  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A client that reads nothing until resumed, the server's end of its socket, and its count of messages. */
  const pausedClient = async () => {
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    let messages = 0;
    client.on('message', () => {
      messages += 1;
    });
    const [serverSocket] = (await once(server, 'connection')) as [WebSocket];
    await once(client, 'open');
    client.pause();
    return { client, serverSocket, received: () => messages };
  };

  it('takes no further event while the socket holds more than its high-water mark, and resumes once it drains', async () => {
    const { client, serverSocket, received } = await pausedClient();

    let pulled = 0;
    /** The socket's unwritten bytes whenever the subscription asked for another event. */
    const bufferedAtPull: number[] = [];
    const source: PayloadSource = {
      events: {
        next: async () => {
          pulled += 1;
          bufferedAtPull.push(serverSocket.bufferedAmount);
          return { done: false, value: {} };
        },
        return: async () => ({ done: true, value: undefined }),
      },
      payload: () => payload,
    };
    const delivery = deliverDirect(source, serverSocket, '1');
    const ended: Promise<IteratorResult<ExecutionResult>> = delivery.next();

    await waitUntil(() => serverSocket.bufferedAmount >= HIGH_WATER_BYTES, 'the socket to pass its high-water mark');
    const pulledWhenFull = pulled;
    // Every event was asked for with at most one more message on top of the mark.
    for (const buffered of bufferedAtPull) expect(buffered).toBeLessThan(HIGH_WATER_BYTES + text.length + 64);

    client.resume();
    await waitUntil(() => pulled > pulledWhenFull + 20, 'more events once the socket drains');
    await delivery.return?.();
    expect(await ended).toEqual({ done: true, value: undefined });
    const pulledAtReturn = pulled;
    await waitUntil(() => received() >= pulledAtReturn - 1, 'the client to read what was written');
    expect(pulled).toBe(pulledAtReturn);
    client.close();
  });

  it('stops a listening subscription at the mark, queues its events in the pub/sub, and completes it past that bound', async () => {
    const { client, serverSocket, received } = await pausedClient();

    const pubsub = new InMemoryPubSub();
    const events = pubsub.subscribe<number>('topic');
    await events.ready;
    let listening = 0;
    const listen = events.listen.bind(events);
    events.listen = (listener) => {
      const taken = listen(listener);
      if (taken) listening += 1;
      return taken;
    };
    const delivery = deliverDirect({ events, payload: () => payload }, serverSocket, '1');
    const ended: Promise<IteratorResult<ExecutionResult>> = delivery.next();
    await waitUntil(() => listening === 1, 'the delivery to listen');

    let published = 0;
    while (serverSocket.bufferedAmount < HIGH_WATER_BYTES) {
      await pubsub.publish('topic', published++);
    }
    // Every event up to here was written as it was published. The next finds the socket past its
    // mark: it is still written, and the delivery then waits for the socket to drain, so from now
    // on events wait in the pub/sub's queue, not in the socket.
    await pubsub.publish('topic', published++);
    const written = published;
    const buffered = serverSocket.bufferedAmount;
    expect(buffered).toBeLessThan(HIGH_WATER_BYTES + 2 * (text.length + 64));
    for (let i = 0; i < MAX_QUEUED; i++) await pubsub.publish('topic', published++);
    // The kernel may take some of the socket's bytes meanwhile; nothing was added to them.
    expect(serverSocket.bufferedAmount).toBeLessThanOrEqual(buffered);
    expect(pubsub.subscriberCount()).toBe(1);
    await pubsub.publish('topic', published++);
    expect(pubsub.subscriberCount()).toBe(0);

    client.resume();
    expect(await ended).toEqual({ done: true, value: undefined });
    // What was written still arrives; nothing queued after the mark is written.
    await waitUntil(() => received() >= written, 'the client to read what was written');
    expect(received()).toBe(written);
    client.close();
  });
});
