/**
 * graphql-ws on the HTTP server's `/graphql` path: admission (origin on upgrade, credentials at
 * `connection_init`, see `ws-admission.ts`), keep-alive,
 * clean-up of sockets that never initialise or stop answering, and a close with 1001 Going Away
 * when the gateway stops. Documents come from the cache HTTP uses too (`document-cache.ts`) and
 * pass the same operation limits; an event is executed and serialized once for all subscribers of
 * the same operation (`shared-subscriptions.ts`) and written to each socket as it is
 * (`ws-delivery.ts`). Every subscription's provider calls (a `since` replay)
 * stop when it completes or its socket closes.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { type Extra, useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../auth/principal.js';
import { type ErrorFormatter, formatGraphQLError, formatResult } from '../graphql/apollo/error-masking.js';
import { type ContextDeps, createSubscriptionContext, endContext, type GatewayContext } from '../graphql/context.js';
import type { DocumentCache } from '../graphql/document-cache.js';
import { limitExceeded } from '../graphql/limits/limit-error.js';
import { admitOperation, type OperationLimits } from '../graphql/limits/operation-limits.js';
import type { SharedSubscriptions } from '../graphql/shared-subscriptions.js';
import type { Limits } from '../limits.js';
import type { ClientKey } from './client-key.js';
import type { WsAdmission } from './ws-admission.js';
import { deliverDirect } from './ws-delivery.js';
import { keepAlive } from './ws-keep-alive.js';

type SocketState = {
  requestId?: string;
  /** Who the socket belongs to, set when `connection_init` is admitted. */
  principal?: Principal;
  /** One per subscription, ended when it completes or the socket closes. */
  contexts?: Map<string, GatewayContext>;
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
  admission: WsAdmission;
  /** Whose sockets count together against `wsMaxSocketsPerClient` (`client-key.ts`). */
  clientOf: ClientKey;
  /** Apollo's `formatError`, so an error reads the same over WebSocket as over HTTP. */
  formatError: ErrorFormatter;
}

export interface SubscriptionServer {
  /** Open WebSocket connections. */
  sockets(): number;
  /** Closes every socket with 1001 and stops accepting new ones. */
  dispose(): Promise<void>;
}

/** Sockets that have not sent `connection_init` by then are closed (4408) instead of lingering. */
const CONNECTION_INIT_TIMEOUT_MS = 10_000;

/** The one place a WebSocket connection is admitted, when its `connection_init` arrives. */
async function admit(
  admission: WsAdmission,
  ctx: Context<Record<string, unknown> | undefined, SocketExtra>,
): Promise<boolean> {
  const principal = await admission.admit(ctx.extra.socket, ctx.extra.request, ctx.connectionParams);
  if (!principal) return false;
  ctx.extra.principal = principal;
  // The upgrade request (headers and all) is not needed past admission; the socket may live for days.
  (ctx.extra as { request?: IncomingMessage }).request = undefined;
  return true;
}

/** A subscription that ended (completed or failed) stops the provider calls it started. */
function settle(state: SocketState, id: string): void {
  const context = state.contexts?.get(id);
  if (!context) return;
  endContext(context);
  state.contexts?.delete(id);
}

export function serveSubscriptions(httpServer: Server, options: SubscriptionServerOptions): SubscriptionServer {
  const { limits, documents, schema } = options;
  const perClient = new Map<string, number>();
  const wsServer = new WebSocketServer({
    // Upgrades handed over below rather than `server: httpServer`, with which ws re-emits every
    // error of the HTTP server as its own, and graphql-ws takes the first for an internal error:
    // it prints it with a stack and closes every socket (a port in use said so before our message).
    noServer: true,
    path: '/graphql',
    maxPayload: limits.wsMaxMessageBytes,
    // Refused at the upgrade, before a socket exists.
    verifyClient: (info, done) => {
      const client = options.clientOf(info.req);
      const open = perClient.get(client) ?? 0;
      if (open >= limits.wsMaxSocketsPerClient) {
        const refused = limitExceeded('wsMaxSocketsPerClient', open + 1, limits.wsMaxSocketsPerClient);
        done(false, 429, refused.message);
        return;
      }
      // Counted from here, not from the connection: admission may wait (a JWT's key fetch), and
      // upgrades counted only once admitted would all pass this check meanwhile. The TCP socket
      // closes whatever becomes of the upgrade (refused, failed, or a WebSocket that ends).
      perClient.set(client, open + 1);
      info.req.socket.once('close', () => {
        const left = (perClient.get(client) ?? 1) - 1;
        if (left > 0) perClient.set(client, left);
        else perClient.delete(client);
      });
      options.admission.verifyClient(info, done);
    },
  });

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  httpServer.on('upgrade', upgrade);

  const { shared } = options;
  /** Where each admitted subscription's messages go, from `onSubscribe` to `subscribe`. */
  const targets = new WeakMap<ExecutionArgs, { socket: WebSocket; id: string }>();
  const subscribe = async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const target = targets.get(args);
    // onSubscribe admitted every operation graphql-ws subscribes.
    if (!target) throw new Error('a subscription reached execution without passing onSubscribe');
    // Needed only to get here: the arguments live as long as the subscription.
    targets.delete(args);
    const source = await shared.source(args);
    return 'events' in source ? deliverDirect(source, target.socket, target.id) : source;
  };
  const served = serveGraphqlWs<Record<string, unknown> | undefined, SocketState>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      onConnect: (ctx) => admit(options.admission, ctx),
      onSubscribe: (ctx, id, payload) => {
        // graphql-ws has already registered this subscription, so it counts itself.
        const active = Object.keys(ctx.subscriptions).length;
        if (active > limits.wsMaxSubscriptions) {
          return [limitExceeded('wsMaxSubscriptions', active, limits.wsMaxSubscriptions)];
        }
        const admitted = admitOperation(documents, schema, payload, limits);
        if ('errors' in admitted) return [...admitted.errors];
        const { document, variableValues, operationName } = admitted.args;
        ctx.extra.requestId ??= randomUUID();
        // onConnect set the principal: graphql-ws accepts no subscribe before it returned true.
        const principal = ctx.extra.principal as Principal;
        const contextValue = createSubscriptionContext(options.deps, ctx.extra.requestId, principal);
        ctx.extra.contexts ??= new Map();
        ctx.extra.contexts.set(id, contextValue);
        // Every field written here at once, so all subscriptions' arguments share one shape.
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues,
          operationName,
          contextValue,
          rootValue: undefined,
        };
        targets.set(args, { socket: ctx.extra.socket, id });
        return args;
      },
      // Queries and mutations over the socket; subscription events bypass it (`ws-delivery.ts`).
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(options.formatError, result),
      onComplete: (ctx, id) => settle(ctx.extra, id),
      onError: (ctx, id, _payload, errors) => {
        settle(ctx.extra, id);
        return errors.map((error) => formatGraphQLError(options.formatError, error));
      },
      onClose: (ctx) => {
        for (const context of ctx.extra.contexts?.values() ?? []) endContext(context);
        ctx.extra.contexts?.clear();
      },
      subscribe,
    },
    wsServer,
    // One sweep for all sockets (`ws-keep-alive.ts`) instead of graphql-ws's timers per socket.
    Number.POSITIVE_INFINITY,
  );
  const stopKeepAlive = options.keepAliveMs > 0 ? keepAlive(wsServer, options.keepAliveMs) : () => undefined;
  return {
    sockets: () => wsServer.clients.size,
    dispose: async () => {
      httpServer.off('upgrade', upgrade);
      stopKeepAlive();
      options.admission.dispose();
      await served.dispose();
    },
  };
}
