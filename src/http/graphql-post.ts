/**
 * POST /graphql, the request every console makes, served without Express. Express 5 gives each
 * request's `req` and `res` the application's own prototypes (`Object.setPrototypeOf` per
 * request), after which reads and writes on them miss V8's inline caches everywhere they are
 * touched: Node's HTTP code, the body parser, Apollo's integration. The steps are the Express
 * chain's (server.ts), in its order and with its answers: request ID, CORS, identity, JSON content
 * type, the body parser with its limit (a body already arrived whole is taken as it is, see
 * `arrived-body.ts`), one request object, document admission, then Apollo Server's documented
 * `executeHTTPGraphQLRequest` (with an empty accept header when it is known to answer the client's
 * as it answers none: `PlainJsonAccepts`, `NO_ACCEPT`). Every other request (other methods and
 * paths, Server-Sent Events) goes to Express.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import express from 'express';
import type { AuditLog } from '../auth/audit.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import type { GatewayContext } from '../graphql/context.js';
import type { DocumentCache } from '../graphql/document-cache.js';
import type { Logger } from '../logger.js';
import { isPlainJson, takeArrivedJson } from './arrived-body.js';
import { presentedBy, refuseUnauthenticated } from './authenticate.js';
import { refuseTooLarge } from './body-limit.js';
import { setCorsHeaders } from './cors.js';
import { refuseDocument } from './document-admission.js';
import { refuseNotJson, refuseNotRequestObject, sendEdgeError } from './json-errors.js';
import { PlainJsonAccepts } from './plain-json-accepts.js';
import { requestIdOf } from './request-id.js';

export interface GraphqlPostOptions {
  apollo: ApolloServer<GatewayContext>;
  authenticator: Authenticator;
  audit: AuditLog;
  corsOrigin: string | undefined;
  /** The same parser (and limit) the Express chain uses. */
  parseBody: express.RequestHandler;
  maxBodyBytes: number;
  documents: DocumentCache;
  context(requestId: string, principal: Principal, res: ServerResponse): GatewayContext;
  logger: Logger;
}

/** Whether this path serves the request; Express serves the rest. */
export function isGraphqlPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.headers.accept === 'text/event-stream') return false;
  const url = req.url ?? '';
  return url === '/graphql' || url.startsWith('/graphql?');
}

type Body = Record<string, unknown>;

/**
 * What Apollo is handed for a request it answers as one without an accept header. Every decision
 * Apollo makes on the header treats an empty one as absent (`!acceptHeader`), but on every
 * execution it also asks `negotiator` which incremental-delivery format the client prefers, and
 * negotiator reads an absent header as "any type", parsed and matched against two media types each
 * time (about 15k instructions a request), where an empty one accepts nothing and is answered at
 * once (1.5k). Either way the answer is "not the legacy format", which only `@defer` would use.
 */
const NO_ACCEPT = '';

export function graphqlPost(options: GraphqlPostOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { apollo, authenticator, audit, corsOrigin, documents, logger } = options;
  const accepts = new PlainJsonAccepts();
  /** Express's `req.is`: type-is's check of the content type, and that there is a body at all. */
  const isJson = (req: IncomingMessage) => express.request.is.call(req as express.Request, 'application/json');

  const readBody = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<Body | undefined>((resolve, reject) => {
      options.parseBody(req as express.Request, res as express.Response, (err?: unknown) => {
        if (err === undefined) resolve((req as { body?: Body }).body);
        else reject(err);
      });
    });

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    setCorsHeaders(res, corsOrigin);
    const outcome = await authenticator.authenticate(presentedBy(req));
    if (!('principal' in outcome)) {
      refuseUnauthenticated(res, audit, { requestId, operation: 'POST /graphql', error: outcome.error });
      return;
    }
    const plainJson = isPlainJson(req);
    if (!plainJson && !isJson(req)) {
      refuseNotJson(res);
      return;
    }
    let body: unknown;
    try {
      const arrived = plainJson ? takeArrivedJson(req, options.maxBodyBytes) : undefined;
      body = arrived === undefined ? await readBody(req, res) : arrived.body;
    } catch (err) {
      if (!refuseTooLarge(res, err, options.maxBodyBytes)) sendEdgeError(res, err, logger);
      return;
    }
    if (refuseNotRequestObject(res, body)) return;
    if (refuseDocument(res, documents, (body as Body).query)) return;
    const headers = new HeaderMap();
    const { accept } = req.headers;
    const plain = accepts.has(accept);
    for (const [key, value] of Object.entries(req.headers)) {
      if (value === undefined || (plain && key === 'accept')) continue;
      headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    if (plain || accept === undefined) headers.set('accept', NO_ACCEPT);
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: query === -1 ? '' : url.slice(query), body },
      context: async () => options.context(requestId, outcome.principal, res),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (!plain) accepts.learn(accept, res.statusCode, response.headers.get('content-type'));
    if (response.body.kind === 'complete') {
      // Node sets `content-length` itself for a body written whole by `end`, from the length it
      // computes for the write anyway; computed here too, it cost a second pass over the answer.
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return (req, res) => {
    serve(req, res).catch((err: unknown) => sendEdgeError(res, err, logger));
  };
}
