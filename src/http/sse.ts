/**
 * GraphQL over Server-Sent Events (graphql-sse, distinct connections mode) on the `/graphql` path,
 * for consoles behind proxies that drop WebSockets. A request asking for `text/event-stream` is
 * served here; every other request goes on to Apollo Server. Each operation gets the context an
 * HTTP request gets (same function, so the same identity and deadline) and subscriptions run
 * through the same document cache, limits and shared execution as graphql-ws, so `since` replay and
 * de-duplication behave exactly alike.
 */
import type { ServerResponse } from 'node:http';
import type express from 'express';
import {
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
} from 'graphql';
import { createHandler } from 'graphql-sse/lib/use/express';
import { type ErrorFormatter, formatResult } from '../graphql/apollo/error-masking.js';
import type { GatewayContext } from '../graphql/context.js';
import type { DocumentCache } from '../graphql/document-cache.js';
import { admitOperation, type OperationLimits } from '../graphql/limits/operation-limits.js';
import type { SharedSubscriptions } from '../graphql/shared-subscriptions.js';
import { deliverSse } from './sse-delivery.js';
import { closeStalled } from './sse-stalls.js';

export interface SseServerOptions {
  schema: GraphQLSchema;
  /** The document cache and operation limits HTTP and WebSocket use too. */
  documents: DocumentCache;
  limits: OperationLimits;
  shared: SharedSubscriptions;
  /** The context an HTTP request gets; SSE requests are HTTP requests. */
  context(req: express.Request, res: express.Response): Promise<GatewayContext> | GatewayContext;
  /** Apollo's `formatError`, so an error reads the same over SSE as over HTTP. */
  formatError: ErrorFormatter;
  /**
   * A stream with bytes waiting that its client takes none of for as long is closed
   * (`sse-stalls.ts`); 0: never.
   */
  stallMs: number;
}

export interface SseServer {
  /** Routes `text/event-stream` requests on the GraphQL path; passes anything else on. */
  middleware: express.RequestHandler;
  /** Open event streams. */
  streams(): number;
  /** Ends every open stream; its subscriptions end with it. */
  dispose(): void;
}

export function serveSse(options: SseServerOptions): SseServer {
  const open = new Set<ServerResponse>();
  const handler = createHandler({
    // Distinct connections only: every operation is its own request and stream, so no server-side
    // stream registry (and no token a client could guess) exists.
    authenticate: () => null,
    onSubscribe: async (req, params) => {
      const admitted = admitOperation(options.documents, options.schema, params, options.limits);
      if ('errors' in admitted) return { data: null, errors: [...admitted.errors] };
      const { document } = admitted.args;
      const contextValue = await options.context(req.raw, req.context.res);
      const args: ExecutionArgs = { ...admitted.args, contextValue };
      const operation = getOperationAST(document, params.operationName)?.operation;
      if (operation === 'mutation' && req.method === 'GET') {
        const refused = new GraphQLError('Mutations are not accepted over GET', {
          extensions: { code: 'BAD_REQUEST' },
        });
        return { data: null, errors: [refused] };
      }
      if (operation !== 'subscription') return execute(args);
      const source = await options.shared.source(args);
      // A subscription refused before it starts answers `{ errors }` alone; graphql-sse only
      // recognises a result that has `data`.
      return 'events' in source ? deliverSse(source, req.context.res) : { data: null, ...source };
    },
    // Every result passes here, including what onSubscribe answered itself; a subscription's events
    // do not: its delivery writes them itself, each already formatted by the shared execution.
    onNext: (_ctx, _req, result) => formatResult(options.formatError, result as ExecutionResult) as typeof result,
  });

  const middleware: express.RequestHandler = (req, res, next) => {
    if (req.headers.accept !== 'text/event-stream') {
      next();
      return;
    }
    open.add(res);
    res.once('close', () => open.delete(res));
    handler(req, res).catch((err: unknown) => {
      if (!res.headersSent) next(err);
      else res.end();
    });
  };

  const stopChecking = options.stallMs > 0 ? closeStalled(open, options.stallMs) : () => undefined;

  return {
    middleware,
    streams: () => open.size,
    dispose: () => {
      stopChecking();
      for (const res of open) res.end();
    },
  };
}
