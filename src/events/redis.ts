/**
 * Pub/sub across gateway instances through Redis. A publisher never delivers locally: every
 * instance, itself included, delivers what comes back from its Redis channel subscription, so each
 * subscriber gets an event exactly once no matter which instance published it. Event keys are
 * claimed with `SET NX` before publishing, which keeps duplicates out across instances too.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { objectIn } from './channel-message.js';
import { RedisLeases } from './leases.js';
import { DEDUPE_WINDOW_MS, FanoutPubSub, type PeerChannel, type PublishOptions } from './pubsub.js';
import { RedisSharedStore } from './redis-shared-store.js';
import type { SharedStore } from './shared-store.js';

export interface RedisPubSubOptions {
  /** Namespace for channels and keys, so several deployments can share one Redis. */
  prefix?: string;
  /** Start-up gives up after this long without a connection. */
  connectTimeoutMs?: number;
}

/** Where Redis is, without the credentials a URL may carry. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'the configured Redis URL';
  }
}

/** An error's message without any Redis URL (and the password it may carry) in it. */
function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message.replace(/redis(s)?:\/\/\S*/gi, '') : 'error';
}

const channelOf = (prefix: string, topic: string) => `${prefix}topic:${topic}`;
const peersChannelOf = (prefix: string) => `${prefix}peers`;

export class RedisPubSub extends FanoutPubSub {
  readonly leases: RedisLeases;
  readonly peers: PeerChannel;
  readonly shared: SharedStore;
  private readonly store: RedisSharedStore;
  private readonly instance = randomUUID();
  private readonly peerListeners = new Set<(message: unknown) => void>();

  private constructor(
    private readonly commands: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    super({
      activate: async (topic) => {
        await subscriber.subscribe(channelOf(prefix, topic));
      },
      deactivate: (topic) => {
        // A failed unsubscribe only means stray messages for a topic nobody here listens to.
        subscriber.unsubscribe(channelOf(prefix, topic)).catch(() => undefined);
      },
    });
    this.leases = new RedisLeases(commands, this.instance, `${prefix}lease:`);
    this.store = new RedisSharedStore(commands, prefix, subscriber);
    this.shared = this.store;
    this.peers = {
      send: async (message) => {
        await commands.publish(peersChannelOf(prefix), JSON.stringify({ from: this.instance, message }));
      },
      onMessage: (listener) => {
        this.peerListeners.add(listener);
        return () => {
          this.peerListeners.delete(listener);
        };
      },
    };
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === peersChannelOf(prefix)) {
        this.receiveFromPeer(message);
        return;
      }
      if (!channel.startsWith(`${prefix}topic:`)) return;
      let payload: unknown;
      try {
        payload = JSON.parse(message);
      } catch {
        return;
      }
      this.fanout.deliver(channel.slice(`${prefix}topic:`.length), payload);
    });
  }

  /** Connects both connections (one is dedicated to subscribing) or fails with a clear error. */
  static async connect(url: string, options: RedisPubSubOptions = {}): Promise<RedisPubSub> {
    const connectTimeout = options.connectTimeoutMs ?? 5000;
    const make = () =>
      new Redis(url, { lazyConnect: true, connectTimeout, maxRetriesPerRequest: 2, enableReadyCheck: true });
    const commands = make();
    const subscriber = make();
    // Connection errors are reported by `connect` below and retried by ioredis afterwards.
    for (const client of [commands, subscriber]) client.on('error', () => undefined);
    try {
      await Promise.all([commands.connect(), subscriber.connect()]);
    } catch (err) {
      commands.disconnect();
      subscriber.disconnect();
      throw new Error(`cannot connect to Redis at ${describeRedisUrl(url)} (${reasonOf(err)})`);
    }
    const prefix = options.prefix ?? 'opsorch:';
    const pubsub = new RedisPubSub(commands, subscriber, prefix);
    try {
      await subscriber.subscribe(peersChannelOf(prefix));
      await pubsub.store.listen();
    } catch (err) {
      commands.disconnect();
      subscriber.disconnect();
      throw new Error(`cannot subscribe to Redis at ${describeRedisUrl(url)} (${reasonOf(err)})`);
    }
    return pubsub;
  }

  /** A peer's message, unless it is this instance's own coming back or not one of ours at all. */
  private receiveFromPeer(raw: string): void {
    const envelope = objectIn(raw);
    const from = envelope?.from;
    if (typeof from !== 'string' || from === this.instance) return;
    for (const listener of [...this.peerListeners]) listener(envelope?.message);
  }

  async publish(topic: string, payload: unknown, options: PublishOptions = {}): Promise<boolean> {
    if (options.key !== undefined) {
      const claimed = await this.commands.set(`${this.prefix}event:${options.key}`, '1', 'PX', DEDUPE_WINDOW_MS, 'NX');
      if (claimed === null) return false;
    }
    await this.commands.publish(channelOf(this.prefix, topic), JSON.stringify(payload));
    return true;
  }

  override async close(): Promise<void> {
    await super.close();
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
  }
}
