/**
 * Load shedding: at most `OPSORCH_MAX_REQUESTS_IN_FLIGHT` HTTP requests are served at once; one
 * more is answered at once with 503, `Retry-After` and the limit's error (JSON-RPC shaped on the
 * MCP route), before its body is read or its credential checked, so an overloaded gateway spends
 * nothing on it and queues nothing. A request counts from its arrival until its response closes
 * (finished or abandoned), an SSE stream for as long as it is open. The probes and `/metrics` are
 * not counted and never refused: orchestrators must see an overloaded gateway as alive, and how
 * loaded it is.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { LIMITS } from '../limits.js';
import { setCorsHeaders } from './cors.js';
import { recordRequestEnded, recordRequestShed, recordRequestStarted } from './edge-metrics.js';
import { sendJson } from './json-errors.js';
import { requestIdOf } from './request-id.js';

/** Express routes ignore case and a trailing slash; so does this. */
const EXEMPT = /^\/(?:healthz|readyz|metrics)\/?(?:\?|$)/i;
const MCP = /^\/mcp(?:[/?]|$)/i;

/** Requests in flight end in milliseconds to seconds; a client waiting longer only arrives later. */
const RETRY_AFTER_SECONDS = 1;

export interface RequestsInFlight {
  /** `serve` behind the bound. */
  guard(serve: RequestListener): RequestListener;
  /** Requests being served now. */
  count(): number;
}

export function requestsInFlight(max: number, corsOrigin: string | undefined): RequestsInFlight {
  let inFlight = 0;
  // One listener for every response, not a closure per request.
  const ended = () => {
    inFlight--;
    recordRequestEnded();
  };
  const refuse = (req: IncomingMessage, res: ServerResponse) => {
    recordRequestShed();
    res.setHeader('x-request-id', requestIdOf(req.headers['x-request-id']));
    setCorsHeaders(res, corsOrigin);
    res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const { variable, code } = LIMITS.maxRequestsInFlight;
    const message = `requests in flight: the gateway is serving its limit of ${max} (${variable}); retry after ${RETRY_AFTER_SECONDS} s`;
    if (MCP.test(req.url ?? '')) {
      sendJson(res, 503, { jsonrpc: '2.0', error: { code: -32000, message }, id: null });
      return;
    }
    sendJson(res, 503, {
      errors: [{ message, extensions: { code, limit: variable, max, retryAfter: RETRY_AFTER_SECONDS } }],
    });
  };
  return {
    guard: (serve) => (req, res) => {
      if (EXEMPT.test(req.url ?? '')) {
        serve(req, res);
        return;
      }
      if (inFlight >= max) {
        refuse(req, res);
        return;
      }
      inFlight++;
      recordRequestStarted();
      res.on('close', ended);
      serve(req, res);
    },
    count: () => inFlight,
  };
}
