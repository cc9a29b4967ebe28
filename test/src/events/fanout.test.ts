/**
 * Delivery within one process: a subscriber that stops reading is completed once its queue is
 * full, and nobody else loses an event; one that leaves lets go of its topic. A listener takes
 * events as they are published; once it declines one, later events queue under the same bound.
 */
import { describe, expect, it } from 'vitest';
import { MAX_QUEUED } from '../../../src/events/fanout.js';
import { InMemoryPubSub } from '../../../src/events/pubsub.js';

describe('LocalFanout', () => {
  it('completes a subscriber that falls more than its queue behind, and keeps delivering to the others', async () => {
    const pubsub = new InMemoryPubSub();
    const idle = pubsub.subscribe<number>('topic');
    const reading = pubsub.subscribe<number>('topic');
    await Promise.all([idle.ready, reading.ready]);
    for (let i = 0; i < MAX_QUEUED; i++) {
      await pubsub.publish('topic', i);
      expect(await reading.next()).toEqual({ done: false, value: i });
    }
    // The idle subscriber holds exactly its bound: still live, its events still queued.
    expect(pubsub.subscriberCount()).toBe(2);
    await pubsub.publish('topic', MAX_QUEUED);
    expect(await reading.next()).toEqual({ done: false, value: MAX_QUEUED });
    expect(pubsub.subscriberCount()).toBe(1);
    // Completed, its queue dropped: the client resubscribes with `since`.
    expect(await idle.next()).toEqual({ done: true, value: undefined });
    await reading.return?.();
    expect(pubsub.subscriberCount()).toBe(0);
    expect(pubsub.activeTopics()).toEqual([]);
  });

  it('ends a subscription when its signal aborts, while it waits for an event', async () => {
    const pubsub = new InMemoryPubSub();
    const controller = new AbortController();
    const subscription = pubsub.subscribe<number>('topic', controller.signal);
    const waiting = subscription.next();
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(pubsub.subscriberCount()).toBe(0);
    expect(pubsub.activeTopics()).toEqual([]);
  });

  it('hands events to a listener as they are published, and queues them again once it declines one', async () => {
    const pubsub = new InMemoryPubSub();
    const subscription = pubsub.subscribe<number>('topic');
    await subscription.ready;
    const taken: number[] = [];
    let ended = 0;
    const listener = {
      onEvent: (event: number) => {
        taken.push(event);
        return event < 2;
      },
      onEnd: () => {
        ended += 1;
      },
    };
    expect(subscription.listen(listener)).toBe(true);
    for (let i = 0; i < 4; i++) await pubsub.publish('topic', i);
    // 2 was declined (but taken): 3 waits in the queue, where `listen` refuses to skip it.
    expect(taken).toEqual([0, 1, 2]);
    expect(subscription.listen(listener)).toBe(false);
    expect(await subscription.next()).toEqual({ done: false, value: 3 });
    expect(subscription.listen(listener)).toBe(true);
    await subscription.return?.();
    expect(ended).toBe(1);
    expect(pubsub.subscriberCount()).toBe(0);
  });

  it('completes a listener that declined and then falls more than its queue behind', async () => {
    const pubsub = new InMemoryPubSub();
    const subscription = pubsub.subscribe<number>('topic');
    await subscription.ready;
    let ended = false;
    subscription.listen({ onEvent: () => false, onEnd: () => (ended = true) });
    await pubsub.publish('topic', -1);
    for (let i = 0; i < MAX_QUEUED; i++) await pubsub.publish('topic', i);
    expect(pubsub.subscriberCount()).toBe(1);
    await pubsub.publish('topic', MAX_QUEUED);
    expect(pubsub.subscriberCount()).toBe(0);
    expect(await subscription.next()).toEqual({ done: true, value: undefined });
    // Detached when it declined, so the end reaches it as `next()`'s, not as `onEnd`.
    expect(ended).toBe(false);
  });
});
