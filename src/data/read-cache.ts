/**
 * A cross-request cache of provider reads for data that changes slowly (services, teams, members
 * and who is on call, metric descriptors, runbook plans), and, only when configured, a short one
 * for records, logs and metric series. Single-flight shares a read between requests that overlap in time; this shares it
 * with the requests that come after, so consoles refreshing the same pages do not multiply
 * provider traffic.
 *
 * - Entries are per provider instance, loader operation and key, and per visibility: callers who
 *   may see different records never share an entry.
 * - A directory entry older than its TTL is still served for a stale window while one refresh
 *   runs, on a signal of its own: the request that found it stale may leave before it ends.
 * - A record entry is never served older than its TTL. Record entries live in periods of their
 *   TTL: a period starts at the first read after the last one ended (or after a change), every
 *   record fetched in it counts as fetched at its start, and all of them expire at its end. Live
 *   windows end at the period's start too (`periodStart`), so a fleet of consoles asks each
 *   question once per period, in one batched call, as one console does per refresh.
 * - Errors are never cached. Writes and provider events the gateway sees drop what they touched,
 *   on every instance sharing its pub/sub (`cache-invalidation.ts`).
 * - An answer that says until when it holds (who is on call until a shift ends) is never served
 *   past that moment, fresh or stale.
 * - A directory entry read since it was stored is read again shortly before its TTL ends
 *   (refresh-ahead), from one sweep timer, so the provider sees one read per entry and TTL however
 *   many consoles ask and whenever they ask; an entry nobody read in its TTL is left to expire.
 *   A change heard of meanwhile still wins: it drops the entry, and a refresh under way across it
 *   stores nothing. Each loader kept fresh this way (per provider instance, operation and
 *   visibility) keeps the last reader's scope to read with, so at most `refreshAhead` loaders are,
 *   least recently read out first; the others expire on access as before.
 * - Bounded by entry count and by the memory its answers hold (`approximateBytes`), least recently
 *   used first; an answer larger than an eighth of the byte bound is not kept, so one provider's
 *   huge answer cannot empty the cache of everyone else's.
 * - With instances sharing a Redis pub/sub, what one fetched is shared with the others
 *   (`shared-read-cache.ts`): a local miss, or a refresh, first takes a fresh entry another
 *   instance stored (a refresh ahead: one stored after its own), then claims in Redis what it is
 *   about to read. A refresh that finds an entry claimed leaves it to the claimant (a refresh
 *   ahead looks again once the claimant announces its answer, and at the latest a quarter lead
 *   before its TTL ends, when it reads itself if the answer is not there); a
 *   request that misses waits for the claimant's answer, told when it is in Redis, for at most
 *   `fillWaitMs`, and then reads itself. So a fleet of instances reads a directory as often as
 *   one, however close together their reads fall.
 */
import { LRUCache } from 'lru-cache';
import { type Abortable, CAPABILITIES, type Capability } from '../../adapters/contract/index.js';
import { fitsIn } from '../largest-entry.js';
import { answerAt } from './answer-at.js';
import { approximateBytes } from './approximate-bytes.js';
import { type LoaderKey, loaderName } from './loader-key.js';
import {
  recordCacheEviction,
  recordCacheFillWait,
  recordCacheLookup,
  recordCacheRefresh,
  recordCacheRefreshLeft,
  trackFillWaiting,
} from './provider-metrics.js';
import { ReadLatencies } from './read-latency.js';
import type { SettleWatch, SharedEntry, SharedLookup, SharedReadCache } from './shared-read-cache.js';

export interface CachePolicy {
  /** How long an answer is fresh; 0 turns caching off. */
  ttlMs: number;
  /** How much longer a stale answer is served while it is refreshed. */
  staleMs: number;
}

export interface ReadCacheOptions {
  maxEntries: number;
  /** Bound on the memory the answers held take, about (`OPSORCH_CACHE_MAX_BYTES`); `READ_CACHE_MAX_BYTES` when not said. */
  maxBytes?: number;
  directory: CachePolicy;
  records: CachePolicy;
  /** Per provider instance: TTLs that replace the defaults for that instance. */
  providers?: Readonly<Record<string, { directoryTtlMs?: number; recordTtlMs?: number }>>;
  /** Shares entries with the instances sharing a Redis pub/sub (`OPSORCH_CACHE_SHARED`). */
  shared?: boolean;
  /**
   * Directory loaders (per provider instance, operation and visibility) whose read entries are
   * refreshed ahead of their TTL; 0 turns refresh-ahead off (`OPSORCH_CACHE_REFRESH_AHEAD`).
   */
  refreshAhead?: number;
  /**
   * With instances sharing the cache, the longest a request that misses waits for another
   * instance's read of the same entry (`OPSORCH_CACHE_FILL_WAIT_MS`); 0: it reads at once.
   */
  fillWaitMs?: number;
}

/** The bound on the answers' memory when the options do not say: 64 MiB. */
export const READ_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** Loaders kept fresh ahead of their TTL when the options do not say. */
export const REFRESH_AHEAD_LOADERS = 64;

/** The longest a request waits on another instance's read when the options do not say. */
export const FILL_WAIT_MS = 500;

/**
 * How long before its TTL ends a read entry is due to be refreshed: a tenth of the TTL, at most
 * 5 s. The sweep runs up to half of that after the first entry is due (a random part of the
 * instance's own, so instances sharing Redis do not all refresh at once: the first shares its
 * answer, the others take it), and takes along every entry due within the next half, so what one
 * page read is refreshed in one call per loader rather than one per entry. Instances that still
 * sweep together claim each refresh in Redis: one reads, the others take its answer.
 */
function refreshLead(ttlMs: number): number {
  return Math.min(ttlMs / 10, 5_000);
}

export const CACHE_OFF: ReadCacheOptions = {
  maxEntries: 1,
  directory: { ttlMs: 0, staleMs: 0 },
  records: { ttlMs: 0, staleMs: 0 },
};

/** What changes slowly enough to cache by default. */
const DIRECTORY: Readonly<Partial<Record<Capability, readonly string[] | 'all'>>> = {
  service: 'all',
  team: 'all',
  metric: ['describe'],
  orchestration: ['getPlans', 'queryPlans'],
};

/** Never cached: a conversation is read to be answered. */
const NEVER: Readonly<Partial<Record<Capability, readonly string[] | 'all'>>> = {
  messaging: 'all',
};

/** Capabilities with at least one operation cached as records. */
const RECORD_CAPABILITIES = CAPABILITIES.filter((c) => DIRECTORY[c] !== 'all' && NEVER[c] !== 'all');

interface Entry extends SharedEntry {
  key: LoaderKey;
  /** Whether a request was answered from it since it was stored: only such entries are refreshed ahead. */
  read?: boolean;
  /** The key it answers, as its loader asks it: what a refresh ahead asks again. */
  asked?: unknown;
}

/** How a directory loader's entries are read again ahead of their TTL: as its last reader read them. */
interface Refresher {
  key: LoaderKey;
  partition: string;
  keyOf: (key: unknown) => string;
  fetch: Fetch<unknown, unknown>;
  expiresAt: ExpiresAt<unknown> | undefined;
}

/** An entry due to be refreshed ahead, with the loader it belongs to. */
interface Due {
  at: number;
  lead: number;
  entry: Entry;
  loader: string;
  /**
   * Left to another instance's refresh (`leave`): looked at again when that instance announces it
   * settled the entry, or at `at` at the latest, and then read here if its answer is not shared.
   */
  left?: boolean;
}

/** One call of `fetchAndStore`: what it reads, how, and where its answers go. */
interface Fill<K, V> {
  key: LoaderKey;
  partition: string;
  keys: readonly K[];
  names: readonly string[];
  fetch: Fetch<K, V>;
  policy: Policy;
  storedAt: number;
  refresh: Refresh | undefined;
  expiresAt: ExpiresAt<V> | undefined;
  /** This cache's generation when the read began: a change since means nothing is stored. */
  generation: number;
  results: (V | Error)[];
}

/**
 * Why a read no request waits on is made: an entry served stale, one due ahead of its TTL, or one
 * left to another instance's refresh ahead whose answer has not come by its last look (read then
 * whatever the claims say).
 */
type Refresh = 'stale' | 'ahead' | 'last';

/** Reads `keys` from the provider; `background` for a refresh no request waits on. */
type Fetch<K, V> = (keys: readonly K[], background?: boolean) => Promise<(V | Error)[]>;

interface Policy extends CachePolicy {
  /** Records live in periods of their TTL (see `periodStart`); directory entries each their own TTL. */
  records: boolean;
}

/** The moment an answer stops being true (epoch ms), or undefined when only the TTL bounds it. */
export type ExpiresAt<V> = (value: V) => number | undefined;

export class ReadCache {
  private readonly entries: LRUCache<string, Entry>;
  /** Keys being refreshed in the background, so a stale entry is refreshed once. */
  private readonly refreshing = new Set<string>();
  /**
   * Moves on every change the gateway hears of: a read that started before a change must not
   * store what it fetched after the change dropped the entry.
   */
  private generation = 0;
  /** The start of the current period of each record TTL; as many as TTLs are configured. */
  private readonly periods = new Map<number, number>();
  /** Directory entries to refresh ahead, by name; a subset of `entries` (dropped with them). */
  private readonly due = new Map<string, Due>();
  /** Per loader whose entries are refreshed ahead, how to read them: the last reader's fetch. */
  private readonly refreshers: LRUCache<string, Refresher> | undefined;
  /** The one sweep timer, armed for the earliest due entry, and when it fires. */
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  /**
   * Where in the half lead after an entry is due this instance sweeps. Drawn once: a draw per
   * entry armed the timer for the earliest of a page's dozen draws, near the start of the window
   * on every instance (the three instances of the consoles bench swept within 30-170 ms of each
   * other, and read the same entries two or three times a TTL).
   */
  private readonly jitter = Math.random();
  /**
   * Names this instance claimed in the shared cache and is reading, with how many reads: a later
   * request of this instance that finds its claim joins the read (single-flight) instead of
   * waiting for it. At most the names being read.
   */
  private readonly filling = new Map<string, number>();
  /** Requests waiting now for another instance's read. */
  private waiting = 0;
  /** Stops hearing other instances' announcements. */
  private readonly unhear: () => void;
  private readonly fillWaitLimit: number;

  constructor(
    private readonly options: ReadCacheOptions,
    private readonly now: () => number = () => Date.now(),
    private readonly shared?: SharedReadCache,
    /** How long this instance's provider takes to answer each loader's reads (`ProviderCalls` records it). */
    private readonly readTimes = new ReadLatencies(),
  ) {
    this.entries = new LRUCache<string, Entry>({
      max: Math.max(1, options.maxEntries),
      maxSize: Math.max(1, options.maxBytes ?? READ_CACHE_MAX_BYTES),
      dispose: (entry, name, reason) => {
        if (reason === 'evict') recordCacheEviction(entry.key);
        if (this.due.get(name)?.entry === entry) this.due.delete(name);
      },
    });
    this.fillWaitLimit = options.fillWaitMs ?? FILL_WAIT_MS;
    this.unhear = shared?.onSettled((name) => this.heard(name)) ?? (() => {});
    const loaders = options.refreshAhead ?? REFRESH_AHEAD_LOADERS;
    this.refreshers = loaders > 0 ? new LRUCache<string, Refresher>({ max: loaders }) : undefined;
  }

  /** Reads waiting now for another instance's answer. */
  get waitingOnPeers(): number {
    return this.waiting;
  }

  /** Entries waiting to be refreshed ahead (at most the entries held). */
  get refreshingAhead(): number {
    return this.due.size;
  }

  /** Of those, entries left to another instance's refresh, waiting for its announcement. */
  get leftAhead(): number {
    let left = 0;
    for (const due of this.due.values()) if (due.left) left++;
    return left;
  }

  /** Stops the sweep and lets go of the scopes refreshes would have read with. */
  stop(): void {
    this.stopped = true;
    this.unhear();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.due.clear();
    this.refreshers?.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The memory the answers held take, about (`approximateBytes` of each, its name beside it). */
  get bytes(): number {
    return this.entries.calculatedSize;
  }

  /** The policy for one loader, or null when its reads are not cached. */
  policyOf(key: LoaderKey): Policy | null {
    if (matches(NEVER, key)) return null;
    const own = this.options.providers?.[key.provider];
    const directory = matches(DIRECTORY, key);
    const base = directory ? this.options.directory : this.options.records;
    const ttlMs = (directory ? own?.directoryTtlMs : own?.recordTtlMs) ?? base.ttlMs;
    return ttlMs > 0 ? { ttlMs, staleMs: base.staleMs, records: !directory } : null;
  }

  /**
   * The start of the current period of a record TTL: the period goes on while it is no older than
   * the TTL, and the first read after that (or after a change was heard of) starts the next one.
   * Started by the reads themselves rather than by the clock, so a period is never spent on no
   * read, and the questions a live window asks change when, and only when, the answers expire.
   */
  periodStart(ttlMs: number): number {
    const now = this.now();
    const start = this.periods.get(ttlMs);
    if (start !== undefined && now - start <= ttlMs) return start;
    this.periods.set(ttlMs, now);
    return now;
  }

  /**
   * A fresh answer for one key, or undefined (nothing cached, or older than its TTL: then `read`
   * decides). Synchronous, so a field that a warm cache answers needs no batch and no promise.
   */
  fresh<V>(key: LoaderKey, partition: string, id: string): V | undefined {
    const policy = this.policyOf(key);
    if (!policy) return undefined;
    const now = this.now();
    const entry = this.unexpired(entryName(key, partition, id), now);
    if (!entry) return undefined;
    const age = now - entry.storedAt;
    if (age > policy.ttlMs) return undefined;
    recordCacheLookup(key, 'hit', age);
    entry.read = true;
    return entry.value as V;
  }

  /**
   * Answers `keys` from the cache where it can and fetches the rest with one call of `fetch`;
   * `partition` separates callers who may see different records, and `expiresAt` ends an answer
   * that is true only until a known moment.
   */
  async read<K, V>(
    key: LoaderKey,
    partition: string,
    keys: readonly K[],
    keyOf: (key: K) => string,
    fetch: Fetch<K, V>,
    expiresAt?: ExpiresAt<V>,
    signal?: Abortable,
  ): Promise<(V | Error)[]> {
    const policy = this.policyOf(key);
    if (!policy) return fetch(keys);
    if (!policy.records && this.refreshers && !this.stopped) {
      // The newest reader's: the scope an earlier reader made is let go.
      this.refreshers.set(loaderPrefix(key) + partition, {
        key,
        partition,
        keyOf: keyOf as (key: unknown) => string,
        fetch: fetch as Fetch<unknown, unknown>,
        expiresAt: expiresAt as ExpiresAt<unknown> | undefined,
      });
    }
    const now = this.now();
    // A record counts as fetched when its period started: it then expires with the period.
    const storedAt = policy.records ? this.periodStart(policy.ttlMs) : now;
    const results: (V | Error)[] = new Array(keys.length);
    const missing: K[] = [];
    const missingAt: number[] = [];
    const stale: K[] = [];
    keys.forEach((k, i) => {
      const name = entryName(key, partition, keyOf(k));
      const entry = this.unexpired(name, now);
      const age = entry ? now - entry.storedAt : Number.POSITIVE_INFINITY;
      if (entry && age <= policy.ttlMs) {
        recordCacheLookup(key, 'hit', age);
        results[i] = entry.value as V;
        entry.read = true;
      } else if (entry && age <= policy.ttlMs + policy.staleMs) {
        recordCacheLookup(key, 'stale', age);
        results[i] = entry.value as V;
        entry.read = true;
        if (!this.refreshing.has(name)) stale.push(k);
      } else {
        missing.push(k);
        missingAt.push(i);
      }
    });
    if (stale.length > 0) this.refresh(key, partition, stale, keyOf, fetch, policy, 'stale', expiresAt);
    if (missing.length > 0) {
      const fetched = await this.fetchAndStore(
        key,
        partition,
        missing,
        keyOf,
        fetch,
        policy,
        storedAt,
        undefined,
        expiresAt,
        undefined,
        signal,
      );
      missing.forEach((_, j) => {
        results[missingAt[j] as number] = fetched[j] as V | Error;
      });
    }
    return results;
  }

  /**
   * Drops every entry of a provider's capability (its lists may hold a changed record anywhere);
   * without a capability, every record entry of the provider (an event says little about what
   * changed). Scans: changes are rare next to reads, and the cache is bounded.
   */
  forgetProvider(provider: string, capability?: Capability): void {
    this.generation++;
    // Live windows of the next reads reach past the change.
    this.periods.clear();
    for (const [name, entry] of this.entries.entries()) {
      if (entry.key.provider !== provider) continue;
      if (capability ? entry.key.capability === capability : !matches(DIRECTORY, entry.key)) {
        this.entries.delete(name);
      }
    }
  }

  /**
   * Drops what the instances share of the entries `forgetProvider` drops here; without a
   * capability, every capability with records (metric descriptors go with metric series there).
   */
  async forgetShared(provider: string, capability?: Capability): Promise<void> {
    await this.shared?.forget(provider, capability ? [capability] : RECORD_CAPABILITIES);
  }

  /** The entry under `name`, dropped when what it says stopped being true. */
  private unexpired(name: string, now: number): Entry | undefined {
    const entry = this.entries.get(name);
    if (entry?.expiresAt === undefined || now < entry.expiresAt) return entry;
    this.entries.delete(name);
    return undefined;
  }

  /**
   * Reads `keys` again in the background. `newerThan`: for a refresh ahead, what another instance
   * shared is taken only when stored after the entry being refreshed (else it is that same entry).
   */
  private refresh<K, V>(
    key: LoaderKey,
    partition: string,
    keys: readonly K[],
    keyOf: (key: K) => string,
    fetch: Fetch<K, V>,
    policy: Policy,
    kind: Refresh,
    expiresAt?: ExpiresAt<V>,
    newerThan = Number.NEGATIVE_INFINITY,
  ): void {
    const names = keys.map((k) => entryName(key, partition, keyOf(k)));
    for (const name of names) this.refreshing.add(name);
    recordCacheRefresh(key, kind === 'stale' ? 'stale' : 'ahead', keys.length);
    this.fetchAndStore(key, partition, keys, keyOf, fetch, policy, this.now(), kind, expiresAt, newerThan)
      // A failed refresh leaves the stale entry to expire; the next reader fetches again.
      .catch(() => undefined)
      .finally(() => {
        for (const name of names) this.refreshing.delete(name);
      });
  }

  /**
   * Answers `keys` with the fresh entries other instances shared, fetches the rest, and stores what
   * it fetched here and for the others; the fetched answers count as fetched at `storedAt`. Errors
   * are never stored, nor what a change heard of meanwhile made stale. With instances sharing the
   * cache, what it would fetch is first claimed, and what another instance claimed first is left to
   * it: a request waits, bounded (`fillWait`), for that instance's answer and reads itself if it
   * does not come; a refresh ahead looks again once it comes (`leave`); a stale one leaves it to
   * the next reader. A refresh ahead's last look claims nothing and leaves nothing.
   */
  private async fetchAndStore<K, V>(
    key: LoaderKey,
    partition: string,
    keys: readonly K[],
    keyOf: (key: K) => string,
    fetch: Fetch<K, V>,
    policy: Policy,
    storedAt: number,
    refresh: Refresh | undefined,
    expiresAt?: ExpiresAt<V>,
    newerThan = Number.NEGATIVE_INFINITY,
    signal?: Abortable,
  ): Promise<(V | Error)[]> {
    const fill: Fill<K, V> = {
      key,
      partition,
      keys,
      names: keys.map((k) => entryName(key, partition, keyOf(k))),
      fetch,
      policy,
      storedAt,
      refresh,
      expiresAt,
      generation: this.generation,
      results: new Array(keys.length),
    };
    const shared = this.shared;
    const waitMs = refresh || !shared ? 0 : this.fillWait(key);
    // Watched before looking: an instance that settles between this lookup and this claim is heard.
    const watch = waitMs > 0 ? shared?.watch(key.provider, key.capability, fill.names) : undefined;
    try {
      const found = shared ? await shared.lookup(key.provider, key.capability, fill.names) : undefined;
      const rest = this.takeShared(fill, found, [...fill.names.keys()], newerThan);
      if (rest.length === 0) return fill.results;
      if (!shared || !found || (!refresh && !watch) || refresh === 'last') {
        await this.fetchOwn(fill, rest, found?.generation, []);
        return fill.results;
      }
      const claimMs = refresh ? refreshLead(policy.ttlMs) : this.fillWaitLimit;
      const claimed = await shared.claim(
        key.provider,
        key.capability,
        found.generation,
        rest.map((i) => fill.names[i] as string),
        claimMs,
      );
      const mine: number[] = [];
      const others: number[] = [];
      rest.forEach((i, j) => {
        // Claimed by an earlier read of this instance: single-flight joins that read.
        if (claimed[j] !== false || (!refresh && this.filling.has(fill.names[i] as string))) mine.push(i);
        else others.push(i);
      });
      const settled = rest.filter((_, j) => claimed[j] === true).map((i) => fill.names[i] as string);
      if (refresh && others.length > 0) this.leave(fill, others);
      // Both to their end before the watch closes; then the first failure, as one read would.
      const ended = await Promise.allSettled([
        mine.length > 0 ? this.fetchOwn(fill, mine, found.generation, settled) : undefined,
        others.length > 0 && watch
          ? this.waitForPeer(fill, others, watch, waitMs, found.generation, signal)
          : undefined,
      ]);
      for (const end of ended) if (end.status === 'rejected') throw end.reason;
      return fill.results;
    } finally {
      watch?.close();
    }
  }

  /**
   * Answers from `found` (what the instances share of the names of `indices`, in their order) those
   * it holds fresh (and, for a refresh ahead, stored after `newerThan`), storing them here;
   * returns the others.
   */
  private takeShared<K, V>(
    fill: Fill<K, V>,
    found: SharedLookup | undefined,
    indices: readonly number[],
    newerThan = Number.NEGATIVE_INFINITY,
  ): number[] {
    const rest: number[] = [];
    const now = this.now();
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j] as number;
      const entry = found?.entries[j];
      const age = entry ? now - entry.storedAt : Number.POSITIVE_INFINITY;
      if (
        entry &&
        age <= fill.policy.ttlMs &&
        entry.storedAt > newerThan &&
        (entry.expiresAt === undefined || now < entry.expiresAt)
      ) {
        recordCacheLookup(fill.key, 'shared', age);
        fill.results[i] = entry.value as V;
        if (fill.generation === this.generation) {
          this.store(
            fill.names[i] as string,
            { ...entry, key: fill.key, asked: fill.keys[i] },
            fill.policy,
            fill.partition,
          );
        }
      } else rest.push(i);
    }
    return rest;
  }

  /**
   * Leaves a refresh of `indices` to the instance that claimed them first. A refresh ahead looks
   * again for that instance's answer (`lookAgain`).
   */
  private leave<K, V>(fill: Fill<K, V>, indices: readonly number[]): void {
    recordCacheRefreshLeft(fill.key, indices.length);
    for (const i of indices) {
      const name = fill.names[i] as string;
      fill.results[i] = new Error('refreshed by another instance');
      // Not this refresh's any more, though it goes on fetching what it claimed.
      this.refreshing.delete(name);
      if (fill.refresh === 'ahead') this.lookAgain(name, fill.policy, fill.partition);
    }
  }

  /**
   * Waits for the instance that claimed `indices` to settle them, at most `waitMs` and while
   * `signal` lasts, then takes what it shared and reads the rest itself: a claimant that dies, or
   * Redis going away, costs this request at most the wait.
   */
  private async waitForPeer<K, V>(
    fill: Fill<K, V>,
    indices: readonly number[],
    watch: SettleWatch,
    waitMs: number,
    generation: string,
    signal: Abortable | undefined,
  ): Promise<void> {
    const names = indices.map((i) => fill.names[i] as string);
    this.waiting++;
    trackFillWaiting(1);
    let settled: string[];
    try {
      settled = await watch.until(names, waitMs, signal);
    } finally {
      this.waiting--;
      trackFillWaiting(-1);
    }
    let unread = indices;
    let readIn = generation;
    if (settled.length > 0) {
      // Only what it waited for: the fill's other names are this instance's own read.
      const found = await this.shared?.lookup(fill.key.provider, fill.key.capability, names);
      if (found) {
        unread = this.takeShared(fill, found, indices);
        readIn = found.generation;
      }
    }
    recordCacheFillWait(fill.key, 'shared', indices.length - unread.length);
    recordCacheFillWait(fill.key, 'read', unread.length);
    if (unread.length > 0) await this.fetchOwn(fill, unread, readIn, []);
  }

  /**
   * Fetches `indices` from the provider, stores the answers here and shares them in `generation`
   * (when the instances share a cache), settling `settled`: the claims this read held, so the
   * instances waiting on them wake whether or not there is an answer to take.
   */
  private async fetchOwn<K, V>(
    fill: Fill<K, V>,
    indices: readonly number[],
    generation: string | undefined,
    settled: readonly string[],
  ): Promise<void> {
    const { key, policy, storedAt } = fill;
    if (!fill.refresh) for (const _ of indices) recordCacheLookup(key, 'miss', 0);
    for (const name of settled) this.filling.set(name, (this.filling.get(name) ?? 0) + 1);
    let fetched: (V | Error)[];
    try {
      fetched = await fill.fetch(
        indices.map((i) => fill.keys[i] as K),
        fill.refresh !== undefined,
      );
    } catch (err) {
      if (generation !== undefined && settled.length > 0) {
        void this.shared?.share(key.provider, key.capability, generation, [], settled);
      }
      throw err;
    } finally {
      for (const name of settled) {
        const count = (this.filling.get(name) ?? 1) - 1;
        if (count > 0) this.filling.set(name, count);
        else this.filling.delete(name);
      }
    }
    const toShare: { name: string; entry: SharedEntry; ttlMs: number }[] = [];
    indices.forEach((i, j) => {
      // Null (a name no record has) is an answer, kept as one.
      const value = answerAt(fetched, j);
      fill.results[i] = value;
      if (value instanceof Error || fill.generation !== this.generation) return;
      // A moment already past says nothing about the future: asking again would get the same
      // answer (a provider or world on a clock of its own), so such an answer lives its TTL.
      const until = fill.expiresAt?.(value);
      const entry: SharedEntry = {
        value,
        storedAt,
        ...(until === undefined || until <= storedAt ? {} : { expiresAt: until }),
      };
      const name = fill.names[i] as string;
      this.store(name, { ...entry, key, asked: fill.keys[i] }, policy, fill.partition);
      const ttlMs = Math.min(storedAt + policy.ttlMs, entry.expiresAt ?? Number.POSITIVE_INFINITY) - this.now();
      toShare.push({ name, entry, ttlMs });
    });
    if (generation !== undefined && (toShare.length > 0 || settled.length > 0)) {
      void this.shared?.share(key.provider, key.capability, generation, toShare, settled);
    }
  }

  /**
   * How long a request waits for another instance's read of an entry it claimed: at most
   * `fillWaitMs`, and once this instance has read that loader itself, at most twice the mean time
   * its provider took to answer and 50 ms for the Redis round trips, so no request waits much
   * longer than reading would take.
   */
  private fillWait(key: LoaderKey): number {
    const mean = this.readTimes.expected(loaderName(key));
    return mean > 0 ? Math.min(this.fillWaitLimit, 2 * mean + 50) : this.fillWaitLimit;
  }

  /** Stores an entry; a directory entry is also scheduled to be refreshed ahead if it is read by then. */
  private store(name: string, entry: Entry, policy: Policy, partition: string): void {
    const size = name.length + approximateBytes(entry.value);
    if (!fitsIn(this.entries, size)) {
      // The answer before it is older than what the provider says now: not kept either.
      this.entries.delete(name);
      recordCacheEviction(entry.key);
      return;
    }
    this.entries.set(name, entry, { size });
    if (policy.records || !this.refreshers || this.stopped) return;
    const end = entry.storedAt + policy.ttlMs;
    // An answer that stops being true before its TTL ends (who is on call until a handoff) would
    // be read again as the same answer ahead of that moment: the first reader after it reads anew.
    if (entry.expiresAt !== undefined && entry.expiresAt < end) {
      this.due.delete(name);
      return;
    }
    const lead = refreshLead(policy.ttlMs);
    const at = end - lead;
    this.due.set(name, { at, lead, entry, loader: loaderPrefix(entry.key) + partition });
    this.arm(at + (this.jitter * lead) / 2);
  }

  /**
   * Schedules the look again of an entry whose refresh ahead another instance claimed first: when
   * that instance announces it settled the entry (`heard`), and at the latest a quarter lead before
   * the entry's TTL ends, its last look: an announcement may be lost, and the claimant may have
   * died. The last look takes the claimant's answer if it is shared by then, and reads itself if
   * not (`Refresh`), so a lost announcement costs one provider read, and no reader is served the
   * entry stale. The sweep runs at least half a lead before the TTL ends, so the claimant has a
   * quarter lead or more to answer, and the last look as long to read. An announcement that came
   * before the refresh left the entry (between its lookup and its claim) is not heard here: the
   * last look finds that answer. Past its TTL already (a look again that came late), the entry's
   * next reader refreshes it as a stale one.
   */
  private lookAgain(name: string, policy: Policy, partition: string): void {
    const entry = this.entries.peek(name);
    if (!entry || this.stopped) return;
    const end = entry.storedAt + policy.ttlMs;
    const now = this.now();
    if (now >= end) return;
    const at = Math.max(now, end - refreshLead(policy.ttlMs) / 4);
    // No lead of its own: due at `at`, not taken along by a sweep before it.
    this.due.set(name, { at, lead: 0, entry, loader: loaderPrefix(entry.key) + partition, left: true });
    this.arm(at);
  }

  /**
   * Another instance settled `name` (its read ended, with an answer shared or none): an entry left
   * to it is looked at again now, claimed and read here if no answer was shared. Other entries'
   * schedules stay: their refresh is not due.
   */
  private heard(name: string): void {
    const due = this.due.get(name);
    if (!due?.left || this.stopped) return;
    const now = this.now();
    this.due.set(name, { at: now, lead: 0, entry: due.entry, loader: due.loader });
    this.arm(now);
  }

  /** Arms the sweep timer for `at` unless it fires before then already. */
  private arm(at: number): void {
    if (this.timer && at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    // Unref'd: a gateway with nothing else to do stops without waiting for the next refresh.
    this.timer = setTimeout(() => this.sweep(), Math.max(0, at - this.now())).unref();
  }

  /**
   * Refreshes every entry due (or due within half its lead) that was read since it was stored, in
   * one background read per loader, as that loader's last reader read; entries nobody read are left to expire. One scan of
   * the schedule, which holds at most the entries held; then the timer is armed for the next.
   */
  private sweep(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    // By loader, and whether it is a last look: those claim nothing.
    const ready = new Map<string, { loader: string; last: boolean; entries: Entry[] }>();
    let next = Number.POSITIVE_INFINITY;
    for (const [name, due] of this.due) {
      if (due.at > now + due.lead / 2) {
        next = Math.min(next, due.at + (this.jitter * due.lead) / 2);
        continue;
      }
      this.due.delete(name);
      // Peek, not get: a refresh is not a use, and must not keep an entry from eviction.
      if (!due.entry.read || this.entries.peek(name) !== due.entry || this.refreshing.has(name)) continue;
      const last = due.left === true;
      const group = last ? `${due.loader}\u0000last` : due.loader;
      const batch = ready.get(group);
      if (batch) batch.entries.push(due.entry);
      else ready.set(group, { loader: due.loader, last, entries: [due.entry] });
    }
    for (const { loader, last, entries } of ready.values()) {
      const refresher = this.refreshers?.peek(loader);
      // Out of the bound on loaders refreshed ahead: its entries expire on access, as without it.
      if (!refresher) continue;
      const policy = this.policyOf(refresher.key);
      if (!policy) continue;
      let newest = Number.NEGATIVE_INFINITY;
      for (const entry of entries) newest = Math.max(newest, entry.storedAt);
      const asked = entries.map((e) => e.asked);
      this.refresh(
        refresher.key,
        refresher.partition,
        asked,
        refresher.keyOf,
        refresher.fetch,
        policy,
        last ? 'last' : 'ahead',
        refresher.expiresAt,
        newest,
      );
    }
    if (next < Number.POSITIVE_INFINITY) this.arm(next);
  }
}

function matches(table: Readonly<Partial<Record<Capability, readonly string[] | 'all'>>>, key: LoaderKey): boolean {
  const operations = table[key.capability];
  return operations === 'all' || (operations?.includes(key.operation) ?? false);
}

function loaderPrefix(key: LoaderKey): string {
  return `${key.capability}.${key.operation}@${key.provider}\u0000`;
}

function entryName(key: LoaderKey, partition: string, id: string): string {
  return `${loaderPrefix(key)}${partition}\u0000${id}`;
}
