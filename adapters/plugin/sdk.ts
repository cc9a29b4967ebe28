/**
 * The plugin author's helper: `servePlugin(handlers)` speaks the OpsOrch plugin protocol on
 * stdin/stdout so a TypeScript plugin is just a map of method → function. It announces the `id`
 * extension (and `health` when a handler exists), answers requests that carry an `id` as soon
 * as each is done, and answers requests without one strictly in order, as OpsOrch Core expects.
 * Handlers return records in the gateway's normalized shapes (adapters/contract/models.ts).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type {
  Alert,
  AlertQuery,
  Deployment,
  DeploymentQuery,
  Incident,
  IncidentCreate,
  IncidentQuery,
  IncidentUpdate,
  LogQuery,
  LogResult,
  Message,
  MessageSend,
  MetricDescriptor,
  MetricQuery,
  MetricSeries,
  OrchestrationPlan,
  OrchestrationPlanQuery,
  OrchestrationRun,
  OrchestrationRunQuery,
  OrchestrationRunStart,
  OrchestrationStepComplete,
  Scope,
  Service,
  ServiceQuery,
  Team,
  TeamMember,
  TeamQuery,
  Ticket,
  TicketCreate,
  TicketQuery,
  TicketUpdate,
  TimelineAppend,
  TimelineEntry,
} from '../contract/index.js';

type Awaitable<T> = T | Promise<T>;
/** The `config` object the operator set for this plugin, sent with every request. */
export type PluginConfig = Record<string, unknown>;
/** List queries carry `limit` (how many records the gateway wants at most) instead of cursors. */
export type Limited<Q> = Omit<Q, 'first' | 'after'> & { limit: number };
type Handler<P, R> = (payload: P, config: PluginConfig) => Awaitable<R>;
type Normalized = 'status' | 'severity' | 'priority' | 'kind' | 'level' | 'type' | 'url';
/**
 * A record as a plugin may send it: enum fields may carry the tool's own words (`open`, `sev2`,
 * `success`), which the gateway normalizes and keeps as the raw value; `url` may be left out.
 */
export type Wire<T> = Omit<T, Normalized> & { [K in Normalized & keyof T]?: K extends 'url' ? string | null : string };
type ById = { id: string };

export interface PluginMethods {
  'incident.query': Handler<Limited<IncidentQuery>, Wire<Incident>[]>;
  'incident.get': Handler<ById, Wire<Incident>>;
  'incident.create': Handler<IncidentCreate, Wire<Incident>>;
  'incident.update': Handler<{ id: string; input: IncidentUpdate }, Wire<Incident>>;
  'incident.timeline.get': Handler<ById, Wire<TimelineEntry>[]>;
  'incident.timeline.append': Handler<
    { id: string; entry: Omit<TimelineAppend, 'actor'> & { at: string; actor?: { name: string } } },
    Wire<TimelineEntry>
  >;
  'alert.query': Handler<Limited<AlertQuery>, Wire<Alert>[]>;
  'alert.get': Handler<ById, Wire<Alert>>;
  'log.query': Handler<LogQuery, Omit<LogResult, 'truncated'>>;
  'metric.query': Handler<MetricQuery, MetricSeries[]>;
  'metric.describe': Handler<Scope, Wire<MetricDescriptor>[]>;
  'ticket.query': Handler<Limited<TicketQuery>, Wire<Ticket>[]>;
  'ticket.get': Handler<ById, Wire<Ticket>>;
  'ticket.create': Handler<TicketCreate, Wire<Ticket>>;
  'ticket.update': Handler<{ id: string; input: TicketUpdate }, Wire<Ticket>>;
  'messaging.send': Handler<MessageSend, Wire<Message>>;
  /** Also answers batched look-ups by ID: `{ ids, limit }`. */
  'service.query': Handler<Limited<ServiceQuery> & { ids?: string[] }, Wire<Service>[]>;
  'deployment.query': Handler<Limited<DeploymentQuery>, Wire<Deployment>[]>;
  'deployment.get': Handler<ById, Wire<Deployment>>;
  'team.query': Handler<Limited<TeamQuery>, Wire<Team>[]>;
  'team.get': Handler<ById, Wire<Team>>;
  'team.members': Handler<{ teamID: string }, Wire<TeamMember>[]>;
  'orchestration.plans.query': Handler<Limited<OrchestrationPlanQuery>, Wire<OrchestrationPlan>[]>;
  'orchestration.plans.get': Handler<ById, Wire<OrchestrationPlan>>;
  'orchestration.runs.query': Handler<Limited<OrchestrationRunQuery>, Wire<OrchestrationRun>[]>;
  'orchestration.runs.get': Handler<ById, Wire<OrchestrationRun>>;
  'orchestration.runs.start': Handler<OrchestrationRunStart, Wire<OrchestrationRun>>;
  'orchestration.runs.steps.complete': Handler<OrchestrationStepComplete, Wire<OrchestrationRun>>;
  'secret.get': Handler<{ key: string }, string>;
  'secret.put': Handler<{ key: string; value: string }, null>;
  /** Called by the gateway's health check; only announced when present. */
  health: Handler<Record<string, never>, { status: 'ok' | 'degraded' | 'down'; message?: string }>;
}

export type PluginHandlers = Partial<PluginMethods>;

/** Thrown by a handler to answer with a protocol error code (`not_found`, `bad_request`, ...). */
export class PluginError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PluginError';
  }
}

export function notFound(what: string, id: string): PluginError {
  return new PluginError('not_found', `${what} ${JSON.stringify(id)} not found`);
}

export function badRequest(message: string): PluginError {
  return new PluginError('bad_request', message);
}

interface Request {
  method: string;
  config: PluginConfig;
  payload: unknown;
  id?: string;
}

function parseRequest(line: string): Request | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'request is not JSON';
  }
  if (typeof value !== 'object' || value === null) return 'request is not a JSON object';
  const raw = value as Record<string, unknown>;
  if (typeof raw.method !== 'string') return 'request has no method';
  const config = typeof raw.config === 'object' && raw.config !== null ? (raw.config as PluginConfig) : {};
  return {
    method: raw.method,
    config,
    payload: raw.payload ?? {},
    ...(typeof raw.id === 'string' || typeof raw.id === 'number' ? { id: String(raw.id) } : {}),
  };
}

/** Serves until stdin ends and every answer is written. */
export function servePlugin(handlers: PluginHandlers, io: { input?: Readable; output?: Writable } = {}): Promise<void> {
  const input = io.input ?? process.stdin;
  const output = io.output ?? process.stdout;
  const write = (message: object) => output.write(`${JSON.stringify(message)}\n`);
  const extensions = handlers.health ? ['id', 'health'] : ['id'];
  write({ opsorch: { protocol: 1, extensions } });

  const answer = async (request: Request): Promise<object> => {
    const handler = (handlers as Record<string, Handler<unknown, unknown> | undefined>)[request.method];
    const echo = request.id === undefined ? {} : { id: request.id };
    if (!handler) return { ...echo, error: { code: 'unknown_method', message: `unknown method ${request.method}` } };
    try {
      return { ...echo, result: (await handler(request.payload, request.config)) ?? null };
    } catch (err) {
      const code = err instanceof PluginError ? err.code : 'internal';
      return { ...echo, error: { code, message: err instanceof Error ? err.message : String(err) } };
    }
  };

  // Requests without an `id` come from hosts that match answers by order: keep them in order.
  let ordered: Promise<unknown> = Promise.resolve();
  const inFlight = new Set<Promise<unknown>>();
  return new Promise((resolve) => {
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      const request = parseRequest(line);
      let done: Promise<unknown>;
      if (typeof request === 'string') {
        done = ordered = ordered.then(() => write({ error: { code: 'bad_request', message: request } }));
      } else if (request.id !== undefined) {
        done = answer(request).then(write);
      } else {
        done = ordered = ordered.then(() => answer(request)).then(write);
      }
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    });
    lines.on('close', () => {
      void Promise.allSettled([...inFlight]).then(() => resolve());
    });
  });
}
