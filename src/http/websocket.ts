/**
 * graphql-ws on the HTTP server's `/graphql` path: admission at `connection_init`, keep-alive,
 * clean-up of sockets that never initialise or stop answering, and a close with 1001 Going Away
 * when the gateway stops. Documents are parsed and validated once per distinct text, and an event
 * is executed once for all subscribers of the same operation (`src/shared-subscriptions.ts`).
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { ExecutionArgs, GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { type Extra, useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type ContextDeps, createContext } from '../graphql/context.js';
import type { SharedSubscriptions } from '../graphql/shared-subscriptions.js';

type SocketExtra = Extra & { requestId?: string };

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  /** Parse, validation and per-event execution, shared with the SSE transport. */
  shared: SharedSubscriptions;
  deps: ContextDeps;
  /** Ping interval; a socket whose pong does not come back within as long is terminated. 0: off. */
  keepAliveMs: number;
}

export interface SubscriptionServer {
  /** Open WebSocket connections. */
  sockets(): number;
  /** Closes every socket with 1001 and stops accepting new ones. */
  dispose(): Promise<void>;
}

/** Sockets that have not sent `connection_init` by then are closed (4408) instead of lingering. */
const CONNECTION_INIT_TIMEOUT_MS = 10_000;

/**
 * The one place a WebSocket connection is admitted, when its `connection_init` arrives. There is
 * no authentication yet; when HTTP requests get it, the same check goes here, reading credentials
 * from `ctx.connectionParams` (browsers cannot set headers on a WebSocket). Returning false closes
 * the socket with 4403 Forbidden.
 */
function admit(_ctx: Context<Record<string, unknown> | undefined, SocketExtra>): boolean {
  return true;
}

export function serveSubscriptions(httpServer: Server, options: SubscriptionServerOptions): SubscriptionServer {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 1024 * 1024 });
  const { shared } = options;
  const served = serveGraphqlWs<Record<string, unknown> | undefined, { requestId?: string }>(
    {
      schema: options.schema,
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      onConnect: (ctx) => admit(ctx),
      parse: shared.parse,
      validate: shared.validate,
      subscribe: shared.subscribe,
      context: (ctx): ExecutionArgs['contextValue'] => {
        ctx.extra.requestId ??= randomUUID();
        return createContext(options.deps, ctx.extra.requestId);
      },
    },
    wsServer,
    options.keepAliveMs > 0 ? options.keepAliveMs : Number.POSITIVE_INFINITY,
  );
  return {
    sockets: () => wsServer.clients.size,
    dispose: async () => {
      await served.dispose();
    },
  };
}
