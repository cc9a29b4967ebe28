/**
 * The plugin author's helper: `servePlugin(handlers)` speaks the OpsOrch plugin protocol on
 * stdin/stdout so a TypeScript plugin is just a map of method → function. It announces the `id`
 * extension (and `health` when a handler exists), answers requests that carry an `id` as soon
 * as each is done, and answers requests without one strictly in order, as OpsOrch Core expects.
 * Payloads and results are OpsOrch Core's schema (./schema.ts): what OpsOrch Core and the gateway
 * send a plugin and read from it.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type * as OpsOrch from './schema.js';

/** OpsOrch Core's record and query shapes, for handler signatures. */
export type * from './schema.js';

type Awaitable<T> = T | Promise<T>;
/** The `config` object the operator set for this plugin, sent with every request. */
export type PluginConfig = Record<string, unknown>;
/** List queries carry the most records wanted; a list answers at most that many, in any order. */
export type Limited<Q> = Q & { limit?: number };
type Handler<P, R> = (payload: P, config: PluginConfig) => Awaitable<R>;
type ById = { id: string };

export interface PluginMethods {
  'incident.query': Handler<Limited<OpsOrch.IncidentQuery>, OpsOrch.Incident[]>;
  'incident.get': Handler<ById, OpsOrch.Incident>;
  'incident.create': Handler<OpsOrch.CreateIncidentInput, OpsOrch.Incident>;
  'incident.update': Handler<{ id: string; input: OpsOrch.UpdateIncidentInput }, OpsOrch.Incident>;
  'incident.timeline.get': Handler<ById, OpsOrch.TimelineEntry[]>;
  /** OpsOrch answers an append with nothing; an entry (with the ID it was stored under) is welcome. */
  'incident.timeline.append': Handler<{ id: string; entry: OpsOrch.TimelineAppendInput }, OpsOrch.TimelineEntry | null>;
  'alert.query': Handler<Limited<OpsOrch.AlertQuery>, OpsOrch.Alert[]>;
  'alert.get': Handler<ById, OpsOrch.Alert>;
  'log.query': Handler<OpsOrch.LogQuery, OpsOrch.LogEntries>;
  'metric.query': Handler<OpsOrch.MetricQuery, OpsOrch.MetricSeries[]>;
  'metric.describe': Handler<OpsOrch.QueryScope, OpsOrch.MetricDescriptor[]>;
  'ticket.query': Handler<Limited<OpsOrch.TicketQuery>, OpsOrch.Ticket[]>;
  'ticket.get': Handler<ById, OpsOrch.Ticket>;
  'ticket.create': Handler<OpsOrch.CreateTicketInput, OpsOrch.Ticket>;
  'ticket.update': Handler<{ id: string; input: OpsOrch.UpdateTicketInput }, OpsOrch.Ticket>;
  'messaging.send': Handler<OpsOrch.Message, OpsOrch.MessageResult>;
  /** Also answers look-ups by ID (`ids`): OpsOrch records name their service by ID. */
  'service.query': Handler<Limited<OpsOrch.ServiceQuery>, OpsOrch.Service[]>;
  'deployment.query': Handler<Limited<OpsOrch.DeploymentQuery>, OpsOrch.Deployment[]>;
  'deployment.get': Handler<ById, OpsOrch.Deployment>;
  'team.query': Handler<Limited<OpsOrch.TeamQuery>, OpsOrch.Team[]>;
  'team.get': Handler<ById, OpsOrch.Team>;
  'team.members': Handler<{ teamID: string }, OpsOrch.TeamMember[]>;
  'orchestration.plans.query': Handler<Limited<OpsOrch.OrchestrationPlanQuery>, OpsOrch.OrchestrationPlan[]>;
  'orchestration.plans.get': Handler<{ planId: string }, OpsOrch.OrchestrationPlan>;
  'orchestration.runs.query': Handler<Limited<OpsOrch.OrchestrationRunQuery>, OpsOrch.OrchestrationRun[]>;
  'orchestration.runs.get': Handler<{ runId: string }, OpsOrch.OrchestrationRun>;
  'orchestration.runs.start': Handler<{ planId: string }, OpsOrch.OrchestrationRun>;
  /** OpsOrch answers a completion with nothing; the gateway reads the run back. */
  'orchestration.runs.steps.complete': Handler<{ runId: string; stepId: string; actor: string; note: string }, null>;
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
