/**
 * The floor's reads for one scope (a request, or one webhook delivery, poll or adapter event):
 * all the reads of one graph level become one batched call per (provider, operation), the same
 * record or query asked twice is fetched once, identical reads in flight for other scopes are
 * joined (single-flight), and every call goes through the floor's one choke point.
 */
import DataLoader from 'dataloader';
import type * as m from '../../adapters/contract/index.js';
import {
  CallCancel,
  type Capability,
  cancelOf,
  ProviderCallContext,
  type Result,
} from '../../adapters/contract/index.js';
import { visibilityKey } from '../auth/principal.js';
import { gatewayError, providerError } from '../graphql/errors.js';
import type { AdapterRegistry } from '../providers/registry.js';
import { type CallerContext, type CallOrder, type CallScope, type ProviderCalls, takeCancel } from './calls.js';
import { BY_ID_OF_LIST, type LoaderKey, loaderName } from './loader-key.js';
import { mergePages, orderOf, type Position, positionsFor } from './merge.js';
import { recordSharedReads } from './provider-metrics.js';
import type { ExpiresAt, ReadCache } from './read-cache.js';
import type { ReadLatencies } from './read-latency.js';
import { type RestrictedTeam, restrictScope, withinRestriction } from './restrict.js';
import { type BatchRead, type InFlightReads, sharedFlightName } from './single-flight.js';
import { queryKey } from './stable-json.js';
import { stamp } from './stamp.js';

export interface LoaderOptions {
  /** Off only to measure what batching saves (`OPSORCH_DATALOADER=off`); also turns single-flight off. */
  batch: boolean;
  /** Share identical in-flight reads across requests (default on); off only to measure it. */
  singleFlight?: boolean;
}

/** What every scope's reads share: one per gateway. */
export interface ReadDeps {
  registry: AdapterRegistry;
  calls: ProviderCalls;
  inFlight: InFlightReads;
  cache: ReadCache;
  latencies: ReadLatencies;
  options: LoaderOptions;
  /** A signal for work no request waits on: it ends when the gateway stops or its deadline passes. */
  backgroundSignal: () => AbortSignal;
}

/** The scope a call is made for when it is not the loaders' own: a refresh that outlives its request. */
const ON_BEHALF = Symbol('on behalf of');
type FloorContext = m.CallContext & { [ON_BEHALF]?: CallScope };

export type Stamped<T> = T & { provider: string };
export type StampedPage<T> = m.Page<Stamped<T>>;
/** A list query as the floor takes it: the adapter's query, resuming after a gateway position. */
export type ListQuery<Q extends m.PageRequest> = Omit<Q, 'after'> & { after?: Position };

/** How a capability module reads a list from one provider's adapter. */
export type ListFetch<C extends Capability, Q, T> = (
  impl: m.CapabilityMap[C],
  queries: readonly Q[],
  ctx: m.CallContext,
) => Promise<Result<m.Page<T>>[]>;

/** One list's filter over every provider serving it, read a page of one provider at a time. */
export interface ListSource<T extends { id: string }> {
  /** Provider instance names, in configured order. */
  providers: readonly string[];
  order: m.ListOrder<T>;
  /**
   * A page of one provider; `narrow` adds to the filter (e.g. one status). Without the provider's
   * `totalCount` when the caller's credential hides some records: the provider counts those too.
   */
  page(provider: string, request: m.PageRequest, narrow?: Record<string, unknown>): Promise<StampedPage<T>>;
}

/** Adapter methods that read many records (or lists) by native ID in one call. */
export type ByIdOperation = 'getMany' | 'getPlans' | 'getRuns' | 'timelines' | 'members';

/** Finds the team a reference (its ID, name or handle) names, in the team directory; null when none does. */
export type TeamDirectory = (reference: string) => Promise<m.Team | null> | m.Team | null;

/** A batch begun inside `sendPromptly`: its loader, and the provider and capability it reads. */
interface PromptBatch {
  dispatch: () => void;
  loader: string;
  group: string;
}

export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown, string>>();
  private visibilityOfCaller: string | undefined;
  /** What `warm` answered, by loader and key. */
  private readonly answered = new Map<string, unknown>();
  /** Batches begun inside `sendPromptly`, sent when it returns. */
  private prompt: PromptBatch[] | undefined;
  /** Starts put off while `prompt` is gathered (`afterPrompt`), run once its batches have been sent. */
  private deferred: (() => void)[] | undefined;
  /** The team the caller is restricted to as the directory names it, once read. */
  private team: RestrictedTeam | undefined;
  private teamRead: Promise<void> | undefined;

  constructor(
    private readonly deps: ReadDeps,
    readonly scope: CallScope,
    /** Where a team restriction's team is looked up. */
    private readonly teamDirectory?: TeamDirectory,
  ) {}

  get registry(): AdapterRegistry {
    return this.deps.registry;
  }

  /** What the caller may see (`visibilityKey`): only callers who may see the same records share reads and records. */
  get visibility(): string {
    this.visibilityOfCaller ??= visibilityKey(this.scope.caller?.principal);
    return this.visibilityOfCaller;
  }

  /** Whether a request's reads of one key are made once and shared within it (off with `OPSORCH_DATALOADER=off`). */
  get sharesReads(): boolean {
    return this.deps.options.batch;
  }

  /**
   * A record (or a record's timeline, a team's members) by native ID from the provider that
   * issued it, stamped with that provider. `operation` is the adapter's batched by-ID method;
   * `expiresAt` bounds how long the cross-request cache may serve an answer (see `keyed`).
   */
  byId<T>(
    capability: Capability,
    provider: string,
    operation: ByIdOperation,
    id: string,
    expiresAt?: ExpiresAt<Stamped<T>>,
  ): Promise<Stamped<T>> {
    return this.byIdLoader<T>({ capability, provider, operation }, expiresAt).load(id);
  }

  /**
   * One page of a capability's list, from every provider serving it, merged by key (one provider
   * is the merge of one page). Every record on it is primed into the by-ID loader, so opening it
   * later in the request costs no call.
   */
  async page<C extends Capability, Q extends m.PageRequest & { scope?: m.Scope }, T extends { id: string }>(
    capability: C,
    operation: string,
    asked: ListQuery<Q>,
    fetch: ListFetch<C, Q, T>,
  ): Promise<StampedPage<T>> {
    const { after, ...rest } = asked;
    const source = this.listSource(capability, operation, rest as Omit<Q, 'first' | 'after'>, fetch);
    const positions = positionsFor(after, source.providers);
    const pages = await Promise.all(
      source.providers.map((provider, i) => {
        const position = positions[i];
        return source.page(provider, { first: asked.first, ...(position ? { after: position } : {}) });
      }),
    );
    return mergePages(pages, asked.first, source.order);
  }

  /**
   * A list's filter bound to every provider serving it, paged one provider at a time: what the
   * floor's aggregates scan and count. The caller's restriction narrows the filter here, and each
   * page keeps only records the caller may see.
   */
  listSource<C extends Capability, Q extends m.PageRequest & { scope?: m.Scope }, T extends { id: string }>(
    capability: C,
    operation: string,
    filter: Omit<Q, 'first' | 'after'>,
    fetch: ListFetch<C, Q, T>,
  ): ListSource<T> {
    const served = this.deps.registry.providersOf(capability);
    const restriction = this.scope.caller?.principal.restriction;
    // A team restriction narrows by the team's name in the directory, known once it has been read.
    let narrowed = restriction?.team === undefined ? restrictScope(filter, restriction) : undefined;
    return {
      providers: served.map((s) => s.provider),
      order: orderOf<T>(capability, operation),
      page: async (provider, request, narrow) => {
        const { impl } = this.deps.registry.serving(capability, provider);
        // Object.assign, not spreads: see `stamp` (these are the gateway's own query objects).
        if (!narrowed) {
          await this.restrictionRead(capability);
          narrowed = restrictScope(filter, restriction, this.team);
        }
        const query = Object.assign({}, narrowed, narrow, request) as unknown as Q;
        const page = await this.batched<Q, m.Page<T>>({ capability, provider, operation }, (qs, ctx) =>
          fetch(impl, qs, ctx),
        ).load(this.scoped(provider, query));
        const nodes = page.nodes
          .filter((node) => this.visible(capability, provider, node))
          .map((node) => stamp(node, provider));
        this.prime(capability, provider, operation, nodes);
        // Such a caller's totals are tallied from the records it may see.
        return { ...page, nodes, ...(restriction ? { totalCount: null } : {}) };
      },
    };
  }

  /** A batched, cached read keyed by a query object (equal queries share one result); see `keyed` for `expiresAt`. */
  batched<Q, R>(
    key: LoaderKey,
    fetch: (queries: readonly Q[], ctx: m.CallContext) => Promise<Result<R>[]>,
    expiresAt?: ExpiresAt<R>,
  ): DataLoader<Q, R, string> {
    return this.keyed<Q, R>(
      key,
      async (queries, ctx) =>
        this.settle(await this.call(key, queries.length, ctx, (c) => fetch(queries, c)), queries.length, key),
      queryKey,
      expiresAt,
    );
  }

  /**
   * One key of a loader: what the cross-request cache holds fresh, as it is (no batch, no
   * promise), else the loader's read. A request keeps the first answer it got for a key, as a
   * loader does, so the cache is looked up (and counted) once per key and request.
   */
  warm<V>(key: LoaderKey, id: string, cacheKey: string, loader: () => DataLoader<string, V, string>): V | Promise<V> {
    const name = `${loaderName(key)}\u0000${cacheKey}`;
    if (this.answered.has(name)) return this.answered.get(name) as V | Promise<V>;
    let answer: V | Promise<V> | undefined;
    if (this.deps.options.batch) {
      answer = this.deps.cache.fresh<V>(key, this.visibility, cacheKey);
    }
    // A cached answer may be null (no record by that name); only undefined is a miss.
    if (answer === undefined) answer = loader().load(id);
    this.answered.set(name, answer);
    return answer;
  }

  /**
   * Runs `start` and sends the batches of reads it begins as soon as it returns, rather than once
   * every promise job of the tick has run: when a parent record arrives, those jobs are GraphQL
   * completing what arrived before it (an incident's timeline and tickets, read by the look-ahead),
   * which reads that need only the parent should not wait for. The loads `start` makes
   * synchronously still gather into one batch per loader; fair turns still apply. Called while
   * another is gathering, `start` is put off until that one's batches have been sent (`afterPrompt`).
   */
  sendPromptly(start: () => void): void {
    if (this.prompt) {
      this.afterPrompt(start);
      return;
    }
    const due: PromptBatch[] = [];
    this.prompt = due;
    try {
      start();
    } finally {
      this.prompt = undefined;
    }
    const turns = this.scope.turns;
    for (const { dispatch } of this.slowestFirst(due)) {
      if (turns) turns.sendNow(dispatch);
      else dispatch();
    }
    const later = this.deferred;
    this.deferred = undefined;
    // Their own reads gather into one prompt of their own. Each level of the look-ahead defers at
    // most once, so the query's depth bounds how far this goes.
    if (later) {
      this.sendPromptly(() => {
        for (const run of later) run();
      });
    }
  }

  /**
   * Runs `start` once the batches the running `sendPromptly` gathers have been sent, or at once
   * outside one: for the look-ahead's work on what the cross-request cache answered (a cached
   * service's or team's children), which makes few provider reads or none, and would otherwise
   * run before reads that are on their way to a provider.
   */
  afterPrompt(start: () => void): void {
    if (!this.prompt) {
      start();
      return;
    }
    this.deferred ??= [];
    this.deferred.push(start);
  }

  /**
   * Runs `start` once the batches begun so far have been sent, in their place among them (fair
   * turns included): reads a page does not wait for (an incident's timeline and tickets, which
   * arrive with it) then do not hold back the read it does wait for (the incident itself), and
   * still go out while it is being read.
   */
  afterSent(start: () => void): void {
    const turns = this.scope.turns;
    if (turns) turns.schedule(start);
    else void Promise.resolve().then(() => process.nextTick(start));
  }

  /**
   * The batches by what their capability's reads at one provider are expected to take together,
   * longest first (`ReadLatencies`). One provider's reads of one capability (often one plugin
   * process answering one call at a time) keep the order they were asked in: a team before its
   * members, an incident before its timeline.
   */
  private slowestFirst(due: PromptBatch[]): PromptBatch[] {
    if (due.length < 2) return due;
    const groups = new Map<string, { expected: number; batches: PromptBatch[] }>();
    for (const batch of due) {
      const expected = this.deps.latencies.expected(batch.loader);
      const group = groups.get(batch.group);
      if (group) {
        group.expected += expected;
        group.batches.push(batch);
      } else groups.set(batch.group, { expected, batches: [batch] });
    }
    // Array.prototype.sort is stable: groups expected to take as long keep the order asked.
    return [...groups.values()].sort((a, b) => b.expected - a.expected).flatMap((g) => g.batches);
  }

  /** DataLoader's `batchScheduleFn` for one loader: its own default (after the tick's promise jobs), fair turns, or `sendPromptly`. */
  private scheduleFor(key: LoaderKey, loader: string): (dispatch: () => void) => void {
    const group = `${key.capability}@${key.provider}`;
    return (dispatch) => {
      if (this.prompt) this.prompt.push({ dispatch, loader, group });
      else if (this.scope.turns) this.scope.turns.schedule(dispatch);
      else void Promise.resolve().then(() => process.nextTick(dispatch));
    };
  }

  /** Drops a record's cached reads after a write changed it, in this scope and in flight. */
  forget(key: LoaderKey, id: string): void {
    const name = loaderName(key);
    this.loaders.get(name)?.clear(id);
    this.answered.delete(`${name}\u0000${id}`);
    this.deps.inFlight.forget(name, id);
  }

  /** Caches what a write answered, so the rest of the request sees the record as it now is. */
  remember<T>(key: LoaderKey, id: string, value: Stamped<T>): void {
    this.forget(key, id);
    this.loaders.get(loaderName(key))?.prime(id, value);
  }

  /** Maps a canonical service name into a provider's vocabulary inside a query's scope. */
  scoped<Q extends { scope?: m.Scope }>(provider: string, query: Q): Q {
    return query.scope ? { ...query, scope: this.scopeFor(provider, query.scope) } : query;
  }

  scopeFor(provider: string, scope: m.Scope | undefined): m.Scope | undefined {
    if (!scope?.service) return scope;
    return { ...scope, service: this.deps.registry.serviceNameFor(provider, scope.service) };
  }

  /**
   * Whether this scope's caller may see a record (its credential's restriction). A team restriction
   * matches a record naming the team by any of its names once `restrictionRead` has read them, and
   * only by the restriction's own word before.
   */
  visible(capability: Capability, provider: string, record: unknown): boolean {
    const restriction = this.scope.caller?.principal.restriction;
    if (!restriction) return true;
    return withinRestriction(
      record,
      restriction,
      (name) => this.deps.registry.canonicalServiceName(provider, name),
      capability === 'service',
      this.team,
    );
  }

  /**
   * Reads, once per scope, every name the team of the caller's restriction goes by, for `visible`:
   * records name their team by ID, name or handle, and a restriction by any one of them covers
   * them all. Undefined when there is nothing to wait for (no team restriction, or team records,
   * which name no team and are what the directory reads). A failed look-up leaves the restriction's
   * own word, which hides more, never less.
   */
  restrictionRead(capability: Capability): Promise<void> | undefined {
    const team = this.scope.caller?.principal.restriction?.team;
    const directory = this.teamDirectory;
    if (team === undefined || capability === 'team' || !directory) return undefined;
    this.teamRead ??= (async () => {
      const found = await Promise.resolve()
        .then(() => directory(team))
        .catch(() => null);
      const names = [team, found?.id, found?.name, found?.handle].filter((n): n is string => !!n);
      this.team = { name: found?.name ?? team, names: new Set(names.map((n) => n.toLowerCase())) };
    })();
    return this.teamRead;
  }

  /**
   * Calls a provider through the floor's choke point, on behalf of this scope. What the provider
   * takes to answer goes to `took`: by default recorded as the time of `key`'s loader, for the
   * order reads leave in and the cold-fill wait; a loader whose batch makes several calls adds
   * them up and records their sum (`readTook`).
   */
  call<R>(
    key: LoaderKey,
    items: number,
    ctx: m.CallContext,
    fn: (ctx: m.CallContext) => Promise<R>,
    took: (ms: number) => void = (ms) => this.deps.latencies.record(loaderName(key), ms),
  ): Promise<R> {
    const scope = (ctx as FloorContext)[ON_BEHALF] ?? this.scope;
    // Written out, not a rest and a spread: the context carries a symbol key, and copying it
    // generically went through V8's slow path on every provider call.
    const handed = takeCancel(ctx);
    // A handed cancellation is the call's own (a shared read's), and a request's is its
    // `CallCancel`: read as they are, not through the context's signal, which would make one.
    const own: CallerContext = { signal: handed ?? cancelOf(ctx) ?? scope.signal };
    if (ctx.requestId !== undefined) own.requestId = ctx.requestId;
    if (ctx.actor !== undefined) own.actor = ctx.actor;
    const call: CallOrder = {
      capability: key.capability,
      provider: key.provider,
      operation: key.operation,
      items,
      write: false,
      cause: scope.cause,
      scope,
      ctx: own,
      ...(handed ? { cancel: handed } : {}),
      took,
    };
    return this.deps.calls.run(call, fn);
  }

  /** Records what the provider took to answer one batch of `key`'s loader (`call`'s `took`). */
  readTook(key: LoaderKey, ms: number): void {
    this.deps.latencies.record(loaderName(key), ms);
  }

  /**
   * What a stale cached answer's refresh is called with: this scope's caller and request ID (it is
   * authorized and audited as the request's read), a budget and deadline of its own, and a
   * background signal instead of the request's, so the client that found the answer stale may
   * leave without cancelling the refresh every later reader counts on.
   */
  private refreshContext(): FloorContext {
    const { turns: _turns, ...scope } = this.scope;
    const signal = this.deps.backgroundSignal();
    return {
      signal,
      ...(scope.requestId === undefined ? {} : { requestId: scope.requestId }),
      [ON_BEHALF]: { ...scope, signal },
    };
  }

  private prime<T extends { id: string }>(
    capability: Capability,
    provider: string,
    listOperation: string,
    nodes: readonly Stamped<T>[],
  ): void {
    const operation = BY_ID_OF_LIST[listOperation];
    if (!operation || nodes.length === 0) return;
    const loader = this.byIdLoader<T>({ capability, provider, operation });
    for (const node of nodes) loader.prime(node.id, node);
  }

  private byIdLoader<T>(key: LoaderKey, expiresAt?: ExpiresAt<Stamped<T>>): DataLoader<string, Stamped<T>, string> {
    return this.keyed<string, Stamped<T>>(
      key,
      async (ids, ctx) => {
        const { impl } = this.deps.registry.serving(key.capability, key.provider);
        const read = (impl as unknown as Record<string, m.GetMany<T>>)[key.operation];
        if (typeof read !== 'function') throw new Error(`${key.capability} has no ${key.operation}`);
        const restricted = this.restrictionRead(key.capability);
        const results = await this.call(key, ids.length, ctx, (c) => read.call(impl, ids, c));
        if (restricted) await restricted;
        // Array results (timelines, members) are stamped by their capability module, entry by entry.
        return this.settle(results, ids.length, key).map((r) => {
          if (r instanceof Error || Array.isArray(r)) return r;
          if (!this.visible(key.capability, key.provider, r)) return notFound(key);
          return stamp(r as T & object, key.provider);
        }) as (Stamped<T> | Error)[];
      },
      String,
      expiresAt,
    );
  }

  private settle<R>(results: Result<R>[], expected: number, key: LoaderKey): (R | Error)[] {
    if (!Array.isArray(results) || results.length !== expected) {
      const error = providerError(
        new Error(`answered ${Array.isArray(results) ? results.length : 'no'} results for ${expected} items`),
        key.provider,
        key.capability,
      );
      return Array.from({ length: expected }, () => error);
    }
    return results.map((r) => (r instanceof Error ? providerError(r, key.provider, key.capability) : r));
  }

  /**
   * A loader of this scope with its own batch function (e.g. records by name); `expiresAt` says
   * when an answer stops being true, so the cross-request cache never serves it past then.
   */
  keyed<K, V>(
    key: LoaderKey,
    batch: BatchRead<K, V>,
    cacheKeyFn: (key: K) => string = String,
    expiresAt?: ExpiresAt<V>,
  ): DataLoader<K, V, string> {
    const name = loaderName(key);
    let loader = this.loaders.get(name) as DataLoader<K, V, string> | undefined;
    if (loader) return loader;
    const unserved = this.unserved(key);
    if (unserved) {
      loader = new DataLoader<K, V, string>(async (keys) => keys.map(() => unserved), { cacheKeyFn });
      this.loaders.set(name, loader as DataLoader<unknown, unknown, string>);
      return loader;
    }
    const safe: BatchRead<K, V> = async (keys, ctx) => {
      try {
        return await batch(keys, ctx);
      } catch (err) {
        const error = providerError(err, key.provider, key.capability);
        return keys.map(() => error);
      }
    };
    const { options, inFlight, cache } = this.deps;
    const singleFlight = options.batch && options.singleFlight !== false;
    const { signal: cancel, requestId } = this.scope;
    // A request's signal is made only if an adapter reads it: whoever waits on the batch (the
    // choke point, single-flight, the read cache) follows its cancellation (`cancelOf`).
    const ctx: m.CallContext =
      cancel instanceof CallCancel
        ? new ProviderCallContext(cancel, requestId, undefined)
        : { signal: cancel, ...(requestId === undefined ? {} : { requestId }) };
    // Only callers who may see the same records share a provider read or a cached answer.
    const visibility = this.visibility;
    const flight = sharedFlightName(name, visibility);
    const fetch = async (keys: readonly K[], background = false): Promise<(V | Error)[]> => {
      const on = background ? this.refreshContext() : ctx;
      if (!singleFlight) return safe(keys, on);
      const { results } = await inFlight.read(flight, keys, cacheKeyFn, on, safe, (shared) =>
        recordSharedReads(key.provider, key.capability, key.operation, shared),
      );
      return results;
    };
    const read = (keys: readonly K[]) =>
      options.batch ? cache.read(key, visibility, keys, cacheKeyFn, fetch, expiresAt, cancel) : fetch(keys);
    loader = new DataLoader<K, V, string>(read, {
      name,
      cacheKeyFn,
      ...(options.batch ? {} : { batch: false, cache: false }),
      batchScheduleFn: this.scheduleFor(key, name),
    });
    this.loaders.set(name, loader as DataLoader<unknown, unknown, string>);
    return loader;
  }

  /**
   * Why `key`'s provider cannot answer it, when it does not serve the capability here: a global ID
   * names its provider, and a client can write any name into one. Such a read is refused before
   * the cross-request cache, single-flight and the metrics see it, whose entries and label sets
   * are bounded by the configured providers.
   */
  private unserved(key: LoaderKey): Error | undefined {
    try {
      this.deps.registry.serving(key.capability, key.provider);
      return undefined;
    } catch (err) {
      return providerError(err, key.provider, key.capability);
    }
  }
}

function notFound(key: LoaderKey): Error {
  return gatewayError('NOT_FOUND', `no such ${key.capability} record`, { capability: key.capability });
}
