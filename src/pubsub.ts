/**
 * Topic-based pub/sub behind subscriptions. In-memory here; a Redis implementation of the same
 * interface lets several gateway instances share events.
 */
import { EventEmitter, on } from 'node:events';

export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  /** Yields payloads published to `topic` until the iterator is returned or `signal` aborts. */
  subscribe<T>(topic: string, signal?: AbortSignal): AsyncIterableIterator<T>;
  /** Number of live subscriptions, for leak checks and metrics. */
  subscriberCount(): number;
  close(): Promise<void>;
}

export class InMemoryPubSub implements PubSub {
  private readonly emitter = new EventEmitter();
  private readonly controller = new AbortController();
  private live = 0;

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    this.emitter.emit(topic, payload);
  }

  subscribe<T>(topic: string, signal?: AbortSignal): AsyncIterableIterator<T> {
    const signals = signal ? AbortSignal.any([signal, this.controller.signal]) : this.controller.signal;
    const events = on(this.emitter, topic, { signal: signals });
    this.live += 1;
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        this.live -= 1;
      }
    };
    const iterator: AsyncIterableIterator<T> = {
      next: async () => {
        try {
          const result = await events.next();
          if (result.done) finish();
          return result.done
            ? { done: true, value: undefined }
            : { done: false, value: (result.value as unknown[])[0] as T };
        } catch (err) {
          finish();
          if ((err as Error).name === 'AbortError') return { done: true, value: undefined };
          throw err;
        }
      },
      return: async () => {
        finish();
        await events.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  subscriberCount(): number {
    return this.live;
  }

  async close(): Promise<void> {
    this.controller.abort();
  }
}

export const topics = {
  timeline: (incidentGlobalId: string) => `timeline:${incidentGlobalId}`,
  incidents: 'incidents',
} as const;
