/**
 * The data floor: the only code that calls provider adapters. One `DataFloor` per gateway owns
 * what is shared (the choke point every call passes, single-flight, event intake); each request
 * gets its own `RequestData` (`ctx.data`) with per-request caches, and so does each webhook
 * delivery, poll and adapter event. Resolvers reach providers only through `ctx.data.<capability>`.
 */
import { setMaxListeners } from 'node:events';
import {
  type Adapter,
  CallCancel,
  type Capability,
  type CapabilityMap,
  type ProviderEvent,
} from '../../adapters/contract/index.js';
import type { Caller } from '../auth/principal.js';
import type { PubSub } from '../events/pubsub.js';
import type { RecordRef } from '../events/topics.js';
import { gatewayError, providerError } from '../graphql/errors.js';
import { LIMITS } from '../limits.js';
import type { Logger } from '../logger.js';
import { checkHealth, type ProviderHealth } from '../providers/health.js';
import type { AdapterRegistry, ProviderInstance } from '../providers/registry.js';
import { CacheInvalidation } from './cache-invalidation.js';
import {
  type CallCause,
  type CallMiddleware,
  type CallOrder,
  type CallScope,
  type ProviderCall,
  ProviderCalls,
} from './calls.js';
import { AlertData } from './capabilities/alerts.js';
import { DeploymentData } from './capabilities/deployments.js';
import { IncidentData } from './capabilities/incidents.js';
import { LogData } from './capabilities/logs.js';
import { MessagingData } from './capabilities/messaging.js';
import { MetricData } from './capabilities/metrics.js';
import { OrchestrationData } from './capabilities/orchestration.js';
import { ProviderData } from './capabilities/providers.js';
import { ServiceData } from './capabilities/services.js';
import { TeamData } from './capabilities/teams.js';
import { TicketData } from './capabilities/tickets.js';
import { Changes } from './changes.js';
import { EventVerdicts } from './event-verdicts.js';
import { EventIntake } from './intake.js';
import { type LoaderOptions, Loaders, type TeamDirectory } from './loaders.js';
import type { IncidentNode } from './models.js';
import {
  trackAdapterStatus,
  trackCacheBytes,
  trackCacheSize,
  trackRecentRecordBytes,
  trackRecentRecords,
} from './provider-metrics.js';
import type { CircuitStatus } from './provider-resilience.js';
import { CACHE_OFF, ReadCache, type ReadCacheOptions } from './read-cache.js';
import { ReadLatencies } from './read-latency.js';
import { RecentRecords } from './recent-records.js';
import { SharedReadCache } from './shared-read-cache.js';
import { InFlightReads } from './single-flight.js';
import type { Turns } from './turns.js';

export interface DataFloorOptions {
  registry: AdapterRegistry;
  pubsub: PubSub;
  logger: Logger;
  loaders: LoaderOptions;
  /** Records of one provider an aggregate (a count, incident statistics) reads at most. */
  maxAggregateRecords?: number;
  /** Incident records kept as last read for the look-ahead (`recent-records.ts`); 0 keeps none. */
  lookaheadRecords?: number;
  /** The memory those records take at most, about (`approximateBytes`). */
  lookaheadRecordBytes?: number;
  /** How long a provider's health check may take before it is reported DOWN. */
  healthTimeoutMs?: number;
  /** Wraps every provider call, outermost first (authorization, budgets, deadlines...). */
  middleware?: readonly CallMiddleware[];
  /** Each provider instance's circuit breaker, for `providers { health }`. */
  circuits?: { circuit(provider: string): CircuitStatus };
  /** The cross-request cache of slowly changing reads; off when absent. */
  cache?: ReadCacheOptions;
  /**
   * Asked before a timeline subscription starts: the error refusing it (a polling cap reached), or
   * null. Synchronous, so nothing can start watching between the check and the subscription.
   */
  timelineWatchRefusal?: (incident: RecordRef) => Error | null;
  /** Turns on the event loop shared between requests (`src/data/turns.ts`); without it a request never waits. */
  turns?: Turns;
}

/**
 * Listeners a request's `AbortSignal` (one handed instead of a `CallCancel`: a shared subscription
 * event's, a test's) may hold before Node warns of a leak. Each provider call in flight
 * listens on it (the call, its single-flight share) until it settles, and the request's paused
 * lists once: an incident page's dozen reads passed Node's default of ten and warned on every page.
 * Calls in flight are bounded by the request's provider-call budget, so that is the bound here.
 */
const REQUEST_SIGNAL_LISTENERS = 2 * LIMITS.maxProviderCalls.default + 1;

/** Live windows without a record TTL end at whole seconds (`liveNow`). */
const LIVE_WINDOW_STEP_MS = 1000;

/** How long a provider call made for a webhook, a poll or an adapter event may take. */
export const BACKGROUND_TIMEOUT_MS = 10_000;

export class DataFloor {
  readonly changes: Changes;
  readonly intake: EventIntake;
  /** Filter decisions about published events, shared by the subscribers that ask the same. */
  readonly verdicts = new EventVerdicts();
  /** Each incident as last read, for the look-ahead of the next page that shows it. */
  readonly recentIncidents: RecentRecords<IncidentNode>;
  private readonly calls: ProviderCalls;
  private readonly inFlight = new InFlightReads();
  private readonly latencies = new ReadLatencies();
  private readonly cache: ReadCache;
  private readonly invalidation: CacheInvalidation;
  /** Take this floor's stores and adapters out of the `/metrics` gauges. */
  private readonly untrack: readonly (() => void)[];
  /** Aborts background calls when the gateway stops. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: DataFloorOptions) {
    this.calls = new ProviderCalls(options.middleware);
    this.recentIncidents = new RecentRecords(
      options.lookaheadRecords ?? LIMITS.lookaheadRecords.default,
      options.lookaheadRecordBytes ?? LIMITS.lookaheadRecordBytes.default,
    );
    const cache = options.cache ?? CACHE_OFF;
    const shared =
      cache.shared && options.pubsub.shared ? new SharedReadCache(options.pubsub.shared, options.logger) : undefined;
    this.cache = new ReadCache(cache, () => Date.now(), shared, this.latencies);
    this.untrack = [
      trackCacheSize(() => this.cache.size),
      trackCacheBytes(() => this.cache.bytes),
      trackRecentRecords(() => this.recentIncidents.size),
      trackRecentRecordBytes(() => this.recentIncidents.bytes),
      trackAdapterStatus(() => options.registry.instances),
    ];
    this.invalidation = new CacheInvalidation(this.cache, options.pubsub.peers, options.logger);
    this.changes = new Changes(options.pubsub, (provider) => this.pushes(provider));
    this.intake = new EventIntake(this, options.logger);
  }

  get registry(): AdapterRegistry {
    return this.options.registry;
  }

  get maxAggregateRecords(): number {
    return this.options.maxAggregateRecords ?? LIMITS.maxAggregateRecords.default;
  }

  /**
   * `ctx.data` of one GraphQL request; `signal` aborts its provider calls when the client leaves.
   * The server hands a `CallCancel`, whose listeners (one per provider call in flight) are an array
   * with no bound to raise.
   */
  forRequest(requestId: string, signal: CallCancel | AbortSignal = new CallCancel(), caller?: Caller): RequestData {
    if (signal instanceof AbortSignal) setMaxListeners(REQUEST_SIGNAL_LISTENERS, signal);
    return new RequestData(this, {
      cause: 'request',
      requestId,
      signal,
      ...(caller ? { caller } : {}),
      ...(this.options.turns ? { turns: this.options.turns.forRequest(signal) } : {}),
    });
  }

  /** Reads and writes made on behalf of a webhook, a poll or an adapter event, with a deadline. */
  background(cause: Exclude<CallCause, 'request'>, timeoutMs = BACKGROUND_TIMEOUT_MS): RequestData {
    return new RequestData(this, { cause, signal: this.backgroundSignal(timeoutMs) });
  }

  /** Aborts when the gateway stops or `timeoutMs` has passed: for work no request waits on. */
  backgroundSignal(timeoutMs = BACKGROUND_TIMEOUT_MS): AbortSignal {
    return AbortSignal.any([this.stopping.signal, AbortSignal.timeout(timeoutMs)]);
  }

  /** The breaker of a provider instance; closed when the gateway runs none. */
  circuit(provider: string): CircuitStatus {
    return this.options.circuits?.circuit(provider) ?? 'CLOSED';
  }

  isConfigured(capability: Capability): boolean {
    return this.registry.isConfigured(capability);
  }

  /** Whether the named provider instance serves a capability. */
  serves(provider: string, capability: Capability): boolean {
    return this.registry.instances.some((i) => i.name === provider && i.capabilities.includes(capability));
  }

  /** Throws when a new timeline subscription to this incident would pass a bound. */
  admitTimelineWatch(incident: RecordRef): void {
    const refusal = this.options.timelineWatchRefusal?.(incident);
    if (refusal) throw refusal;
  }

  /** Whether a provider reports its own changes (`onEvent`): then its stream is their one route. */
  pushes(provider: string): boolean {
    return this.adapterOf(provider)?.onEvent !== undefined;
  }

  /** Hands every event adapters push on their own to the intake; returns the way to stop. */
  listen(): () => void {
    const unsubscribes = this.registry.instances
      .filter((instance) => instance.capabilities.includes('incident') && instance.adapter.onEvent)
      .map((instance) =>
        (instance.adapter.onEvent as NonNullable<Adapter['onEvent']>)((event: ProviderEvent) => {
          this.intake.accept(instance.name, [event], 'event').catch((err: unknown) => {
            this.options.logger.warn({ err, provider: instance.name }, 'could not publish provider event');
          });
        }),
      );
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }

  /** Every provider instance's health (probes are the one kind of call that is not metered). */
  health(): Promise<({ provider: string } & ProviderHealth)[]> {
    return Promise.all(
      this.registry.instances.map(async (i) => ({ provider: i.name, ...(await this.checkHealth(i)) })),
    );
  }

  /** One provider instance's health, DOWN past the configured time-out. */
  checkHealth(instance: ProviderInstance): Promise<ProviderHealth> {
    return checkHealth(instance, this.options.healthTimeoutMs ?? LIMITS.providerHealthTimeoutMs.default);
  }

  /**
   * The instant a live window (an open incident's) ends at. With a record TTL, the start of the
   * cache's current record period: requests within one period then ask the same question, so they
   * share its cached answer, which is never older than the TTL anyway. Without one, the current
   * second: consoles opening the same page within it ask the same question, so single-flight
   * shares their metric and log reads, whenever in the second each request started them (a page
   * read again starts them with the incident's own read, `recent-records.ts`).
   */
  liveNow(): number {
    const ttl = this.options.cache?.records.ttlMs ?? 0;
    return ttl > 0 ? this.cache.periodStart(ttl) : Math.floor(Date.now() / LIVE_WINDOW_STEP_MS) * LIVE_WINDOW_STEP_MS;
  }

  /**
   * A provider announced a change (webhook, poll, its own stream): its cached records may be
   * out of date, whichever they are.
   */
  heardFrom(provider: string): void {
    this.invalidation.forget(provider);
  }

  /** Ends background calls (polls, webhooks, adapter events) and makes no more. */
  stop(): void {
    this.stopping.abort(new Error('the gateway is stopping'));
    for (const untrack of this.untrack) untrack();
    this.cache.stop();
    this.invalidation.stop();
  }

  /**
   * Ends every provider read under way, whoever made it, and makes no more (writes under way go
   * on): the requests still waiting when shutdown's grace period passes are answered at once.
   */
  endReads(): void {
    this.calls.stop(new Error('the gateway is stopping and its grace period has passed'));
  }

  /** @internal Reads for one scope. */
  loaders(scope: CallScope, teamDirectory?: TeamDirectory): Loaders {
    return new Loaders(
      {
        registry: this.registry,
        calls: this.calls,
        inFlight: this.inFlight,
        cache: this.cache,
        latencies: this.latencies,
        options: this.options.loaders,
        backgroundSignal: () => this.backgroundSignal(),
      },
      scope,
      teamDirectory,
    );
  }

  /** @internal A write through the choke point: never retried, never shared. */
  write<C extends Capability, R>(
    scope: CallScope,
    capability: C,
    provider: string,
    operation: string,
    fn: (impl: CapabilityMap[C], ctx: ProviderCall['ctx']) => Promise<R>,
    targets?: readonly string[],
  ): Promise<R> {
    const { impl } = this.registry.serving(capability, provider);
    const actor = scope.caller?.principal.actor;
    const call: CallOrder = {
      capability,
      provider,
      operation,
      items: 1,
      write: true,
      cause: scope.cause,
      scope,
      ...(targets ? { targets } : {}),
      ctx: {
        signal: scope.signal,
        ...(scope.requestId === undefined ? {} : { requestId: scope.requestId }),
        ...(actor === undefined ? {} : { actor }),
      },
    };
    // A write's failure names its provider, like a read's: the mutation turns what the caller can
    // fix into a user error and passes the rest on with the provider's code.
    return (
      this.calls
        .run(call, (ctx) => fn(impl, ctx))
        .catch((err: unknown) => {
          throw providerError(err, provider, capability);
        })
        // Even a failed write may have changed something: nothing cached of it is trusted after.
        .finally(() => this.invalidation.forget(provider, capability))
    );
  }

  private adapterOf(provider: string): Adapter | undefined {
    return this.registry.instances.find((i) => i.name === provider)?.adapter;
  }
}

/**
 * One scope's view of the floor, by capability. Capability modules are made on first use: most
 * requests touch two or three of them.
 */
export class RequestData {
  private made: Partial<{
    loaders: Loaders;
    incidents: IncidentData;
    alerts: AlertData;
    tickets: TicketData;
    services: ServiceData;
    teams: TeamData;
    deployments: DeploymentData;
    orchestration: OrchestrationData;
    logs: LogData;
    metrics: MetricData;
    messaging: MessagingData;
    providers: ProviderData;
  }> = {};
  private now: number | undefined;

  constructor(
    readonly floor: DataFloor,
    readonly scope: CallScope,
  ) {}

  get loaders(): Loaders {
    this.made.loaders ??= this.floor.loaders(this.scope, (reference) => this.teams.byReference(reference));
    return this.made.loaders;
  }
  /** Runs `start` and sends the reads it begins at once (`Loaders.sendPromptly`). */
  promptly(start: () => void): void {
    this.loaders.sendPromptly(start);
  }

  /** Runs `start` after the reads a running `promptly` gathers have been sent, else at once (`Loaders.afterPrompt`). */
  afterPrompt(start: () => void): void {
    this.loaders.afterPrompt(start);
  }

  /** Runs `start` once the reads begun so far have been sent (`Loaders.afterSent`). */
  afterSent(start: () => void): void {
    this.loaders.afterSent(start);
  }

  get incidents(): IncidentData {
    this.made.incidents ??= new IncidentData(this);
    return this.made.incidents;
  }
  get alerts(): AlertData {
    this.made.alerts ??= new AlertData(this);
    return this.made.alerts;
  }
  get tickets(): TicketData {
    this.made.tickets ??= new TicketData(this);
    return this.made.tickets;
  }
  get services(): ServiceData {
    this.made.services ??= new ServiceData(this);
    return this.made.services;
  }
  get teams(): TeamData {
    this.made.teams ??= new TeamData(this);
    return this.made.teams;
  }
  get deployments(): DeploymentData {
    this.made.deployments ??= new DeploymentData(this);
    return this.made.deployments;
  }
  get orchestration(): OrchestrationData {
    this.made.orchestration ??= new OrchestrationData(this);
    return this.made.orchestration;
  }
  get logs(): LogData {
    this.made.logs ??= new LogData(this);
    return this.made.logs;
  }
  get metrics(): MetricData {
    this.made.metrics ??= new MetricData(this);
    return this.made.metrics;
  }
  get messaging(): MessagingData {
    this.made.messaging ??= new MessagingData(this);
    return this.made.messaging;
  }
  get providers(): ProviderData {
    this.made.providers ??= new ProviderData(this);
    return this.made.providers;
  }

  /** The floor's `liveNow`, once per scope: every live window of one request ends at the same instant. */
  liveNow(): number {
    this.now ??= this.floor.liveNow();
    return this.now;
  }

  /** @internal A write through the floor's choke point, on behalf of this scope. */
  write<C extends Capability, R>(
    capability: C,
    provider: string,
    operation: string,
    fn: (impl: CapabilityMap[C], ctx: ProviderCall['ctx']) => Promise<R>,
    targets?: readonly string[],
  ): Promise<R> {
    return this.floor.write(this.scope, capability, provider, operation, fn, targets);
  }

  /**
   * For reads that reach no provider (live streams): the same rule as the choke point, a request's
   * caller needs the read scope.
   */
  requireRead(capability: Capability): void {
    if (this.scope.cause !== 'request' || this.scope.caller?.principal.scopes.has('read')) return;
    throw gatewayError('FORBIDDEN', `the read scope is needed to read ${capability} data`, { capability });
  }
}
