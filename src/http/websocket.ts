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
import type { Context, SubscribePayload } from 'graphql-ws';
import { type Extra, useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
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

/** A subscription admitted on a socket, until it ends. */
interface Admitted {
  context: GatewayContext;
  /** Its events' delivery, once it has started. */
  delivery?: AsyncIterableIterator<ExecutionResult>;
}

type SocketState = {
  requestId?: string;
  /** Who the socket belongs to, set when `connection_init` is admitted. */
  principal?: Principal;
  /**
   * Every subscription admitted and not ended, counted against `wsMaxSubscriptions` and ended when
   * the socket closes. Keyed by its `subscribe` message's payload, not by its ID: graphql-ws forgets
   * a subscription the client completes while it starts, and one subscribed again with the same ID
   * meanwhile then runs beside it, where graphql-ws neither counts nor ends the first.
   */
  admitted?: Map<SubscribePayload, Admitted>;
};
type SocketExtra = Extra & SocketState;

export type WebSocketLimits = OperationLimits &
  Pick<Limits, 'wsMaxSubscriptions' | 'wsMaxSocketsPerClient' | 'wsMaxMessageBytes' | 'wsInitTimeoutMs'>;

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
  /** Sockets held under a credential, watched for its expiry or revocation. */
  credentialed(): number;
  /** Closes every socket with 1001 and stops accepting new ones. */
  dispose(): Promise<void>;
}

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
function settle(state: SocketState, payload: SubscribePayload): void {
  const admitted = state.admitted?.get(payload);
  if (!admitted) return;
  state.admitted?.delete(payload);
  endContext(admitted.context);
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
  const targets = new WeakMap<ExecutionArgs, { extra: SocketExtra; id: string; payload: SubscribePayload }>();
  const subscribe = async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const target = targets.get(args);
    // onSubscribe admitted every operation graphql-ws subscribes.
    if (!target) throw new Error('a subscription reached execution without passing onSubscribe');
    // Needed only to get here: the arguments live as long as the subscription.
    targets.delete(args);
    const source = await shared.source(args);
    if (!('events' in source)) return source;
    const { extra, payload } = target;
    // Settled at once when graphql-ws returns it, so its place is free for the client's next subscribe.
    const delivery = deliverDirect(source, extra.socket, target.id, () => settle(extra, payload));
    const admitted = extra.admitted?.get(payload);
    // The socket closed while it started: it ends here, whatever graphql-ws does with it.
    if (admitted) admitted.delivery = delivery;
    else void delivery.return?.();
    return delivery;
  };
  const served = serveGraphqlWs<Record<string, unknown> | undefined, SocketState>(
    {
      schema,
      // Sockets that have not sent `connection_init` by then are closed (4408) instead of lingering.
      connectionInitWaitTimeout: limits.wsInitTimeoutMs,
      onConnect: (ctx) => admit(options.admission, ctx),
      onSubscribe: (ctx, id, payload) => {
        const active = (ctx.extra.admitted?.size ?? 0) + 1;
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
        ctx.extra.admitted ??= new Map();
        ctx.extra.admitted.set(payload, { context: contextValue });
        // Every field written here at once, so all subscriptions' arguments share one shape.
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues,
          operationName,
          contextValue,
          rootValue: undefined,
        };
        targets.set(args, { extra: ctx.extra, id, payload });
        return args;
      },
      // Queries and mutations over the socket; subscription events bypass it (`ws-delivery.ts`).
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(options.formatError, result),
      onComplete: (ctx, _id, payload) => settle(ctx.extra, payload),
      onError: (ctx, _id, payload, errors) => {
        settle(ctx.extra, payload);
        return errors.map((error) => formatGraphQLError(options.formatError, error));
      },
      onClose: (ctx) => {
        const admitted = [...(ctx.extra.admitted?.values() ?? [])];
        ctx.extra.admitted?.clear();
        for (const { context, delivery } of admitted) {
          endContext(context);
          void delivery?.return?.();
        }
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
    credentialed: () => options.admission.size,
    dispose: async () => {
      httpServer.off('upgrade', upgrade);
      stopKeepAlive();
      options.admission.dispose();
      await served.dispose();
    },
  };
}
