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
  /**
   * Hands every event from now on to `listener` as it is published, in the publisher's own loop,
   * instead of a promise per event; false (and nothing changes) while events are queued or a
   * `next()` waits: the caller reads with `next()` until that is over. The subscription's bound
   * holds either way: a listener that declines an event is detached and later events queue again.
   */
  listen(listener: EventListener<T>): boolean;
}

/** What takes a subscription's events synchronously (`Subscription.listen`). */
export interface EventListener<T> {
  /** One event, which it takes either way; false to be detached (later events queue for `next()`). */
  onEvent(event: T): boolean;
  /** The subscription ended: returned, aborted, completed for falling behind, or shut down. */
  onEnd(): void;
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
export const MAX_QUEUED = 1000;

export class LocalFanout {
  private readonly topics = new Map<string, { sinks: Set<TopicSubscription<unknown>>; ready: Promise<void> }>();
  private readonly listeners = new Set<TopicListener>();
  private live = 0;

  constructor(private readonly hooks: TopicHooks) {}

  deliver(topic: string, payload: unknown): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    for (const sink of [...entry.sinks]) sink.push(payload);
  }

  subscribe<T>(topic: string, signal?: AbortSignal): Subscription<T> {
    this.live += 1;
    let entry = this.topics.get(topic);
    const fresh = !entry;
    if (!entry) {
      entry = { sinks: new Set(), ready: this.hooks.activate(topic) };
      // A failed activation surfaces through `ready`; this only keeps it from being unhandled.
      entry.ready.catch(() => undefined);
      this.topics.set(topic, entry);
    }
    const subscription = new TopicSubscription<T>(this, topic, entry.ready, signal);
    entry.sinks.add(subscription as TopicSubscription<unknown>);
    if (fresh) this.notify(topic, true);
    if (signal?.aborted) subscription.end();
    return subscription;
  }

  /** Called once by a subscription that ends. */
  detach(subscription: TopicSubscription<unknown>): void {
    this.live -= 1;
    const { topic } = subscription;
    const current = this.topics.get(topic);
    if (!current) return;
    current.sinks.delete(subscription);
    if (current.sinks.size === 0) {
      this.topics.delete(topic);
      this.hooks.deactivate(topic);
      this.notify(topic, false);
    }
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
 * One subscriber's queue on a topic. A class, so what every subscriber shares (its methods) is on
 * the prototype: an idle subscription is this object, an empty queue slot and its place in the
 * topic's set, not a dozen closures.
 */
class TopicSubscription<T> implements Subscription<T> {
  private queue: T[] | undefined;
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private listener: EventListener<T> | undefined;
  private finished = false;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly fanout: LocalFanout,
    readonly topic: string,
    readonly ready: Promise<void>,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal && !signal.aborted) {
      this.onAbort = () => this.end();
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  push(payload: unknown): void {
    if (this.finished) return;
    const listener = this.listener;
    if (listener) {
      if (!listener.onEvent(payload as T)) this.listener = undefined;
      return;
    }
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ done: false, value: payload as T });
    } else if ((this.queue?.length ?? 0) >= MAX_QUEUED) {
      this.queue = undefined;
      this.end();
    } else {
      this.queue ??= [];
      this.queue.push(payload as T);
    }
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.fanout.detach(this as TopicSubscription<unknown>);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ done: true, value: undefined });
    const listener = this.listener;
    this.listener = undefined;
    listener?.onEnd();
  }

  listen(listener: EventListener<T>): boolean {
    if (this.finished || this.waiting || this.queue?.length) return false;
    this.listener = listener;
    return true;
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.queue?.shift();
    if (value !== undefined) return Promise.resolve({ done: false, value });
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.queue = undefined;
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
