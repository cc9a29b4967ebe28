/**
 * Load shedding: at most `OPSORCH_MAX_REQUESTS_IN_FLIGHT` HTTP requests are served at once, and at
 * most `OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT` of one client's (`client-key.ts`), so no one
 * client fills the gateway and starves the rest. One more is answered at once, before its body is
 * read or its credential checked, so an overloaded gateway spends nothing on it and queues
 * nothing: 429 past the client's share (the client's own doing: a load balancer must not retry it
 * elsewhere or count it against this instance), else 503 past the gateway's; both with
 * `Retry-After` and the limit's error (JSON-RPC shaped on the MCP route), and told to the log
 * (`refusal-log.ts`). A request counts from its arrival until its response closes (finished or
 * abandoned), an SSE stream for as long as it is open. The probes and `/metrics` are not counted
 * and never refused: orchestrators must see an overloaded gateway as alive, and how loaded it is.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { LIMITS } from '../limits.js';
import type { ClientKey } from './client-key.js';
import { setCorsHeaders } from './cors.js';
import {
  recordClientEnded,
  recordClientStarted,
  recordRequestEnded,
  recordRequestShed,
  recordRequestStarted,
} from './edge-metrics.js';
import { sendJson } from './json-errors.js';
import type { RefusalLog, RefusedBy } from './refusal-log.js';
import { requestIdOf } from './request-id.js';

/** Express routes ignore case and a trailing slash; so does this. */
const EXEMPT = /^\/(?:healthz|readyz|metrics)\/?(?:\?|$)/i;
const MCP = /^\/mcp(?:[/?]|$)/i;

/** Requests in flight end in milliseconds to seconds; a client waiting longer only arrives later. */
const RETRY_AFTER_SECONDS = 1;

export interface RequestsInFlightOptions {
  max: number;
  perClient: number;
  clientOf: ClientKey;
  refusals: RefusalLog;
  corsOrigin: string | undefined;
}

export interface RequestsInFlight {
  /** `serve` behind the bounds. */
  guard(serve: RequestListener): RequestListener;
  /** Requests being served now. */
  count(): number;
}

export function requestsInFlight(options: RequestsInFlightOptions): RequestsInFlight {
  const { max, perClient, clientOf, refusals, corsOrigin } = options;
  let inFlight = 0;
  /**
   * Requests in flight by client, a client only while it has one: each is also one of `inFlight`,
   * which never passes `max`, so neither does the number of clients here.
   */
  const clients = new Map<string, number>();
  const answer = (name: 'maxRequestsInFlight' | 'maxRequestsInFlightPerClient', status: number, whose: string) => {
    const { variable, code } = LIMITS[name];
    const limit = name === 'maxRequestsInFlight' ? max : perClient;
    const message = `requests in flight: the gateway is serving ${whose} limit of ${limit} (${variable}); retry after ${RETRY_AFTER_SECONDS} s`;
    return { status, message, extensions: { code, limit: variable, max: limit, retryAfter: RETRY_AFTER_SECONDS } };
  };
  const answers: Record<RefusedBy, ReturnType<typeof answer>> = {
    gateway: answer('maxRequestsInFlight', 503, 'its'),
    client: answer('maxRequestsInFlightPerClient', 429, "this client's"),
  };

  // One listener for every response, not a closure per request, where no client is counted.
  const ended = () => {
    inFlight--;
    recordRequestEnded();
  };
  const clientEnded = (client: string) => {
    ended();
    const held = (clients.get(client) ?? 1) - 1;
    if (held > 0) {
      clients.set(client, held);
      return;
    }
    clients.delete(client);
    recordClientEnded();
  };
  const refuse = (req: IncomingMessage, res: ServerResponse, by: RefusedBy, client?: string) => {
    recordRequestShed(by);
    refusals.refused(by, client);
    res.setHeader('x-request-id', requestIdOf(req.headers['x-request-id']));
    setCorsHeaders(res, corsOrigin);
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const { status, message, extensions } = answers[by];
    if (MCP.test(req.url ?? '')) {
      sendJson(res, status, { jsonrpc: '2.0', error: { code: -32000, message }, id: null });
      return;
    }
    sendJson(res, status, { errors: [{ message, extensions }] });
  };
  // A share as large as the whole cannot bind: then no client is counted.
  const shared = perClient < max;
  return {
    guard: (serve) => (req, res) => {
      if (EXEMPT.test(req.url ?? '')) {
        serve(req, res);
        return;
      }
      if (!shared) {
        if (inFlight >= max) {
          refuse(req, res, 'gateway');
          return;
        }
        inFlight++;
        recordRequestStarted();
        res.on('close', ended);
        serve(req, res);
        return;
      }
      const client = clientOf(req);
      const held = clients.get(client) ?? 0;
      // The client's share first: a client past it is told so, however many the others hold.
      if (held >= perClient || inFlight >= max) {
        refuse(req, res, held >= perClient ? 'client' : 'gateway', client);
        return;
      }
      inFlight++;
      recordRequestStarted();
      clients.set(client, held + 1);
      if (held === 0) recordClientStarted();
      res.on('close', () => clientEnded(client));
      serve(req, res);
    },
    count: () => inFlight,
  };
}
