/**
 * Every bound the gateway enforces, in one table: its name, the variable that sets it, its default
 * and the `extensions.code` a client gets past it. The README's limits table is this table.
 * One process serves every client, so each bound is what one request, client, provider or plugin
 * may cost the others.
 */

export interface Limit {
  /** Environment variable that overrides the default. */
  variable: string;
  default: number;
  /** `extensions.code` of the error past the limit (or what happens, where there is no error). */
  code: string;
  unit: string;
  description: string;
  /** 0 is accepted and turns the limit off. */
  zeroOff?: boolean;
}

export const LIMITS = {
  // 10,000 subscribers on one instance is the bench's and the figure, with room for the
  // consoles' HTTP connections beside them; each socket is a file descriptor, so the process's
  // descriptor limit (ulimit -n) must be higher still.
  maxConnections: {
    variable: 'OPSORCH_MAX_CONNECTIONS',
    default: 16_384,
    code: '(the new connection is closed unanswered)',
    unit: 'connections',
    description: 'open TCP connections, kept-alive HTTP and WebSockets together',
  },
  httpHeadersTimeoutMs: {
    variable: 'OPSORCH_HTTP_HEADERS_TIMEOUT_MS',
    default: 10_000,
    code: 'HTTP 408, the connection is closed',
    unit: 'ms',
    description: "time a client has to send a request's headers, from its first byte",
  },
  httpReceiveTimeoutMs: {
    variable: 'OPSORCH_HTTP_RECEIVE_TIMEOUT_MS',
    default: 30_000,
    code: 'HTTP 408, the connection is closed',
    unit: 'ms',
    description: 'time a client has to send a whole request, headers and body',
  },
  // Each request in flight holds its context, its reads and answer and, while its body arrives, up
  // to OPSORCH_MAX_BODY_BYTES; a thousand is well above the bench's busiest sections (50 consoles,
  // 42 clients beside a hanging provider) and an SSE console's handful of streams each.
  maxRequestsInFlight: {
    variable: 'OPSORCH_MAX_REQUESTS_IN_FLIGHT',
    default: 1_000,
    code: 'TOO_MANY_REQUESTS_IN_FLIGHT',
    unit: 'requests',
    description:
      'HTTP requests being served at once: GraphQL, SSE streams, MCP, webhooks (not /healthz, /readyz, /metrics)',
  },
  // A client is whoever the gateway can tell apart before auth without being fooled: its address,
  // or the user a trusted proxy names (src/http/client-key.ts). A quarter of the global default,
  // so no one client holds more than that and at least three others always find room; the bench's
  // busiest client (every request comes from 127.0.0.1) holds 100: 50 consoles' two requests each.
  maxRequestsInFlightPerClient: {
    variable: 'OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT',
    default: 250,
    code: 'TOO_MANY_REQUESTS_IN_FLIGHT_FOR_CLIENT',
    unit: 'requests',
    description: 'HTTP requests from one client being served at once (its address, or the user a trusted proxy names)',
  },
  maxBodyBytes: {
    variable: 'OPSORCH_MAX_BODY_BYTES',
    default: 1_048_576,
    code: 'PAYLOAD_TOO_LARGE',
    unit: 'bytes',
    description: 'HTTP request body (JSON, HTTP 413)',
  },
  maxDocumentBytes: {
    variable: 'OPSORCH_MAX_DOCUMENT_BYTES',
    default: 65_536,
    code: 'DOCUMENT_TOO_LARGE',
    unit: 'bytes',
    description: 'GraphQL document text; a longer one is never parsed',
  },
  maxTokens: {
    variable: 'OPSORCH_MAX_TOKENS',
    default: 10_000,
    code: 'TOO_MANY_TOKENS',
    unit: 'tokens',
    description: 'lexical tokens in a document, counted before parsing',
  },
  maxDepth: {
    variable: 'OPSORCH_MAX_DEPTH',
    default: 12,
    code: 'QUERY_TOO_DEEP',
    unit: 'levels',
    description: 'nesting of selections',
  },
  maxAliases: {
    variable: 'OPSORCH_MAX_ALIASES',
    default: 50,
    code: 'TOO_MANY_ALIASES',
    unit: 'aliases',
    description: 'aliased fields in a document',
  },
  maxRootFields: {
    variable: 'OPSORCH_MAX_ROOT_FIELDS',
    default: 20,
    code: 'TOO_MANY_ROOT_FIELDS',
    unit: 'fields',
    description: 'top-level fields of an operation (fragments expanded)',
  },
  maxSelections: {
    variable: 'OPSORCH_MAX_SELECTIONS',
    default: 100_000,
    code: 'GRAPHQL_VALIDATION_FAILED',
    unit: 'selections',
    description: "selections with fragments expanded, counted by Apollo Server's validation before the cost",
  },
  maxCost: {
    variable: 'OPSORCH_MAX_COST',
    default: 20_000,
    code: 'QUERY_TOO_COSTLY',
    unit: 'points',
    description: 'static cost of the operation',
  },
  executionSliceMs: {
    variable: 'OPSORCH_EXECUTION_SLICE_MS',
    default: 5,
    code: '(the request waits for its next fair turn)',
    unit: 'ms',
    description:
      'time the event loop may run without a pass before the next list or graph level of the running request waits for a turn, given in rotation among the requests waiting',
    zeroOff: true,
  },
  documentCacheBytes: {
    variable: 'OPSORCH_DOCUMENT_CACHE_BYTES',
    default: 16_777_216,
    code: '(least recently used documents are evicted)',
    unit: 'bytes',
    description: 'parsed, valid documents kept for HTTP and WebSocket together',
  },
  persistedQueryCacheBytes: {
    variable: 'OPSORCH_PERSISTED_QUERY_CACHE_BYTES',
    default: 4_194_304,
    code: '(least recently used queries are evicted; their clients send the text again)',
    unit: 'bytes',
    description: 'query texts kept for automatic persisted queries',
  },
  compiledOperations: {
    variable: 'OPSORCH_COMPILED_OPERATIONS',
    default: 1_000,
    code: '(least recently used operations are evicted and compiled again when next run)',
    unit: 'operations',
    description: 'queries and mutations kept compiled to JavaScript (graphql-jit)',
  },
  // A page's operation (a hundred fields or so) takes a few hundred KiB compiled with its document:
  // room for a few hundred of them, and for operations of up to ~8,000 fields to be compiled.
  compiledOperationBytes: {
    variable: 'OPSORCH_COMPILED_OPERATION_BYTES',
    default: 134_217_728,
    code: '(least recently used operations are evicted; one estimated larger than an eighth of it is run uncompiled, by graphql-js)',
    unit: 'bytes',
    description: 'memory the compiled operations and the documents they keep take, about',
  },
  // A record is a few kilobytes; a thousand covers the incidents a team's consoles have open.
  lookaheadRecords: {
    variable: 'OPSORCH_LOOKAHEAD_RECORDS',
    default: 1_000,
    code: '(least recently read records are forgotten: their next page waits for the record again)',
    unit: 'records',
    description:
      "incident records kept as last read, per caller visibility, to start a page's reads from before the record arrives again",
    zeroOff: true,
  },
  // A thousand records of a few kilobytes take a few MiB; the bound is for a provider whose
  // records are not a few kilobytes (long descriptions, large custom fields).
  lookaheadRecordBytes: {
    variable: 'OPSORCH_LOOKAHEAD_RECORD_BYTES',
    default: 16_777_216,
    code: '(least recently read records are forgotten; a record larger than an eighth of it is not kept)',
    unit: 'bytes',
    description: 'memory the incident records kept as last read take, about',
  },
  maxProviderCalls: {
    variable: 'OPSORCH_MAX_PROVIDER_CALLS',
    default: 1_000,
    code: 'PROVIDER_BUDGET_EXCEEDED',
    unit: 'provider call items',
    description: 'provider work one request may cause: each call counts its IDs or queries',
  },
  maxAggregateRecords: {
    variable: 'OPSORCH_MAX_AGGREGATE_RECORDS',
    default: 1_000,
    code: '(the counts say `approximate: true`)',
    unit: 'records',
    description:
      'records of one provider the gateway reads to count a list or compute incident statistics, when the provider cannot count',
  },
  requestTimeoutMs: {
    variable: 'OPSORCH_REQUEST_TIMEOUT_MS',
    default: 30_000,
    code: 'REQUEST_TIMEOUT',
    unit: 'ms',
    description: 'deadline for the provider calls of one request, from its first one',
  },
  providerMaxConcurrent: {
    variable: 'OPSORCH_PROVIDER_MAX_CONCURRENT',
    default: 16,
    code: 'PROVIDER_UNAVAILABLE',
    unit: 'calls',
    description: 'calls in flight to one provider instance, for all requests together; more wait in its queue',
  },
  // One burst of a 50-console fleet on distinct pages (a restart, everyone reloading) on a
  // provider instance that serves the whole page: 50 × about 7 calls. The wait is bounded by the
  // queue time-out; a waiting call holds a promise, two abort signals and a timer.
  providerMaxQueued: {
    variable: 'OPSORCH_PROVIDER_MAX_QUEUED',
    default: 512,
    code: 'PROVIDER_UNAVAILABLE',
    unit: 'calls',
    description: 'calls waiting for one provider instance; past it a call fails at once',
  },
  providerQueueTimeoutMs: {
    variable: 'OPSORCH_PROVIDER_QUEUE_TIMEOUT_MS',
    default: 5_000,
    code: 'PROVIDER_UNAVAILABLE',
    unit: 'ms',
    description: 'time a call (a write too) may wait in a provider queue; past it, it is dropped unsent',
  },
  providerCallTimeoutMs: {
    variable: 'OPSORCH_PROVIDER_CALL_TIMEOUT_MS',
    default: 25_000,
    code: 'PROVIDER_TIMEOUT',
    unit: 'ms',
    description: 'one provider call, from leaving the queue; counts as a failure for the breaker',
  },
  providerBreakerFailures: {
    variable: 'OPSORCH_PROVIDER_BREAKER_FAILURES',
    default: 5,
    code: 'PROVIDER_UNAVAILABLE',
    unit: 'failures',
    description: "consecutive failed calls (errors, time-outs) that open a provider instance's circuit breaker",
  },
  providerBreakerHalfOpenMs: {
    variable: 'OPSORCH_PROVIDER_BREAKER_HALF_OPEN_MS',
    default: 30_000,
    code: 'PROVIDER_UNAVAILABLE',
    unit: 'ms',
    description: 'time an open breaker refuses calls before one probe call is let through',
  },
  // The checks run side by side, so this is also the longest `/readyz` takes to answer.
  providerHealthTimeoutMs: {
    variable: 'OPSORCH_PROVIDER_HEALTH_TIMEOUT_MS',
    default: 3_000,
    code: '(the provider is reported DOWN: "no answer within N ms")',
    unit: 'ms',
    description: "a provider instance's health check, for /readyz and providers { health }",
  },
  wsMaxSubscriptions: {
    variable: 'OPSORCH_WS_MAX_SUBSCRIPTIONS',
    default: 100,
    code: 'TOO_MANY_SUBSCRIPTIONS',
    unit: 'subscriptions',
    description: 'active subscriptions on one WebSocket',
  },
  wsMaxSocketsPerClient: {
    variable: 'OPSORCH_WS_MAX_SOCKETS_PER_CLIENT',
    default: 100,
    code: 'HTTP 429 on the upgrade',
    unit: 'sockets',
    description: 'open WebSockets from one client address',
  },
  // The WebSocket counterpart of OPSORCH_HTTP_HEADERS_TIMEOUT_MS: a socket that never says who it
  // is holds a descriptor and a place in its client's socket count until then.
  wsInitTimeoutMs: {
    variable: 'OPSORCH_WS_INIT_TIMEOUT_MS',
    default: 10_000,
    code: 'close 4408 (connection initialisation timeout)',
    unit: 'ms',
    description: 'time a WebSocket has to send connection_init, from its upgrade',
  },
  maxPolledIncidents: {
    variable: 'OPSORCH_MAX_POLLED_INCIDENTS',
    default: 1_000,
    code: 'TOO_MANY_POLLED_INCIDENTS',
    unit: 'incidents',
    description: 'incidents this process polls for timeline subscribers',
  },
  pollRememberedEntries: {
    variable: 'OPSORCH_POLL_REMEMBERED_ENTRIES',
    default: 1_000,
    code: '(older entries are judged by their time)',
    unit: 'entries',
    description: 'timeline entry IDs remembered per polled incident, newest first',
  },
  wsMaxMessageBytes: {
    variable: 'OPSORCH_WS_MAX_MESSAGE_BYTES',
    default: 131_072,
    code: 'close 1009 (message too big)',
    unit: 'bytes',
    description: 'one WebSocket message',
  },
} satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;
export type Limits = Record<LimitName, number>;

export const DEFAULT_LIMITS: Limits = Object.fromEntries(
  Object.entries(LIMITS).map(([name, limit]) => [name, limit.default]),
) as Limits;

/** Reads every limit's variable; a value that is not a positive whole number is a config error. */
export function limitsFromEnv(
  env: Record<string, string | undefined>,
  fail: (message: string) => Error = (m) => new Error(m),
): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, limit] of Object.entries(LIMITS) as [LimitName, Limit][]) {
    const raw = env[limit.variable];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    const min = limit.zeroOff ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min) {
      throw fail(
        `${limit.variable}=${JSON.stringify(raw)} must be a whole number >= ${min}${limit.zeroOff ? ' (0: off)' : ''}`,
      );
    }
    limits[name] = value;
  }
  return limits;
}
