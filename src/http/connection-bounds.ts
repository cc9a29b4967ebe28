/**
 * Bounds on the connections themselves, below any route: how many may be open at once
 * (`OPSORCH_MAX_CONNECTIONS`, kept-alive HTTP and WebSockets alike; Node closes a connection past it
 * on arrival, unanswered), and how long a client may take to send a request
 * (`OPSORCH_HTTP_HEADERS_TIMEOUT_MS` for its headers, `OPSORCH_HTTP_RECEIVE_TIMEOUT_MS` for the
 * whole of it; Node answers 408 and closes the connection), so a client trickling its headers or
 * body holds a connection for seconds, not forever. Sending the answer is not bounded here: long
 * answers and SSE streams are the request's own business (its deadline, `sse-stalls.ts`).
 */
import type { ServerOptions } from 'node:http';
import type { Server } from 'node:net';
import type { Limits } from '../limits.js';
import { recordConnectionClosed, recordConnectionDropped, recordConnectionOpened } from './edge-metrics.js';

/** Node's default: how often it looks for requests past their time-outs. */
const NODE_CHECKING_INTERVAL_MS = 30_000;

/** For `createServer`: Node reads these when the server is made, not later. */
export function receiveTimeouts(
  limits: Pick<Limits, 'httpHeadersTimeoutMs' | 'httpReceiveTimeoutMs'>,
): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'> {
  // The headers are part of the request: a shorter receive time-out bounds them too (and Node
  // refuses a headers time-out longer than the request's).
  const headersTimeout = Math.min(limits.httpHeadersTimeoutMs, limits.httpReceiveTimeoutMs);
  return {
    headersTimeout,
    requestTimeout: limits.httpReceiveTimeoutMs,
    // Node checks only this often, so a time-out is enforced up to one interval late: at a quarter
    // of it, a slow client is cut within 1.25 times its time-out rather than 30 s after it.
    connectionsCheckingInterval: Math.min(NODE_CHECKING_INTERVAL_MS, Math.max(1, Math.ceil(headersTimeout / 4))),
  };
}

export function boundConnections(server: Server, maxConnections: number): void {
  server.maxConnections = maxConnections;
  server.on('drop', recordConnectionDropped);
  server.on('connection', (socket) => {
    recordConnectionOpened();
    socket.on('close', recordConnectionClosed);
  });
}
