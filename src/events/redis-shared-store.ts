/**
 * `SharedStore` on Redis. A namespace's generation is the counter `<prefix>cache:<namespace>:gen`
 * (absent: "0"), and a value lives under `<prefix>cache:<namespace>:<generation>:<name>` with its
 * own `PX` expiry, so Redis's memory is bounded by what was stored in the last TTL; a claim on it is
 * `<prefix>cache:<namespace>:claim:<generation>:<name>`, `SET NX` with its own `PX`, so claims are
 * bounded by what was claimed in the last claim time; its value is the claiming store's own token,
 * so a claimant ends its own claim and never one that another instance took after it ran out.
 * Settled names are announced on `<prefix>cache:settled`, on a connection of its own (a subscriber
 * can send nothing else), so the instances waiting on them wake without polling. Emptying a
 * namespace is one `INCR`, however many values it held. Reading the generation and the values is
 * one script, so no change can fall between them. Not for Redis Cluster: the script reads keys it
 * composes (the pub/sub's channels are not Cluster-aware either).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { objectIn } from './channel-message.js';
import type { SharedStore, SharedValue } from './shared-store.js';

const READ = `
local generation = redis.call('GET', KEYS[1]) or '0'
local out = { generation }
for i = 2, #ARGV do
  out[i] = redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[i]) or false
end
return out`;

/** Ends the claims (`ARGV[1]` and each name after the token `ARGV[2]`) that still hold that token. */
const UNCLAIM = `
for i = 3, #ARGV do
  local key = ARGV[1] .. ARGV[i]
  if redis.call('GET', key) == ARGV[2] then redis.call('DEL', key) end
end
return 0`;

type SettledListener = (namespace: string, names: readonly string[]) => void;

export class RedisSharedStore implements SharedStore {
  private readonly token = randomUUID();
  private readonly listeners = new Set<SettledListener>();
  private readonly channel: string;

  /**
   * `subscriber`: a connection in subscriber mode to hear what other instances settled on
   * (`listen` subscribes it); without it, waiters hear nothing and wait out their bound.
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly subscriber?: Redis,
  ) {
    this.channel = `${prefix}cache:settled`;
    subscriber?.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.heard(message);
    });
  }

  /** Subscribes to the announcements of settled names. */
  async listen(): Promise<void> {
    await this.subscriber?.subscribe(this.channel);
  }

  onSettled(listener: SettledListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async get(
    namespace: string,
    names: readonly string[],
  ): Promise<{ generation: string; values: (string | undefined)[] }> {
    const base = this.base(namespace);
    const [generation, ...values] = (await this.redis.eval(READ, 1, `${base}gen`, base, ...names)) as (string | null)[];
    return { generation: generation ?? '0', values: values.map((v) => v ?? undefined) };
  }

  async set(
    namespace: string,
    generation: string,
    entries: readonly SharedValue[],
    settled: readonly string[] = [],
  ): Promise<void> {
    if (entries.length === 0 && settled.length === 0) return;
    const base = this.base(namespace);
    // One connection, one pipeline: Redis runs the commands in order, so the values are there
    // before the claims end and the waiters are told.
    const batch = this.redis.pipeline();
    for (const { name, value, ttlMs } of entries) batch.set(`${base}${generation}:${name}`, value, 'PX', ttlMs);
    if (settled.length > 0) {
      // A stored value's claim runs out on its own: ended now, an instance that looked before the
      // value was stored would claim it after and read it again.
      const stored = new Set(entries.map((e) => e.name));
      const unstored = settled.filter((name) => !stored.has(name));
      if (unstored.length > 0) batch.eval(UNCLAIM, 0, `${base}claim:${generation}:`, this.token, ...unstored);
      batch.publish(this.channel, JSON.stringify({ namespace, names: settled }));
    }
    failedIn(await batch.exec());
  }

  async claim(namespace: string, generation: string, names: readonly string[], ttlMs: number): Promise<boolean[]> {
    if (names.length === 0) return [];
    const base = this.base(namespace);
    const batch = this.redis.pipeline();
    for (const name of names) batch.set(`${base}claim:${generation}:${name}`, this.token, 'PX', Math.ceil(ttlMs), 'NX');
    const results = await batch.exec();
    failedIn(results);
    return (results ?? []).map(([, answer]) => answer === 'OK');
  }

  async clear(namespaces: readonly string[]): Promise<void> {
    if (namespaces.length === 0) return;
    const batch = this.redis.pipeline();
    for (const namespace of namespaces) batch.incr(`${this.base(namespace)}gen`);
    failedIn(await batch.exec());
  }

  /** An announcement, unless damaged or not one of ours. */
  private heard(raw: string): void {
    const message = objectIn(raw);
    const namespace = message?.namespace;
    const names = message?.names;
    if (typeof namespace !== 'string' || !Array.isArray(names)) return;
    const settled = names.filter((n): n is string => typeof n === 'string');
    for (const listener of [...this.listeners]) listener(namespace, settled);
  }

  private base(namespace: string): string {
    return `${this.prefix}cache:${namespace}:`;
  }
}

/** A pipeline answers each command with its own error: the first one fails the whole. */
function failedIn(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([err]) => err !== null)?.[0];
  if (failed) throw failed;
}
