/**
 * What the HTTP edge's bounds count: requests in flight and those shed past
 * `OPSORCH_MAX_REQUESTS_IN_FLIGHT`, connections open and those dropped past
 * `OPSORCH_MAX_CONNECTIONS`. Process-wide, as every registry here: several gateways in one process
 * (tests) add up.
 */
import { Counter, Gauge, Registry } from 'prom-client';

export const edgeMetricsRegistry = new Registry();

const requestsInFlight = new Gauge({
  name: 'opsorch_http_requests_in_flight',
  help: 'HTTP requests being served now, counted against OPSORCH_MAX_REQUESTS_IN_FLIGHT (the probes and /metrics are not).',
  registers: [edgeMetricsRegistry],
});

const requestsShed = new Counter({
  name: 'opsorch_http_requests_shed_total',
  help: 'HTTP requests answered 503 at once because OPSORCH_MAX_REQUESTS_IN_FLIGHT were in flight.',
  registers: [edgeMetricsRegistry],
});

const connectionsOpen = new Gauge({
  name: 'opsorch_http_connections_open',
  help: 'TCP connections open now, kept-alive HTTP and WebSockets, counted against OPSORCH_MAX_CONNECTIONS.',
  registers: [edgeMetricsRegistry],
});

const connectionsDropped = new Counter({
  name: 'opsorch_http_connections_dropped_total',
  help: 'Connections closed unanswered on arrival because OPSORCH_MAX_CONNECTIONS were open.',
  registers: [edgeMetricsRegistry],
});

export function recordRequestStarted(): void {
  requestsInFlight.inc();
}

export function recordRequestEnded(): void {
  requestsInFlight.dec();
}

export function recordRequestShed(): void {
  requestsShed.inc();
}

export function recordConnectionOpened(): void {
  connectionsOpen.inc();
}

export function recordConnectionClosed(): void {
  connectionsOpen.dec();
}

export function recordConnectionDropped(): void {
  connectionsDropped.inc();
}
