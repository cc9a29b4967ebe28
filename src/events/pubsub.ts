/**
 * Topic-based pub/sub behind subscriptions. In-memory for one instance; `./redis.ts`
 * implements the same interface so several gateway instances share events and leases.
 */

import { LocalFanout, type Subscription, type TopicHooks, type TopicListener } from './fanout.js';
import { type Leases, localLeases } from './leases.js';
import { RecentKeys } from './recent-keys.js';
import type { SharedStore } from './shared-store.js';

export type { EventListener, Subscription, TopicListener } from './fanout.js';
export type { Leases } from './leases.js';

export interface PublishOptions {
  /**
   * A stable identity of the event. Publishing the same key again within the de-duplication
   * window is a no-op, wherever it comes from.
   */
  key?: string;
}

/**
 * Messages between the gateway instances sharing a pub/sub, outside any topic: what one instance
 * learns that the others must act on too (a change that makes their cached reads stale).
 */
export interface PeerChannel {
  /** Reaches every other instance, never this one. */
  send(message: unknown): Promise<void>;
  onMessage(listener: (message: unknown) => void): () => void;
}

export interface PubSub {
  /** Resolves to false when the event was dropped as a duplicate of one already published. */
  publish(topic: string, payload: unknown, options?: PublishOptions): Promise<boolean>;
  /** Yields payloads published to `topic` until the iterator is returned or `signal` aborts. */
  subscribe<T>(topic: string, signal?: AbortSignal): Subscription<T>;
  /** Number of live subscriptions in this process, for leak checks and metrics. */
  subscriberCount(): number;
  /** Topics with at least one subscriber in this process. */
  activeTopics(): string[];
  /** Called when a topic gains its first or loses its last subscriber in this process. */
  onTopicChange(listener: TopicListener): () => void;
  /** Coordination between instances sharing this pub/sub. */
  readonly leases: Leases;
  /** The other instances sharing this pub/sub; absent when there are none (in memory). */
  readonly peers?: PeerChannel;
  /** Values shared with those instances; absent when there are none. */
  readonly shared?: SharedStore;
  close(): Promise<void>;
}

/** Long enough to cover provider webhook retries and a poll overlapping a push. */
export const DEDUPE_WINDOW_MS = 10 * 60_000;
/** Event keys one process remembers (about 100 bytes each): far more events than arrive in the window. */
export const DEDUPE_MAX_KEYS = 100_000;

/** What every pub/sub shares: delivery to the subscribers in this process. */
export abstract class FanoutPubSub implements PubSub {
  abstract readonly leases: Leases;
  protected readonly fanout: LocalFanout;

  constructor(hooks: TopicHooks) {
    this.fanout = new LocalFanout(hooks);
  }

  abstract publish(topic: string, payload: unknown, options?: PublishOptions): Promise<boolean>;

  subscribe<T>(topic: string, signal?: AbortSignal): Subscription<T> {
    return this.fanout.subscribe<T>(topic, signal);
  }

  subscriberCount(): number {
    return this.fanout.count();
  }

  activeTopics(): string[] {
    return this.fanout.activeTopics();
  }

  onTopicChange(listener: TopicListener): () => void {
    return this.fanout.onTopicChange(listener);
  }

  async close(): Promise<void> {
    this.fanout.endAll();
  }
}

export class InMemoryPubSub extends FanoutPubSub {
  readonly leases = localLeases;
  private readonly recent = new RecentKeys(DEDUPE_WINDOW_MS, DEDUPE_MAX_KEYS);

  constructor() {
    super({ activate: async () => undefined, deactivate: () => undefined });
  }

  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<boolean> {
    if (options.key !== undefined && !this.recent.claim(options.key)) return false;
    this.fanout.deliver(topic, payload);
    return true;
  }
}
