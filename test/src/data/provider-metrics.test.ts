/** The floor's provider counters, read back from the registry `/metrics` exposes. */
import { describe, expect, it } from 'vitest';
import {
  providerMetricsRegistry,
  recordCacheEviction,
  recordCacheLookup,
  recordProviderCall,
  recordRejectedCall,
  recordSharedReads,
  trackCacheSize,
  watchResilience,
} from '../../../src/data/provider-metrics.js';
import type { ProviderLoad } from '../../../src/data/provider-resilience.js';

type Labels = Record<string, string | number>;

/** The value of one series, or undefined when the metric has no series with exactly these labels. */
async function value(name: string, labels: Labels = {}): Promise<number | undefined> {
  const metric = providerMetricsRegistry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const wanted = Object.entries(labels);
  const series = values.find(
    (v) => Object.keys(v.labels).length === wanted.length && wanted.every(([k, x]) => (v.labels as Labels)[k] === x),
  );
  return series?.value;
}

describe('provider metrics', () => {
  it('counts each call by provider, capability, operation and cause, and observes its batch size', async () => {
    const labels = { provider: 'pm-a', capability: 'incident', operation: 'getMany', cause: 'webhook' };
    recordProviderCall('pm-a', 'incident', 'getMany', 'webhook', 7);
    recordProviderCall('pm-a', 'incident', 'getMany', 'webhook', 3);
    recordProviderCall('pm-a', 'incident', 'getMany', 'request', 1);
    expect(await value('opsorch_provider_calls_total', labels)).toBe(2);
    expect(await value('opsorch_provider_calls_total', { ...labels, cause: 'request' })).toBe(1);
    const text = await providerMetricsRegistry.getSingleMetricAsString('opsorch_provider_batch_size');
    expect(text).toContain(
      'opsorch_provider_batch_size_sum{provider="pm-a",capability="incident",operation="getMany",cause="webhook"} 10',
    );
    expect(text).toContain(
      'opsorch_provider_batch_size_bucket{le="5",provider="pm-a",capability="incident",operation="getMany",cause="webhook"} 1',
    );
  });

  it('counts shared reads by item and refused calls by reason', async () => {
    recordSharedReads('pm-b', 'team', 'members', 4);
    recordSharedReads('pm-b', 'team', 'members', 2);
    recordRejectedCall('pm-b', 'queue_full');
    expect(
      await value('opsorch_provider_reads_shared_total', {
        provider: 'pm-b',
        capability: 'team',
        operation: 'members',
      }),
    ).toBe(6);
    expect(await value('opsorch_provider_calls_rejected_total', { provider: 'pm-b', reason: 'queue_full' })).toBe(1);
    expect(
      await value('opsorch_provider_calls_rejected_total', { provider: 'pm-b', reason: 'circuit_open' }),
    ).toBeUndefined();
  });

  it('reads breakers and queues of every watched floor at scrape time', async () => {
    let loads: ProviderLoad[] = [{ provider: 'pm-c', circuit: 'CLOSED', active: 2, queued: 0 }];
    const resilience = { load: () => loads };
    watchResilience(resilience);
    expect(await value('opsorch_provider_circuit_state', { provider: 'pm-c', state: 'closed' })).toBe(1);
    expect(await value('opsorch_provider_circuit_state', { provider: 'pm-c', state: 'open' })).toBe(0);
    expect(await value('opsorch_provider_calls_in_flight', { provider: 'pm-c' })).toBe(2);
    loads = [{ provider: 'pm-c', circuit: 'HALF_OPEN', active: 1, queued: 5 }];
    expect(await value('opsorch_provider_circuit_state', { provider: 'pm-c', state: 'half_open' })).toBe(1);
    expect(await value('opsorch_provider_circuit_state', { provider: 'pm-c', state: 'closed' })).toBe(0);
    expect(await value('opsorch_provider_calls_queued', { provider: 'pm-c' })).toBe(5);
  });

  it('counts cache lookups by result, the age of what it served, evictions, and entries while a cache is tracked', async () => {
    const key = { provider: 'pm-d', capability: 'service', operation: 'query' } as const;
    recordCacheLookup(key, 'miss', 0);
    recordCacheLookup(key, 'hit', 2_000);
    recordCacheLookup(key, 'stale', 40_000);
    recordCacheEviction(key);
    expect(await value('opsorch_read_cache_lookups_total', { ...key, result: 'hit' })).toBe(1);
    expect(await value('opsorch_read_cache_lookups_total', { ...key, result: 'miss' })).toBe(1);
    expect(await value('opsorch_read_cache_evictions_total', key)).toBe(1);
    const age = await providerMetricsRegistry.getSingleMetricAsString('opsorch_read_cache_age_seconds');
    expect(age).toContain(
      'opsorch_read_cache_age_seconds_sum{provider="pm-d",capability="service",operation="query"} 42',
    );
    expect(age).toContain(
      'opsorch_read_cache_age_seconds_count{provider="pm-d",capability="service",operation="query"} 2',
    );

    const before = (await value('opsorch_read_cache_entries')) ?? 0;
    const untrack = trackCacheSize(() => 17);
    expect(await value('opsorch_read_cache_entries')).toBe(before + 17);
    untrack();
    expect(await value('opsorch_read_cache_entries')).toBe(before);
  });
});
