/**
 * An execution whose client has gone stops: nothing will read its answer. Provider calls already
 * stop at the data floor (a request that has left calls no provider); this stops the work on data
 * already fetched, which for a large result is most of it. Checked where execution completes a
 * list (`paced-lists.ts`), the points where a large result does its work and yields its turn, and
 * when a shared subscription event's execution ends (`shared-subscriptions.ts`).
 */
import { Counter, Registry } from 'prom-client';
import type { Abortable } from '../../adapters/contract/index.js';
import { gatewayError } from './errors.js';

export const executionMetricsRegistry = new Registry();

const aborted = new Counter({
  name: 'opsorch_executions_aborted_total',
  help: 'GraphQL executions stopped before their end, by reason (client_gone: the HTTP request, WebSocket or subscription it answered has gone).',
  labelNames: ['reason'] as const,
  registers: [executionMetricsRegistry],
});

/** The cancellations of executions already counted: an execution stops at many lists, and counts once. */
const counted = new WeakSet<Abortable>();

/**
 * Whether the client of the execution `signal` belongs to has gone (the signal of its request,
 * WebSocket operation or shared event execution); counted the first time it is seen gone.
 */
export function abandoned(signal: Abortable): boolean {
  if (!signal.aborted) return false;
  if (!counted.has(signal)) {
    counted.add(signal);
    aborted.inc({ reason: 'client_gone' });
  }
  return true;
}

/** Throws `CANCELLED` once the client has gone: the field and what is below it are not completed. */
export function stopIfAbandoned(signal: Abortable): void {
  if (abandoned(signal)) throw gatewayError('CANCELLED', 'execution stopped: the client has gone');
}
