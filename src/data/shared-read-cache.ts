/**
 * The read cache's second tier: entries the gateway instances sharing `OPSORCH_PUBSUB_URL` share,
 * so a directory one instance read (or refreshed) is not read again by every other instance. One
 * namespace per provider instance and capability, which is what a change drops.
 *
 * The shared store is a help, never a dependency: a lookup that fails or takes longer than
 * `timeoutMs` counts as a miss and the read goes to the provider; a store that fails is dropped.
 * Failures are logged once per outage, not once per read. An entry larger than `maxEntryBytes`
 * stays local.
 *
 * A read that finds another instance's claim on an entry watches for that instance to settle it
 * (`watch`): the store announces settled names, so waiting is a notice, not a poll.
 */
import type { Abortable, Capability } from '../../adapters/contract/index.js';
import type { SharedStore, SharedValue } from '../events/shared-store.js';
import type { Logger } from '../logger.js';

export interface SharedEntry {
  value: unknown;
  storedAt: number;
  expiresAt?: number;
}

export interface SharedReadCacheOptions {
  timeoutMs: number;
  maxEntryBytes: number;
}

export const SHARED_READ_CACHE_DEFAULTS: SharedReadCacheOptions = { timeoutMs: 250, maxEntryBytes: 1 << 20 };

/** What a lookup found, and the generation the entries fetched instead are stored in. */
export interface SharedLookup {
  generation: string;
  entries: (SharedEntry | undefined)[];
}

/**
 * The names one read watches in one namespace, and which of them an instance settled since the
 * watch began. Begun before the read looks in the store, so an announcement that comes between
 * its lookup and its claim is not missed.
 */
export class SettleWatch {
  private readonly heard = new Set<string>();
  private waiting: { names: readonly string[]; wake: () => void } | undefined;

  constructor(
    readonly names: readonly string[],
    readonly close: () => void,
  ) {}

  /** Called by the cache for each name of this watch an instance settled. */
  hear(name: string): void {
    this.heard.add(name);
    if (this.waiting?.names.every((n) => this.heard.has(n))) this.waiting.wake();
  }

  /**
   * Resolves with those of `names` settled so far, once all of them are, `timeoutMs` have passed
   * or `signal` aborts, whichever comes first. One wait at a time.
   */
  until(names: readonly string[], timeoutMs: number, signal?: Abortable): Promise<string[]> {
    const settled = () => names.filter((n) => this.heard.has(n));
    if (names.every((n) => this.heard.has(n)) || signal?.aborted) return Promise.resolve(settled());
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiting = undefined;
        resolve(settled());
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiting = { names, wake: done };
    });
  }
}

export class SharedReadCache {
  private failing = false;
  /** Open watches by namespace and name: as many as reads waiting or about to, each bounded in time. */
  private readonly watches = new Map<string, Set<SettleWatch>>();
  /** Told every name settled: one per read cache over this store. */
  private readonly listeners = new Set<(name: string) => void>();

  constructor(
    private readonly store: SharedStore,
    private readonly logger: Logger,
    private readonly options: SharedReadCacheOptions = SHARED_READ_CACHE_DEFAULTS,
  ) {
    store.onSettled((namespace, names) => {
      for (const name of names) {
        const watching = this.watches.get(watchName(namespace, name));
        if (watching) for (const watch of watching) watch.hear(name);
        for (const listener of this.listeners) listener(name);
      }
    });
  }

  /**
   * Calls `listener` with every name an instance settles (names are unique across namespaces: they
   * name their provider and capability); returns its removal.
   */
  onSettled(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Watches `names` for an instance settling them, until the watch is closed. */
  watch(provider: string, capability: Capability, names: readonly string[]): SettleWatch {
    const namespace = namespaceOf(provider, capability);
    const keys = names.map((name) => watchName(namespace, name));
    const watch = new SettleWatch(names, () => {
      for (const key of keys) {
        const watching = this.watches.get(key);
        watching?.delete(watch);
        if (watching?.size === 0) this.watches.delete(key);
      }
    });
    for (const key of keys) {
      const watching = this.watches.get(key);
      if (watching) watching.add(watch);
      else this.watches.set(key, new Set([watch]));
    }
    return watch;
  }

  /** The entries stored under `names`, or undefined when the store did not answer in time. */
  async lookup(provider: string, capability: Capability, names: readonly string[]): Promise<SharedLookup | undefined> {
    const found = await this.inTime(this.store.get(namespaceOf(provider, capability), names));
    return found && { generation: found.generation, entries: found.values.map(parse) };
  }

  /**
   * Claims the refresh of `names` in `generation` for `ttlMs`: true where this instance is to read
   * it, false where another instance claimed it first and will share what it reads. When the
   * store does not answer in time, every name is this instance's to read.
   */
  async claim(
    provider: string,
    capability: Capability,
    generation: string,
    names: readonly string[],
    ttlMs: number,
  ): Promise<boolean[]> {
    const claimed = await this.inTime(this.store.claim(namespaceOf(provider, capability), generation, names, ttlMs));
    return claimed ?? names.map(() => true);
  }

  /**
   * Shares `entries` in `generation`, each for `ttlMs`, then settles the claims this instance held
   * on `settled` (what it read, stored or not), waking the instances waiting on them. Never
   * rejects: a failure is logged, and the others read from the provider.
   */
  share(
    provider: string,
    capability: Capability,
    generation: string,
    entries: readonly { name: string; entry: SharedEntry; ttlMs: number }[],
    settled: readonly string[] = [],
  ): Promise<void> {
    const values: SharedValue[] = [];
    for (const { name, entry, ttlMs } of entries) {
      const value = JSON.stringify(entry);
      if (ttlMs <= 0 || Buffer.byteLength(value) > this.options.maxEntryBytes) continue;
      values.push({ name, value, ttlMs: Math.ceil(ttlMs) });
    }
    return this.store.set(namespaceOf(provider, capability), generation, values, settled).then(
      () => this.recovered(),
      (err: unknown) => this.failed(err),
    );
  }

  /** Drops what every instance shares of these capabilities of `provider`. */
  async forget(provider: string, capabilities: readonly Capability[]): Promise<void> {
    await this.store.clear(capabilities.map((capability) => namespaceOf(provider, capability)));
  }

  /** What `answer` resolves to, or undefined when it fails or takes longer than `timeoutMs`. */
  private async inTime<T>(answer: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.options.timeoutMs);
    });
    try {
      const found = await Promise.race([answer, late]);
      if (found === undefined) {
        this.failed(new Error(`no answer within ${this.options.timeoutMs} ms`));
        return undefined;
      }
      this.recovered();
      return found;
    } catch (err) {
      this.failed(err);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(err: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn({ err }, 'the shared read cache is unavailable: reading from providers until it answers again');
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info('the shared read cache answers again');
  }
}

function watchName(namespace: string, name: string): string {
  return `${namespace}\u0000${name}`;
}

function namespaceOf(provider: string, capability: Capability): string {
  return `${provider}/${capability}`;
}

/** An entry as stored, or undefined for anything else (another version's, or damaged). */
function parse(raw: string | undefined): SharedEntry | undefined {
  if (raw === undefined) return undefined;
  try {
    const entry = JSON.parse(raw) as Partial<SharedEntry>;
    if (typeof entry.storedAt !== 'number' || !('value' in entry)) return undefined;
    return entry as SharedEntry;
  } catch {
    return undefined;
  }
}
