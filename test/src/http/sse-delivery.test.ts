/**
 * Subscription events over SSE written straight to the response, through the real gateway and the
 * real graphql-sse client: each event is graphql-sse's own `next` message, and a client that stops
 * reading stops its subscription from taking more events once its response holds
 * `HIGH_WATER_BYTES`; later events queue in the pub/sub, which completes the subscription past
 * `MAX_QUEUED`, and nothing queued after the mark is ever written.
 */
import { readFileSync } from 'node:fs';
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUEUED } from '../../../src/events/fanout.js';
import { InMemoryPubSub } from '../../../src/events/pubsub.js';
import { HIGH_WATER_BYTES } from '../../../src/http/direct-delivery.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { waitUntil } from '../../helpers/subscriptions.js';

const BODY = 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { body } }';

/** A fetch whose response bodies the client reads only while the gate is open. */
function gatedFetch() {
  let open = true;
  let reopen: () => void = () => undefined;
  let reopened = Promise.resolve();
  const fetchFn: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!response.body) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (!open) await reopened;
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      // Nothing is read ahead of the client.
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return {
    fetchFn,
    pause: () => {
      open = false;
      reopened = new Promise((resolve) => {
        reopen = resolve;
      });
    },
    resume: () => {
      open = true;
      reopen();
    },
  };
}

/** One subscription over its own event stream with the real graphql-sse client. */
function sseSubscription(url: string, incident: string, fetchFn?: typeof fetch) {
  const client = createClient({ url, retryAttempts: 0, ...(fetchFn ? { fetchFn } : {}) });
  const bodies: string[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const unsubscribe = client.subscribe<{ incidentTimelineUpdated: { body: string } }>(
    { query: BODY, variables: { id: incident } },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) bodies.push(result.data.incidentTimelineUpdated.body);
      },
      error: (err) => errors.push(err),
      complete: () => {
        completed = true;
      },
    },
  );
  return {
    bodies,
    errors,
    completed: () => completed,
    stop: () => {
      unsubscribe();
      client.dispose();
    },
  };
}

describe('SSE delivery', () => {
  const pubsub = new InMemoryPubSub();
  let gateway: TestGateway;
  let incident: string;

  const live = (count: number) =>
    waitUntil(async () => (await readyLive(gateway)).subscriptions === count, `${count} live subscriptions`);
  /** The topic the one live timeline subscription listens on. */
  const timelineTopic = () => {
    const [topic] = pubsub.activeTopics().filter((t) => t.startsWith('timeline/'));
    if (!topic) throw new Error('no timeline topic is active');
    return topic;
  };
  const entry = (body: string) => ({
    id: `entry-${body}`,
    provider: 'mock',
    body,
    kind: 'NOTE',
    at: new Date().toISOString(),
  });

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], { pubsub });
    const data = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ incidents(first: 1, filter: { statuses: [TRIGGERED] }) { nodes { id } } }',
    );
    incident = (data.incidents.nodes[0] as { id: string }).id;
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("writes each event as graphql-sse's own next message, the same to every subscriber", async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ query: BODY, variables: { id: incident } }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const other = sseSubscription(gateway.url, incident);
    await live(2);
    const body = 'quote " back \\ snow ☃.';
    await pubsub.publish(timelineTopic(), entry(body));

    const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('☃')) text += (await reader.read()).value ?? '';
    expect(text).toContain(`event: next\ndata: ${JSON.stringify({ data: { incidentTimelineUpdated: { body } } })}\n\n`);
    await waitUntil(() => other.bodies.length === 1, 'the client to get the event');
    expect(other.bodies).toEqual([body]);
    await reader.cancel();
    other.stop();
    await live(0);
  });

  it('stops taking events from a client that stops reading at the mark, and completes it past the queue bound', async () => {
    const gate = gatedFetch();
    const stream = sseSubscription(gateway.url, incident, gate.fetchFn);
    await live(1);
    // Delivered while the client reads, so the subscription is taking events as they are published.
    await pubsub.publish(timelineTopic(), entry('first.'));
    await waitUntil(() => stream.bodies.length === 1, 'the first event');
    gate.pause();

    const topic = timelineTopic();
    const big = 'x'.repeat(64 * 1024);
    let published = 0;
    // No turn of the event loop in between: the client reads nothing, so the gateway's writes
    // stay in the kernel's buffers and then in the response's.
    while (pubsub.subscriberCount() > 0 && published < 10_000) {
      await pubsub.publish(topic, entry(`${published++} ${big}`));
    }
    expect(pubsub.subscriberCount()).toBe(0);
    // What was written before the mark, then MAX_QUEUED events queued, then the one that ended it.
    const written = published - MAX_QUEUED - 1;
    expect(written * big.length).toBeGreaterThanOrEqual(HIGH_WATER_BYTES);

    gate.resume();
    await waitUntil(() => stream.completed(), 'the subscription to complete');
    expect(stream.errors).toEqual([]);
    const bodies = stream.bodies.slice(1);
    expect(bodies).toHaveLength(written);
    expect(bodies.map((b) => Number(b.split(' ')[0]))).toEqual(Array.from({ length: written }, (_, i) => i));
    // Beyond the mark, only what the kernel's socket buffers on both ends held was written.
    const maxOf = (file: string) => Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]);
    const kernel = maxOf('/proc/sys/net/ipv4/tcp_wmem') + maxOf('/proc/sys/net/ipv4/tcp_rmem');
    expect(written * big.length).toBeLessThanOrEqual(HIGH_WATER_BYTES + kernel + 2 * big.length);
    stream.stop();
    await live(0);
  });
});
