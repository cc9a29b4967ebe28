/**
 * Prometheus metrics: GraphQL requests by operation (counted here), served on `/metrics` with the
 * provider calls the data floor counts. The registries are process-wide because Prometheus scrapes
 * a process; several gateways in one process (tests) add up, so readers compare before and after,
 * never absolutes.
 */
import type { Request, Response } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { providerMetricsRegistry } from '../data/provider-metrics.js';
import { talliedCounter, talliedHistogram } from '../data/tallies.js';
import { executionMetricsRegistry } from '../graphql/abandoned-executions.js';
import type { ResponseStep } from '../graphql/apollo/request-steps.js';
import { loggerMetricsRegistry } from '../logger.js';
import { edgeMetricsRegistry } from './edge-metrics.js';

const httpRegistry = new Registry();
collectDefaultMetrics({ register: httpRegistry });

/** Operation names come from clients: past this many, new names share one label value. */
export const MAX_OPERATION_NAMES = 200;
const knownOperations = new Set<string>();

const requests = talliedCounter({
  name: 'opsorch_graphql_requests_total',
  help: 'GraphQL operations served, by operation name, type and outcome.',
  labelNames: ['operation', 'type', 'outcome'] as const,
  registers: [httpRegistry],
});

const requestDuration = talliedHistogram({
  name: 'opsorch_graphql_request_duration_seconds',
  help: 'Time from receiving a GraphQL operation to sending its response.',
  labelNames: ['operation', 'type'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [httpRegistry],
});

function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (knownOperations.has(name)) return name;
  if (knownOperations.size >= MAX_OPERATION_NAMES) return 'other';
  knownOperations.add(name);
  return name;
}

/** Counts a GraphQL operation and how long it took, as Apollo sends its response. */
export const recordGraphqlRequest: ResponseStep = ({ operationName, operation, errors, response }, startedMs) => {
  const operationType = operation?.operation ?? 'unknown';
  const label = operationLabel(operationName);
  const failed =
    (errors?.length ?? 0) > 0 ||
    (response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0);
  requests.inc([label, operationType, failed ? 'error' : 'ok']);
  requestDuration.observe([label, operationType], (performance.now() - startedMs) / 1000);
};

/** Merged after every metric above is registered: a merge copies the metrics registered so far. */
const metricsRegistry = Registry.merge([
  httpRegistry,
  edgeMetricsRegistry,
  providerMetricsRegistry,
  executionMetricsRegistry,
  loggerMetricsRegistry,
]);

export async function metricsHandler(_req: Request, res: Response): Promise<void> {
  res.setHeader('content-type', metricsRegistry.contentType);
  res.send(await metricsRegistry.metrics());
}
