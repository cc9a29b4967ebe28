/**
 * The gateway process: Express 5 with Apollo Server 5 for queries and mutations and graphql-ws for
 * subscriptions, both on one HTTP server and path, plus liveness/readiness probes and a graceful
 * stop. Cross-cutting concerns are small plugins composed here, in one visible place.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { expressMiddleware } from '@as-integrations/express5';
import type { Server as McpServer } from '@modelcontextprotocol/sdk/server/index.js';
import express from 'express';
import { specifiedRules } from 'graphql';
import { CallCancel } from '../../adapters/contract/index.js';
import { type AuditConfig, AuditLog } from '../auth/audit.js';
import { type AuthConfig, Authenticator, NO_AUTH } from '../auth/authenticator.js';
import { LOCAL_OPERATOR, type Principal } from '../auth/principal.js';
import { authorizeCalls } from '../data/authorize.js';
import type { CallMiddleware } from '../data/calls.js';
import { DataFloor } from '../data/floor.js';
import { ProviderResilience } from '../data/provider-resilience.js';
import { requestLimits } from '../data/request-limits.js';
import { Turns } from '../data/turns.js';
import { writeErrors } from '../data/write-errors.js';
import { InMemoryPubSub, type PubSub } from '../events/pubsub.js';
import { type PollerStats, TimelinePoller } from '../events/timeline-poller.js';
import { nameCallerOperation } from '../graphql/apollo/caller-operation.js';
import { compiledExecution } from '../graphql/apollo/compiled-execution.js';
import { createErrorFormatter, formatResult } from '../graphql/apollo/error-masking.js';
import { refuseHttpSubscription } from '../graphql/apollo/http-subscriptions.js';
import { introspectionPolicy } from '../graphql/apollo/introspection-policy.js';
import { persistedQueries } from '../graphql/apollo/persisted-queries.js';
import { releaseRequestData, stringifyReleasing } from '../graphql/apollo/release-data.js';
import { requestLog } from '../graphql/apollo/request-log.js';
import { requestStepsPlugin } from '../graphql/apollo/request-steps.js';
import { CompiledOperations } from '../graphql/compiled-operations.js';
import { type ContextDeps, createContext, type GatewayContext } from '../graphql/context.js';
import { DocumentCache } from '../graphql/document-cache.js';
import { operationLimits } from '../graphql/limits/operation-limits.js';
import { buildSchema } from '../graphql/schema.js';
import { SharedSubscriptions } from '../graphql/shared-subscriptions.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';
import type { Logger } from '../logger.js';
import type { GatewayConfig } from '../providers/config.js';
import type { AdapterRegistry } from '../providers/registry.js';
import { rememberSecrets } from '../redaction.js';
import { authenticateRequests } from './authenticate.js';
import { bodyLimit } from './body-limit.js';
import { clientKey } from './client-key.js';
import { boundConnections, receiveTimeouts } from './connection-bounds.js';
import { corsHeaders } from './cors.js';
import { refuseCrossSiteRequests } from './csrf-prevention.js';
import { documentAdmission } from './document-admission.js';
import { graphqlPost, isGraphqlPost } from './graphql-post.js';
import { jsonErrors, notFound, requireJsonPost, requireRequestObject } from './json-errors.js';
import { createMcpServer, executorFor, mcpRouter } from './mcp.js';
import { metricsHandler, recordGraphqlRequest } from './metrics.js';
import { playgroundRouter } from './playground.js';
import { RefusalLog } from './refusal-log.js';
import { requestIdMiddleware } from './request-id.js';
import { requestsInFlight } from './requests-in-flight.js';
import { serveSse } from './sse.js';
import { webhookRouter } from './webhooks.js';
import { serveSubscriptions } from './websocket.js';
import { WsAdmission } from './ws-admission.js';

/** After the shutdown grace period, how long requests have to write the answers their ended reads allow. */
const LAST_ANSWERS_MS = 1_000;

/** Longer than the idle timeouts of common HTTP clients and load balancers (60 s). */
const IDLE_KEEP_ALIVE_MS = 65_000;

export interface GatewayOptions {
  config: Pick<GatewayConfig, 'host' | 'port' | 'playground' | 'shutdownGraceMs'> &
    Partial<Pick<GatewayConfig, 'pollIntervalMs' | 'wsKeepAliveMs' | 'sseStallMs' | 'mcp' | 'federation' | 'cache'>> & {
      /** Unset limits take their defaults (`src/limits.ts`). */
      limits?: Partial<Limits>;
    };
  registry: AdapterRegistry;
  logger: Logger;
  pubsub?: PubSub;
  /** Off only to measure what batching saves. */
  batching?: boolean;
  /** Off only to measure what sharing in-flight reads across requests saves. */
  singleFlight?: boolean;
  /** Wraps every provider call the data floor makes, outermost first (see `src/data/calls.ts`). */
  providerCallMiddleware?: readonly CallMiddleware[];
  security?: SecurityOptions;
}

/** Identity and edge settings (`src/auth/config.ts` reads them from the environment). */
export interface SecurityOptions {
  auth?: AuthConfig;
  /** `OPSORCH_CORS_ORIGIN`; without it and without auth no CORS headers are sent. */
  corsOrigin?: string;
  wsOrigins?: readonly string[];
  tls?: { certFile: string; keyFile: string };
  /** Off when absent. */
  audit?: AuditConfig;
  /** Whether introspection may run (callers also need `read`); on when absent. */
  introspection?: boolean;
}

export interface Gateway {
  url: string;
  wsUrl: string;
  httpServer: Server;
  pubsub: PubSub;
  /** What is live right now; every count returns to zero once clients are gone. */
  liveStats(): LiveStats;
  /** The MCP server for a local agent on stdio, running its tools as the gateway's own requests. */
  localMcpServer(): Promise<McpServer>;
  stop(): Promise<void>;
}

export interface LiveStats {
  sockets: number;
  /** WebSockets held under a credential, watched for its expiry or revocation. */
  credentialedSockets: number;
  /** Open GraphQL-over-SSE streams. */
  eventStreams: number;
  /** Pub/sub subscriptions held by GraphQL subscriptions in this process. */
  subscriptions: number;
  /** Pub/sub topics with a subscriber in this process. */
  topics: number;
  timelinePolling: PollerStats;
  /** Parsed valid documents cached for HTTP, WebSocket and SSE, and their estimated heap bytes. */
  documentCache: { documents: number; bytes: number };
  /** Queries and mutations kept compiled, their estimated heap bytes, and how many compilations there have been. */
  compiledOperations: { operations: number; bytes: number; compilations: number };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, registry, logger } = options;
  const pubsub = options.pubsub ?? new InMemoryPubSub();
  const limits: Limits = { ...DEFAULT_LIMITS, ...config.limits };
  const security = options.security ?? {};
  if (security.auth?.bearerToken) rememberSecrets([security.auth.bearerToken]);
  const audit = AuditLog.from(security.audit);
  const authenticator = new Authenticator(security.auth ?? NO_AUTH, (message) =>
    logger.error({ problem: message }, 'tokens file not reloaded; the tokens read before stay in force'),
  );
  if (!authenticator.enabled) {
    logger.warn(
      `no authentication configured: serving ${config.host} (loopback) only, every caller acts as the local operator`,
    );
  }
  const resilience = new ProviderResilience(limits, registry.names);
  const floor: DataFloor = new DataFloor({
    registry,
    pubsub,
    logger,
    loaders: { batch: options.batching ?? true, singleFlight: options.singleFlight ?? true },
    ...(config.cache ? { cache: config.cache } : {}),
    maxAggregateRecords: limits.maxAggregateRecords,
    lookaheadRecords: limits.lookaheadRecords,
    lookaheadRecordBytes: limits.lookaheadRecordBytes,
    healthTimeoutMs: limits.providerHealthTimeoutMs,
    // Authorization and audit first: a refused call spends no budget and reaches no provider.
    // The deadline wraps the provider's breaker and queue, so time spent queued counts against it.
    middleware: [
      authorizeCalls(audit),
      requestLimits(limits),
      writeErrors(),
      resilience.middleware,
      ...(options.providerCallMiddleware ?? []),
    ],
    circuits: resilience,
    timelineWatchRefusal: (incident): Error | null => poller.refusal(incident),
    ...(limits.executionSliceMs > 0 ? { turns: new Turns(limits.executionSliceMs) } : {}),
  });
  const introspection = security.introspection ?? true;
  const deps: ContextDeps = { floor, logger, audit, introspection };
  const federated = config.federation ?? false;
  const schema = buildSchema({ federation: federated });
  const documents = new DocumentCache(schema, specifiedRules, limits);
  const compiled = new CompiledOperations(schema, limits.compiledOperations, limits.compiledOperationBytes);

  const app = express();
  app.disable('x-powered-by');
  // Express's weak ETag is a SHA-1 of every response body, made for conditional GETs; GraphQL
  // answers are POSTed and never revalidated, so it was pure cost (the larger the answer, the more).
  app.set('etag', false);
  const corsOrigin = security.corsOrigin ?? (authenticator.enabled ? '*' : undefined);
  // POST /graphql skips Express (graphql-post.ts); its handler is made once Apollo Server has started.
  let servePost: (req: IncomingMessage, res: ServerResponse) => void = app;
  // The bounds below every route: connections open, the time to send a request, requests in flight.
  const refusals = new RefusalLog(logger);
  const clientOf = clientKey(authenticator);
  const inFlight = requestsInFlight({
    max: limits.maxRequestsInFlight,
    perClient: limits.maxRequestsInFlightPerClient,
    clientOf,
    refusals,
    corsOrigin,
  });
  const serve = inFlight.guard((req, res) => (isGraphqlPost(req) ? servePost : app)(req, res));
  const serverOptions = receiveTimeouts(limits);
  const httpServer = security.tls
    ? createTlsServer(
        { ...serverOptions, cert: readFileSync(security.tls.certFile), key: readFileSync(security.tls.keyFile) },
        serve,
      )
    : createServer(serverOptions, serve);
  boundConnections(httpServer, limits.maxConnections);
  // Routers, gateways and load balancers pool connections to us and reuse them after idling for
  // longer than Node's 5 s default; a socket we close just as they reuse it fails their request
  // with ECONNRESET. Idle sockets are still closed at once when the gateway stops.
  httpServer.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  let stopping = false;

  const formatError = createErrorFormatter(logger);
  const shared = new SharedSubscriptions(deps, (result) => JSON.stringify(formatResult(formatError, result)));
  const subscriptions = serveSubscriptions(httpServer, {
    schema,
    documents,
    shared,
    deps,
    limits,
    keepAliveMs: config.wsKeepAliveMs ?? 12_000,
    admission: new WsAdmission({
      authenticator,
      audit,
      allowedOrigins: security.wsOrigins ?? [],
      tls: security.tls !== undefined,
    }),
    clientOf,
    formatError,
  });
  const poller = new TimelinePoller({
    floor,
    pubsub,
    logger,
    intervalMs: config.pollIntervalMs ?? 10_000,
    maxPolled: limits.maxPolledIncidents,
    maxRemembered: limits.pollRememberedEntries,
  });
  const mcpOptions = { writes: config.mcp?.writes ?? false, maxTokens: config.mcp?.maxTokens ?? 20_000 };
  /** The one context of every HTTP request, whether Apollo or the SSE transport answers it. */
  const requestContext = (requestId: string, principal: Principal, res: ServerResponse): GatewayContext =>
    createContext(deps, requestId, principal, cancelOnClose(res));
  const httpContext = (_req: express.Request, res: express.Response): GatewayContext =>
    requestContext(String(res.locals.requestId), principalOf(res), res);
  const sse = serveSse({
    schema,
    documents,
    limits,
    shared,
    context: httpContext,
    formatError,
    stallMs: config.sseStallMs ?? 30_000,
  });
  const liveStats = (): LiveStats => ({
    sockets: subscriptions.sockets(),
    credentialedSockets: subscriptions.credentialed(),
    eventStreams: sse.streams(),
    subscriptions: pubsub.subscriberCount(),
    topics: pubsub.activeTopics().length,
    timelinePolling: poller.stats(),
    documentCache: documents.size,
    compiledOperations: compiled.size,
  });

  const apollo = new ApolloServer<GatewayContext>({
    gateway: compiledExecution(schema, compiled),
    documentStore: documents.apolloStore(),
    persistedQueries: persistedQueries(limits.persistedQueryCacheBytes),
    maxRecursiveSelections: limits.maxSelections,
    // The gateway owns shutdown (stop(), called from main.ts); Apollo's own signal handler would
    // re-raise SIGTERM and kill the process before sockets, pub/sub and providers are closed.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    // Made at the edge (csrf-prevention.ts): Apollo would parse every POST's content type for it.
    csrfPrevention: false,
    // Apollo's own default turns introspection off under NODE_ENV=production (which `npm start`
    // sets); the introspection policy plugin below is the one place that decides.
    introspection: true,
    formatError,
    stringifyResult: stringifyReleasing,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // The gateway sets no cache hints; Apollo's default cache-control plugin would wrap every field
      // resolver just to compute a policy nobody reads.
      ApolloServerPluginCacheControlDisabled(),
      requestStepsPlugin(
        [operationLimits(limits), nameCallerOperation, introspectionPolicy(introspection), refuseHttpSubscription],
        [requestLog(logger), recordGraphqlRequest, releaseRequestData],
      ),
      // A subgraph reports field timings to a router that asks for them; error details stay masked.
      // Outside federation Apollo would still add the plugin, to find on every request that the
      // schema is no subgraph.
      federated
        ? ApolloServerPluginInlineTrace({ includeErrors: { masked: true } })
        : ApolloServerPluginInlineTraceDisabled(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              sse.dispose();
              await subscriptions.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  // The edge, in order: request ID, CORS (before auth, as OpsOrch Core does), identity.
  app.use(requestIdMiddleware);
  app.use(corsHeaders(corsOrigin));
  app.use(authenticateRequests(authenticator, audit));
  app.get('/metrics', metricsHandler);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (stopping) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    const checks = await floor.health();
    const ready = checks.every((c) => c.status !== 'DOWN');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      providers: checks.map(({ provider, status, latencyMs }) => ({ provider, status, latencyMs })),
      live: liveStats(),
    });
  });
  if (config.mcp?.enabled ?? true) {
    app.use('/mcp', mcpRouter({ apollo, context: httpContext, mcp: mcpOptions, logger }));
  }
  app.use('/webhooks', webhookRouter({ floor, logger }));
  if (config.playground && introspection) {
    const playground = playgroundRouter();
    // GraphiQL is introspection with a user interface: the same policy, the same scope.
    app.use((req, res, next) => (principalOf(res).scopes.has('read') ? playground(req, res, next) : next()));
  }
  const [parseBody, bodyTooLarge] = bodyLimit(limits.maxBodyBytes);
  servePost = graphqlPost({
    apollo,
    authenticator,
    audit,
    corsOrigin,
    parseBody,
    maxBodyBytes: limits.maxBodyBytes,
    documents,
    context: requestContext,
    logger,
  });
  app.use(
    '/graphql',
    requireJsonPost,
    parseBody,
    bodyTooLarge,
    requireRequestObject,
    documentAdmission(documents),
    sse.middleware,
    refuseCrossSiteRequests,
    expressMiddleware(apollo, { context: async ({ req, res }) => httpContext(req, res) }),
  );
  app.use(notFound);
  app.use(jsonErrors(logger));

  const unlisten = floor.listen();
  if ((config.pollIntervalMs ?? 10_000) > 0) poller.start();

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${security.tls ? 'https' : 'http'}://${host}:${address.port}/graphql`;
  logger.info({ url }, 'gateway listening');
  // Whoever started the gateway waits for this line; it does not wait for others to join it.
  logger.flush();

  let stopped: Promise<void> | undefined;
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    httpServer,
    pubsub,
    liveStats,
    localMcpServer: () =>
      createMcpServer(
        executorFor(apollo, () => createContext(deps, randomUUID(), LOCAL_OPERATOR)),
        mcpOptions,
        logger,
      ),
    stop() {
      stopped ??= (async () => {
        stopping = true;
        unlisten();
        // Background work (polls, webhook and adapter event calls) ends at once, beside the drain.
        floor.stop();
        const polled = poller.stop();
        // When the grace period passes, requests still waiting on a provider are answered with
        // what they have (`CANCELLED` on the rest) rather than cut; connections still open a
        // moment later are closed.
        let cut: NodeJS.Timeout | undefined;
        const grace = setTimeout(() => {
          floor.endReads();
          cut = setTimeout(() => httpServer.closeAllConnections(), LAST_ANSWERS_MS).unref();
        }, config.shutdownGraceMs).unref();
        // Apollo's drain plugin stops new connections, lets in-flight requests finish and runs
        // the graphql-ws dispose, which closes sockets with 1001 Going Away.
        await apollo.stop();
        clearTimeout(grace);
        clearTimeout(cut);
        await polled;
        await pubsub.close();
        refusals.close();
        authenticator.close();
        audit.close();
      })();
      return stopped;
    },
  };
}

/**
 * Aborts when the client goes away before its answer is written, so provider calls stop too. A
 * `CallCancel`, not an `AbortController`: most requests never need the signal itself (~22k
 * instructions to make on Node 20), and their provider calls follow it through an array.
 */
function cancelOnClose(res: ServerResponse): CallCancel {
  const cancel = new CallCancel();
  // `on`, not `once`: a response closes once, and `once` wraps every request's listener.
  res.on('close', () => {
    if (!res.writableFinished) cancel.abort();
  });
  return cancel;
}

function principalOf(res: express.Response): Principal {
  return res.locals.principal as Principal;
}
