/**
 * An event stream whose client stopped reading is closed once the bytes waiting for it have gone
 * nowhere for the stall time, through the real gateway and a raw TCP client that never reads:
 * otherwise graphql-sse queues a keep-alive comment every 12 s behind them, without a limit, and
 * the connection with everything written to it stays open for as long as the client's TCP stack
 * answers. A stream that has nothing waiting (an idle client that reads) stays open.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryPubSub } from '../../../src/events/pubsub.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { waitUntil } from '../../helpers/subscriptions.js';

const BODY = 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { body } }';
const STALL_MS = 300;

/** Opens an event stream for `incident`'s timeline on a raw socket that reads nothing yet. */
function rawStream(gateway: TestGateway, incident: string): Socket {
  const url = new URL(gateway.url);
  const body = JSON.stringify({ query: BODY, variables: { id: incident } });
  const socket = connect(Number(url.port), url.hostname);
  socket.pause();
  socket.write(
    `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\naccept: text/event-stream\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return socket;
}

describe('event streams whose client stopped reading', () => {
  const pubsub = new InMemoryPubSub();
  let gateway: TestGateway;
  let incidents: string[];

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      pubsub,
      sseStallMs: STALL_MS,
    });
    const data = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ incidents(first: 2) { nodes { id } } }',
    );
    incidents = data.incidents.nodes.map((n) => n.id);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('are closed once what waits for them has gone nowhere for the stall time; a reading idle stream stays', async () => {
    const [stalledOn, idleOn] = incidents as [string, string];
    const idle = await fetch(gateway.url, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query: BODY, variables: { id: idleOn } }),
    });
    const idleReader = (idle.body as ReadableStream<Uint8Array>).getReader();
    const timelines = () => pubsub.activeTopics().filter((t) => t.startsWith('timeline/'));
    await waitUntil(() => timelines().length === 1, 'the idle stream subscribes');
    const [idleTopic] = timelines() as [string];
    const stalled = rawStream(gateway, stalledOn);
    await waitUntil(() => timelines().length === 2, 'the raw client subscribes');
    const topic = timelines().find((t) => t !== idleTopic) as string;

    // Events until the delivery stops at its mark and the pub/sub completes the subscription:
    // its last bytes and graphql-sse's completion now wait behind what the client never takes.
    // A turn of the event loop after each, so the kernel's buffers fill to their limit first
    // (on loopback they grow to megabytes) and what is left waits in the gateway.
    const big = 'x'.repeat(64 * 1024);
    let published = 0;
    while (pubsub.activeTopics().includes(topic) && published < 10_000) {
      await new Promise(setImmediate);
      await pubsub.publish(topic, {
        id: `entry-${published}`,
        provider: 'mock',
        body: `${published++} ${big}`,
        kind: 'NOTE',
        at: new Date().toISOString(),
      });
    }
    expect(pubsub.activeTopics()).not.toContain(topic);

    await waitUntil(async () => (await readyLive(gateway)).eventStreams === 1, 'the stalled stream is closed');
    // Read now, it ends without graphql-sse's completion, which never left the gateway.
    let text = '';
    const ended = new Promise<void>((resolve) => {
      stalled.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
      });
      stalled.on('error', () => undefined);
      stalled.on('close', () => resolve());
    });
    stalled.resume();
    await ended;
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).not.toContain('event: complete');

    // The idle stream that reads is still open and still delivers.
    await pubsub.publish(idleTopic, {
      id: 'entry-idle',
      provider: 'mock',
      body: 'still here',
      kind: 'NOTE',
      at: new Date().toISOString(),
    });
    let idleText = '';
    const decoder = new TextDecoder();
    while (!idleText.includes('still here')) {
      const { done, value } = await idleReader.read();
      if (done) throw new Error(`the idle stream ended: ${idleText}`);
      idleText += decoder.decode(value);
    }
    expect((await readyLive(gateway)).eventStreams).toBe(1);
    await idleReader.cancel();
    await waitUntil(async () => (await readyLive(gateway)).eventStreams === 0, 'the idle stream ends');
  });
});
