/**
 * Delivery to the subscribers of one process: per-topic queues that each subscription drains at
 * its own pace. Both pub/sub back-ends deliver through it, so subscription accounting (and the
 * leak checks built on it) is the same whether events come from memory or from Redis.
 */

export interface Subscription<T> extends AsyncIterableIterator<T> {
  /**
   * Settles once anything published from now on is sure to reach this subscription (for Redis:
   * once the channel subscription is confirmed). Rejects when the back-end cannot subscribe.
   */
  readonly ready: Promise<void>;
}

export type TopicListener = (topic: string, active: boolean) => void;

/** How a back-end learns that a topic gained its first or lost its last local subscriber. */
export interface TopicHooks {
  activate(topic: string): Promise<void>;
  deactivate(topic: string): void;
}

/**
 * A subscriber that falls this far behind is completed rather than allowed to grow the gateway's
 * memory without bound; its client sees the subscription complete and resubscribes with `since`.
 */
const MAX_QUEUED = 1000;

interface Sink {
  push(payload: unknown): void;
  end(): void;
}

export class LocalFanout {
  private readonly topics = new Map<string, { sinks: Set<Sink>; ready: Promise<void> }>();
  private readonly listeners = new Set<TopicListener>();
  private live = 0;

  constructor(private readonly hooks: TopicHooks) {}

  deliver(topic: string, payload: unknown): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    for (const sink of [...entry.sinks]) sink.push(payload);
  }

  subscribe<T>(topic: string, signal?: AbortSignal): Subscription<T> {
    const queue: T[] = [];
    let waiting: ((r: IteratorResult<T>) => void) | undefined;
    let finished = false;

    const detach = () => {
      if (finished) return;
      finished = true;
      this.live -= 1;
      signal?.removeEventListener('abort', onAbort);
      const current = this.topics.get(topic);
      if (!current) return;
      current.sinks.delete(sink);
      if (current.sinks.size === 0) {
        this.topics.delete(topic);
        this.hooks.deactivate(topic);
        this.notify(topic, false);
      }
    };
    const sink: Sink = {
      push: (payload) => {
        if (waiting) {
          const w = waiting;
          waiting = undefined;
          w({ done: false, value: payload as T });
        } else if (queue.length >= MAX_QUEUED) {
          queue.length = 0;
          sink.end();
        } else {
          queue.push(payload as T);
        }
      },
      end: () => {
        if (finished) return;
        detach();
        const w = waiting;
        waiting = undefined;
        w?.({ done: true, value: undefined });
      },
    };
    const onAbort = () => sink.end();

    this.live += 1;
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = { sinks: new Set(), ready: this.hooks.activate(topic) };
      // A failed activation surfaces through `ready`; this only keeps it from being unhandled.
      entry.ready.catch(() => undefined);
      this.topics.set(topic, entry);
      entry.sinks.add(sink);
      this.notify(topic, true);
    } else {
      entry.sinks.add(sink);
    }
    const ready = entry.ready;
    if (signal?.aborted) sink.end();
    else signal?.addEventListener('abort', onAbort, { once: true });

    const iterator: Subscription<T> = {
      ready,
      next: () => {
        const value = queue.shift();
        if (value !== undefined) return Promise.resolve({ done: false, value });
        if (finished) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => {
          waiting = resolve;
        });
      },
      return: () => {
        queue.length = 0;
        sink.end();
        return Promise.resolve({ done: true, value: undefined });
      },
      [Symbol.asyncIterator]: returnThis,
    };
    return iterator;
  }

  /** Live subscriptions in this process. */
  count(): number {
    return this.live;
  }

  activeTopics(): string[] {
    return [...this.topics.keys()];
  }

  onTopicChange(listener: TopicListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Ends every subscription, e.g. on shutdown. */
  endAll(): void {
    for (const { sinks } of [...this.topics.values()]) for (const sink of [...sinks]) sink.end();
  }

  private notify(topic: string, active: boolean): void {
    for (const listener of [...this.listeners]) listener(topic, active);
  }
}

/**
 * `[Symbol.asyncIterator]` of every subscription: one function, where a method in each iterator
 * would be a closure (and a name string) per subscriber.
 */
function returnThis<T>(this: T): T {
  return this;
}
