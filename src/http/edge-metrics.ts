/**
 * What the HTTP edge's bounds count: requests in flight, the clients they come from, and those shed
 * past `OPSORCH_MAX_REQUESTS_IN_FLIGHT` or `OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT`, connections
 * open and those dropped past `OPSORCH_MAX_CONNECTIONS`. Process-wide, as every registry here: several gateways in one process
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
  help: 'HTTP requests refused at once: 503 because OPSORCH_MAX_REQUESTS_IN_FLIGHT were in flight (bound="gateway"), 429 because OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT of its client were (bound="client").',
  labelNames: ['bound'],
  registers: [edgeMetricsRegistry],
});

// A count, never a label per client: a label per address would grow without end.
const clientsInFlight = new Gauge({
  name: 'opsorch_http_clients_in_flight',
  help: 'Clients (addresses, or users a trusted proxy names) with HTTP requests in flight now, counted against OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT each.',
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

export function recordRequestShed(bound: 'gateway' | 'client'): void {
  requestsShed.inc({ bound });
}

export function recordClientStarted(): void {
  clientsInFlight.inc();
}

export function recordClientEnded(): void {
  clientsInFlight.dec();
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
