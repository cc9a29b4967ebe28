/**
 * `SharedStore` on Redis. A namespace's generation is the counter `<prefix>cache:<namespace>:gen`
 * (absent: "0"), and a value lives under `<prefix>cache:<namespace>:<generation>:<name>` with its
 * own `PX` expiry, so Redis's memory is bounded by what was stored in the last TTL; a claim on it is
 * `<prefix>cache:<namespace>:claim:<generation>:<name>`, `SET NX` with its own `PX`, so claims are
 * bounded by what was claimed in the last claim time. Emptying a
 * namespace is one `INCR`, however many values it held. Reading the generation and the values is
 * one script, so no change can fall between them. Not for Redis Cluster: the script reads keys it
 * composes (the pub/sub's channels are not Cluster-aware either).
 */
import type { Redis } from 'ioredis';
import type { SharedStore, SharedValue } from './shared-store.js';

const READ = `
local generation = redis.call('GET', KEYS[1]) or '0'
local out = { generation }
for i = 2, #ARGV do
  out[i] = redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[i]) or false
end
return out`;

export class RedisSharedStore implements SharedStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(
    namespace: string,
    names: readonly string[],
  ): Promise<{ generation: string; values: (string | undefined)[] }> {
    const base = this.base(namespace);
    const [generation, ...values] = (await this.redis.eval(READ, 1, `${base}gen`, base, ...names)) as (string | null)[];
    return { generation: generation ?? '0', values: values.map((v) => v ?? undefined) };
  }

  async set(namespace: string, generation: string, entries: readonly SharedValue[]): Promise<void> {
    if (entries.length === 0) return;
    const base = this.base(namespace);
    const batch = this.redis.pipeline();
    for (const { name, value, ttlMs } of entries) batch.set(`${base}${generation}:${name}`, value, 'PX', ttlMs);
    failedIn(await batch.exec());
  }

  async claim(namespace: string, generation: string, names: readonly string[], ttlMs: number): Promise<boolean[]> {
    if (names.length === 0) return [];
    const base = this.base(namespace);
    const batch = this.redis.pipeline();
    for (const name of names) batch.set(`${base}claim:${generation}:${name}`, '1', 'PX', Math.ceil(ttlMs), 'NX');
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

  private base(namespace: string): string {
    return `${this.prefix}cache:${namespace}:`;
  }
}

/** A pipeline answers each command with its own error: the first one fails the whole. */
function failedIn(results: [Error | null, unknown][] | null): void {
  const failed = results?.find(([err]) => err !== null)?.[0];
  if (failed) throw failed;
}
