/**
 * What the data floor counts about provider calls. The floor owns these counters because it makes
 * every call; the HTTP edge only exposes the registry (`/metrics`).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Adapter, AdapterStatus } from '../../adapters/contract/index.js';
import type { CallCause } from './calls.js';
import type { LoaderKey } from './loader-key.js';
import type { CircuitStatus, ProviderLoad, RefusalReason } from './provider-resilience.js';
import { talliedCounter, talliedHistogram } from './tallies.js';

export const providerMetricsRegistry = new Registry();

const labelNames = ['provider', 'capability', 'operation', 'cause'] as const;

const providerCalls = talliedCounter({
  name: 'opsorch_provider_calls_total',
  help: 'Calls made to provider adapters, by provider, capability, adapter operation and what caused them (request, webhook, poller, event).',
  labelNames,
  registers: [providerMetricsRegistry],
});

const providerBatchSize = talliedHistogram({
  name: 'opsorch_provider_batch_size',
  help: 'Items (IDs or queries) per provider call.',
  labelNames,
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  registers: [providerMetricsRegistry],
});

const sharedReads = talliedCounter({
  name: 'opsorch_provider_reads_shared_total',
  help: 'Reads answered by an identical provider call already in flight for another request.',
  labelNames: ['provider', 'capability', 'operation'] as const,
  registers: [providerMetricsRegistry],
});

export function recordProviderCall(
  provider: string,
  capability: string,
  operation: string,
  cause: CallCause,
  items: number,
): void {
  const labels = [provider, capability, operation, cause];
  providerCalls.inc(labels);
  providerBatchSize.observe(labels, items);
}

export function recordSharedReads(provider: string, capability: string, operation: string, items: number): void {
  sharedReads.inc([provider, capability, operation], items);
}

/** The floor's per-provider breakers and queues, read at each scrape. */
const watched = new Set<WeakRef<{ load(): ProviderLoad[] }>>();

function eachLoad(visit: (load: ProviderLoad) => void): void {
  for (const ref of watched) {
    const resilience = ref.deref();
    if (!resilience) watched.delete(ref);
    else for (const load of resilience.load()) visit(load);
  }
}

const CIRCUIT_STATES: readonly CircuitStatus[] = ['CLOSED', 'OPEN', 'HALF_OPEN'];

new Gauge({
  name: 'opsorch_provider_circuit_state',
  help: "Each provider instance's circuit breaker: 1 for its current state (closed, open, half_open), 0 for the others.",
  labelNames: ['provider', 'state'] as const,
  registers: [providerMetricsRegistry],
  collect() {
    this.reset();
    eachLoad(({ provider, circuit }) => {
      for (const state of CIRCUIT_STATES) this.set({ provider, state: state.toLowerCase() }, state === circuit ? 1 : 0);
    });
  },
});

new Gauge({
  name: 'opsorch_provider_calls_in_flight',
  help: 'Calls running against each provider instance (at most OPSORCH_PROVIDER_MAX_CONCURRENT).',
  labelNames: ['provider'] as const,
  registers: [providerMetricsRegistry],
  collect() {
    this.reset();
    eachLoad(({ provider, active }) => this.set({ provider }, active));
  },
});

new Gauge({
  name: 'opsorch_provider_calls_queued',
  help: 'Calls waiting for a slot of each provider instance (at most OPSORCH_PROVIDER_MAX_QUEUED).',
  labelNames: ['provider'] as const,
  registers: [providerMetricsRegistry],
  collect() {
    this.reset();
    eachLoad(({ provider, queued }) => this.set({ provider }, queued));
  },
});

const rejectedCalls = new Counter({
  name: 'opsorch_provider_calls_rejected_total',
  help: 'Calls refused without reaching their provider: circuit_open, probe_in_flight, queue_full, queue_timeout.',
  labelNames: ['provider', 'reason'] as const,
  registers: [providerMetricsRegistry],
});

export function watchResilience(resilience: { load(): ProviderLoad[] }): void {
  watched.add(new WeakRef(resilience));
}

export function recordRejectedCall(provider: string, reason: RefusalReason): void {
  rejectedCalls.inc({ provider, reason });
}

const cacheLabels = ['provider', 'capability', 'operation'] as const;

// Tallied (`./tallies.ts`): a page's service, team and members are looked up on every request.
const cacheLookups = talliedCounter({
  name: 'opsorch_read_cache_lookups_total',
  help: 'Reads looked up in the cross-request cache, by result: hit (fresh), stale (served while refreshed), shared (fresh, stored by another instance) or miss.',
  labelNames: [...cacheLabels, 'result'] as const,
  registers: [providerMetricsRegistry],
});

const cacheAge = talliedHistogram({
  name: 'opsorch_read_cache_age_seconds',
  help: 'Age of the answers the cross-request cache served.',
  labelNames: cacheLabels,
  buckets: [1, 5, 10, 30, 60, 120, 300, 900],
  registers: [providerMetricsRegistry],
});

const cacheEvictions = new Counter({
  name: 'opsorch_read_cache_evictions_total',
  help: 'Entries the cross-request cache dropped to stay within OPSORCH_CACHE_MAX_ENTRIES and OPSORCH_CACHE_MAX_BYTES, and answers it did not keep for being larger than an eighth of OPSORCH_CACHE_MAX_BYTES.',
  labelNames: cacheLabels,
  registers: [providerMetricsRegistry],
});

const cacheRefreshes = new Counter({
  name: 'opsorch_read_cache_refreshes_total',
  help: 'Cached answers read again from the provider in the background, by kind: stale (a reader found it past its TTL) or ahead (read since it was stored, refreshed on schedule before its TTL ends).',
  labelNames: [...cacheLabels, 'kind'] as const,
  registers: [providerMetricsRegistry],
});

const cacheRefreshesLeft = new Counter({
  name: 'opsorch_read_cache_refreshes_left_total',
  help: 'Background refreshes of cached answers left to another instance sharing the cache, which claimed them first and shares what it reads.',
  labelNames: cacheLabels,
  registers: [providerMetricsRegistry],
});

const cacheFillWaits = new Counter({
  name: 'opsorch_read_cache_fill_waits_total',
  help: 'Keys a request missed and found claimed by another instance sharing the cache, by how the wait ended: shared (its answer arrived) or read (not within OPSORCH_CACHE_FILL_WAIT_MS, or the request ended: read from the provider).',
  labelNames: [...cacheLabels, 'result'] as const,
  registers: [providerMetricsRegistry],
});

let fillsWaiting = 0;
new Gauge({
  name: 'opsorch_read_cache_fills_waiting',
  help: "Requests waiting now for another instance's read of an entry they missed.",
  registers: [providerMetricsRegistry],
  collect() {
    this.set(fillsWaiting);
  },
});

/**
 * A gauge of what every live floor's store holds now, and how a store is counted in it: `track`
 * adds its count until the function it returns is called.
 */
function summedGauge(name: string, help: string): (count: () => number) => () => void {
  const counts = new Set<() => number>();
  new Gauge({
    name,
    help,
    registers: [providerMetricsRegistry],
    collect() {
      let sum = 0;
      for (const count of counts) sum += count();
      this.set(sum);
    },
  });
  return (count) => {
    counts.add(count);
    return () => counts.delete(count);
  };
}

/** Counts a cache in the entries gauge until the returned function is called. */
export const trackCacheSize = summedGauge('opsorch_read_cache_entries', 'Entries held by the cross-request cache.');

/** Counts a cache in the bytes gauge until the returned function is called. */
export const trackCacheBytes = summedGauge(
  'opsorch_read_cache_bytes',
  'Memory the answers held by the cross-request cache take, about (at most OPSORCH_CACHE_MAX_BYTES).',
);

/** Counts the memory a look-ahead store's records take in the bytes gauge until the returned function is called. */
export const trackRecentRecordBytes = summedGauge(
  'opsorch_lookahead_record_bytes',
  'Memory the incident records kept as last read take, about (at most OPSORCH_LOOKAHEAD_RECORD_BYTES).',
);

/** Counts the records a look-ahead store keeps in the records gauge until the returned function is called. */
export const trackRecentRecords = summedGauge(
  'opsorch_lookahead_records',
  'Incident records kept as last read, for the look-ahead of the next page that shows them (at most OPSORCH_LOOKAHEAD_RECORDS).',
);

type StatusSource = () => readonly { name: string; adapter: Pick<Adapter, 'status'> }[];

/** Each live floor's provider instances, whose adapters may report a status (`Adapter.status`). */
const statusSources = new Set<StatusSource>();

/** Each provider instance's value of one status figure, where its adapter reports one. */
function eachStatus(figure: keyof AdapterStatus, visit: (provider: string, value: number) => void): void {
  for (const instances of statusSources) {
    for (const { name, adapter } of instances()) {
      const value = adapter.status?.()[figure];
      if (value !== undefined) visit(name, value);
    }
  }
}

/** A gauge of one status figure, per provider instance whose adapter reports it. */
function statusGauge(name: string, help: string, figure: keyof AdapterStatus): void {
  new Gauge({
    name,
    help,
    labelNames: ['provider'] as const,
    registers: [providerMetricsRegistry],
    collect() {
      this.reset();
      eachStatus(figure, (provider, value) => this.set({ provider }, value));
    },
  });
}

statusGauge(
  'opsorch_provider_processes',
  "Child processes running now for each provider instance that runs them (a plugin's processes).",
  'processes',
);

new Counter({
  name: 'opsorch_provider_process_restarts_total',
  help: "Times a provider instance's child process stopped unasked (crashed, or was killed for a hung call or a broken line) and was restarted.",
  labelNames: ['provider'] as const,
  registers: [providerMetricsRegistry],
  collect() {
    // The adapter keeps the running total; the counter is set to it at each scrape.
    this.reset();
    eachStatus('restarts', (provider, value) => this.inc({ provider }, value));
  },
});

statusGauge(
  'opsorch_provider_held_answer_chars',
  "Characters of a plugin's answers held to be found again, with their parsed values (at most its heldAnswerBytes).",
  'heldAnswerChars',
);

/** Reports the status of these provider instances' adapters until the returned function is called. */
export function trackAdapterStatus(instances: StatusSource): () => void {
  statusSources.add(instances);
  return () => statusSources.delete(instances);
}

const lookaheadGuesses = new Counter({
  name: 'opsorch_lookahead_guesses_total',
  help: 'Pages whose reads started from the incident as last read, by what the incident read then named: the same service, team and window (confirmed), or another (changed: the reads made for the old ones were made in vain).',
  labelNames: ['outcome'] as const,
  registers: [providerMetricsRegistry],
});

export function recordLookaheadGuess(outcome: 'confirmed' | 'changed'): void {
  lookaheadGuesses.inc({ outcome });
}

export function recordCacheLookup(key: LoaderKey, result: 'hit' | 'stale' | 'shared' | 'miss', ageMs: number): void {
  const { provider, capability, operation } = key;
  cacheLookups.inc([provider, capability, operation, result]);
  if (result !== 'miss') cacheAge.observe([provider, capability, operation], ageMs / 1000);
}

export function recordCacheEviction(key: LoaderKey): void {
  cacheEvictions.inc({ provider: key.provider, capability: key.capability, operation: key.operation });
}

export function recordCacheRefresh(key: LoaderKey, kind: 'stale' | 'ahead', keys: number): void {
  cacheRefreshes.inc({ provider: key.provider, capability: key.capability, operation: key.operation, kind }, keys);
}

export function recordCacheRefreshLeft(key: LoaderKey, keys: number): void {
  cacheRefreshesLeft.inc({ provider: key.provider, capability: key.capability, operation: key.operation }, keys);
}

export function recordCacheFillWait(key: LoaderKey, result: 'shared' | 'read', keys: number): void {
  if (keys === 0) return;
  cacheFillWaits.inc({ provider: key.provider, capability: key.capability, operation: key.operation, result }, keys);
}

/** Moves the gauge of requests waiting on another instance's read. */
export function trackFillWaiting(change: 1 | -1): void {
  fillsWaiting += change;
}
