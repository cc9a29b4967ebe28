/**
 * What the data floor counts about provider calls. The floor owns these counters because it makes
 * every call; the HTTP edge only exposes the registry (`/metrics`).
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { CallCause } from './calls.js';

export const providerMetricsRegistry = new Registry();

const labelNames = ['provider', 'capability', 'operation', 'cause'] as const;

const providerCalls = new Counter({
  name: 'opsorch_provider_calls_total',
  help: 'Calls made to provider adapters, by provider, capability, adapter operation and what caused them (request, webhook, poller, event).',
  labelNames,
  registers: [providerMetricsRegistry],
});

const providerBatchSize = new Histogram({
  name: 'opsorch_provider_batch_size',
  help: 'Items (IDs or queries) per provider call.',
  labelNames,
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  registers: [providerMetricsRegistry],
});

const sharedReads = new Counter({
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
  const labels = { provider, capability, operation, cause };
  providerCalls.inc(labels);
  providerBatchSize.observe(labels, items);
}

export function recordSharedReads(provider: string, capability: string, operation: string, items: number): void {
  sharedReads.inc({ provider, capability, operation }, items);
}
