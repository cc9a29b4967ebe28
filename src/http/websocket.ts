/**
 * graphql-ws on the HTTP server's `/graphql` path: admission at `connection_init`, keep-alive,
 * clean-up of sockets that never initialise or stop answering, and a close with 1001 Going Away
 * when the gateway stops. Documents come from the cache HTTP uses too (`document-cache.ts`) and
 * pass the same operation limits; an event is executed once for all subscribers of the same
 * operation (`shared-subscriptions.ts`). Every subscription's provider calls (a `since` replay)
 * stop when it completes or its socket closes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { ExecutionArgs, GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { type Extra, useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type ContextDeps, createContext } from '../graphql/context.js';
import type { DocumentCache } from '../graphql/document-cache.js';
import { limitExceeded } from '../graphql/limits/limit-error.js';
import { admitOperation, type OperationLimits } from '../graphql/limits/operation-limits.js';
import type { SharedSubscriptions } from '../graphql/shared-subscriptions.js';
import type { Limits } from '../limits.js';

type SocketState = {
  requestId?: string;
  /** One per subscription, aborted when it completes or the socket closes. */
  aborts?: Map<string, AbortController>;
};
type SocketExtra = Extra & SocketState;

export type WebSocketLimits = OperationLimits &
  Pick<Limits, 'wsMaxSubscriptions' | 'wsMaxSocketsPerClient' | 'wsMaxMessageBytes'>;

export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  documents: DocumentCache;
  /** Per-event execution, shared with the SSE transport. */
  shared: SharedSubscriptions;
  deps: ContextDeps;
  limits: WebSocketLimits;
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

/** Whose sockets are counted together: the client address until sockets carry an identity. */
function clientOf(request: IncomingMessage): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/** A subscription that ended (completed or failed) stops the provider calls it started. */
function settle(state: SocketState, id: string): void {
  state.aborts?.get(id)?.abort();
  state.aborts?.delete(id);
}

export function serveSubscriptions(httpServer: Server, options: SubscriptionServerOptions): SubscriptionServer {
  const { limits, documents, schema } = options;
  const perClient = new Map<string, number>();
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: limits.wsMaxMessageBytes,
    // Refused at the upgrade, before a socket exists.
    verifyClient: ({ req }, done) => {
      const open = perClient.get(clientOf(req)) ?? 0;
      if (open < limits.wsMaxSocketsPerClient) {
        done(true);
        return;
      }
      const refused = limitExceeded('wsMaxSocketsPerClient', open + 1, limits.wsMaxSocketsPerClient);
      done(false, 429, refused.message);
    },
  });
  wsServer.on('connection', (socket, request) => {
    const client = clientOf(request);
    perClient.set(client, (perClient.get(client) ?? 0) + 1);
    socket.once('close', () => {
      const left = (perClient.get(client) ?? 1) - 1;
      if (left > 0) perClient.set(client, left);
      else perClient.delete(client);
    });
  });

  const { shared } = options;
  const served = serveGraphqlWs<Record<string, unknown> | undefined, SocketState>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      onConnect: (ctx) => admit(ctx),
      onSubscribe: (ctx, id, payload) => {
        // graphql-ws has already registered this subscription, so it counts itself.
        const active = Object.keys(ctx.subscriptions).length;
        if (active > limits.wsMaxSubscriptions) {
          return [limitExceeded('wsMaxSubscriptions', active, limits.wsMaxSubscriptions)];
        }
        const admitted = admitOperation(documents, schema, payload, limits);
        if ('errors' in admitted) return [...admitted.errors];
        const args: ExecutionArgs = { ...admitted.args };
        const controller = new AbortController();
        ctx.extra.aborts ??= new Map();
        ctx.extra.aborts.set(id, controller);
        ctx.extra.requestId ??= randomUUID();
        args.contextValue = createContext(options.deps, ctx.extra.requestId, controller.signal);
        return args;
      },
      onComplete: (ctx, id) => settle(ctx.extra, id),
      onError: (ctx, id) => {
        settle(ctx.extra, id);
      },
      onClose: (ctx) => {
        for (const controller of ctx.extra.aborts?.values() ?? []) controller.abort();
        ctx.extra.aborts?.clear();
      },
      subscribe: shared.subscribe,
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
