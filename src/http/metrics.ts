/**
 * Prometheus metrics: GraphQL requests by operation, and every provider call the loaders make, with
 * its batch size. The registry is process-wide because Prometheus scrapes a process; several
 * gateways in one process (tests) add up, so readers compare before and after, never absolutes.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Request, Response } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

/** Operation names come from clients: past this many, new names share one label value. */
const MAX_OPERATION_NAMES = 200;
const knownOperations = new Set<string>();

const requests = new Counter({
  name: 'opsorch_graphql_requests_total',
  help: 'GraphQL operations served, by operation name, type and outcome.',
  labelNames: ['operation', 'type', 'outcome'] as const,
  registers: [metricsRegistry],
});

const requestDuration = new Histogram({
  name: 'opsorch_graphql_request_duration_seconds',
  help: 'Time from receiving a GraphQL operation to sending its response.',
  labelNames: ['operation', 'type'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const providerCalls = new Counter({
  name: 'opsorch_provider_calls_total',
  help: 'Calls made to provider adapters for reads, by provider, capability and adapter operation.',
  labelNames: ['provider', 'capability', 'operation'] as const,
  registers: [metricsRegistry],
});

const providerBatchSize = new Histogram({
  name: 'opsorch_provider_batch_size',
  help: 'Items (IDs or queries) per provider read call.',
  labelNames: ['provider', 'capability', 'operation'] as const,
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  registers: [metricsRegistry],
});

const sharedReads = new Counter({
  name: 'opsorch_provider_reads_shared_total',
  help: 'Reads answered by an identical provider call already in flight for another request.',
  labelNames: ['provider', 'capability', 'operation'] as const,
  registers: [metricsRegistry],
});

export function recordProviderCall(provider: string, capability: string, operation: string, items: number): void {
  const labels = { provider, capability, operation };
  providerCalls.inc(labels);
  providerBatchSize.observe(labels, items);
}

export function recordSharedReads(provider: string, capability: string, operation: string, items: number): void {
  sharedReads.inc({ provider, capability, operation }, items);
}

function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (knownOperations.has(name)) return name;
  if (knownOperations.size >= MAX_OPERATION_NAMES) return 'other';
  knownOperations.add(name);
  return name;
}

export function metricsPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, errors, response }) {
          const operationType = operation?.operation ?? 'unknown';
          const label = operationLabel(operationName);
          const failed =
            (errors?.length ?? 0) > 0 ||
            (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
          requests.inc({ operation: label, type: operationType, outcome: failed ? 'error' : 'ok' });
          requestDuration.observe({ operation: label, type: operationType }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}

export async function metricsHandler(_req: Request, res: Response): Promise<void> {
  res.setHeader('content-type', metricsRegistry.contentType);
  res.send(await metricsRegistry.metrics());
}
