/**
 * An execution whose client has gone stops: nothing will read its answer. Provider calls already
 * stop at the data floor (a request that has left calls no provider); this stops the work on data
 * already fetched, which for a large result is most of it. Checked where execution completes a
 * list (`paced-lists.ts`), the points where a large result does its work and yields its turn.
 */
import { Counter, Registry } from 'prom-client';
import type { CallScope } from '../data/calls.js';
import { gatewayError } from './errors.js';

export const executionMetricsRegistry = new Registry();

const aborted = new Counter({
  name: 'opsorch_executions_aborted_total',
  help: 'GraphQL executions stopped before their end, by reason (client_gone: the HTTP request, WebSocket or subscription it answered has gone).',
  labelNames: ['reason'] as const,
  registers: [executionMetricsRegistry],
});

/** Scopes already counted: an execution stops at many lists, and counts once. */
const stopped = new WeakSet<CallScope>();

/** Throws `CANCELLED` once the scope's client has gone; the field and what is below it are not completed. */
export function stopIfAbandoned(scope: CallScope): void {
  if (!scope.signal.aborted) return;
  if (!stopped.has(scope)) {
    stopped.add(scope);
    aborted.inc({ reason: 'client_gone' });
  }
  throw gatewayError('CANCELLED', 'execution stopped: the client has gone');
}
