/**
 * One interface per capability. Batched shape, after Grafana's data-source SDK: reads take many
 * queries or IDs in one call and answer with a result or an Error per item, same length and
 * order, so one bad item never fails its neighbours. Writes are single operations.
 */
import type {
  Alert,
  AlertQuery,
  AlertSilence,
  AlertSilenceCreate,
  Deployment,
  DeploymentQuery,
  Health,
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
  OnCallShift,
  OrchestrationPlan,
  OrchestrationPlanQuery,
  OrchestrationRun,
  OrchestrationRunQuery,
  OrchestrationRunStart,
  OrchestrationStepComplete,
  Page,
  ReferencedMembers,
  ReferencedShifts,
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
} from './models.js';

/** Per-item outcome of a batched call. */
export type Result<T> = T | Error;

/** Passed to every call: cancellation, and the request it serves (for logs). */
export interface CallContext {
  signal?: AbortSignal;
  requestId?: string;
  /** Who a write is made for (token name, JWT subject): adapters name them where the provider can. */
  actor?: string;
}

/** Batched read by native ID: results in the same order and length as `ids`. */
export type GetMany<T> = (ids: readonly string[], ctx: CallContext) => Promise<Result<T>[]>;

/** Batched list queries: one page (or Error) per query, same order and length. */
export type QueryMany<Q, T> = (queries: readonly Q[], ctx: CallContext) => Promise<Result<Page<T>>[]>;

export interface IncidentCapability {
  query: QueryMany<IncidentQuery, Incident>;
  getMany: GetMany<Incident>;
  create(input: IncidentCreate, ctx: CallContext): Promise<Incident>;
  update(id: string, input: IncidentUpdate, ctx: CallContext): Promise<Incident>;
  /** Whole timelines of many incidents, newest first. */
  timelines(incidentIds: readonly string[], ctx: CallContext): Promise<Result<TimelineEntry[]>[]>;
  appendTimeline(incidentId: string, entry: TimelineAppend, ctx: CallContext): Promise<TimelineEntry>;
}

export interface AlertCapability {
  query: QueryMany<AlertQuery, Alert>;
  getMany: GetMany<Alert>;
  /** Optional: only providers that can mute alerts (e.g. Alertmanager) offer it. */
  silence?(input: AlertSilenceCreate, ctx: CallContext): Promise<AlertSilence>;
}

export interface LogCapability {
  query(queries: readonly LogQuery[], ctx: CallContext): Promise<Result<LogResult>[]>;
}

export interface MetricCapability {
  query(queries: readonly MetricQuery[], ctx: CallContext): Promise<Result<MetricSeries[]>[]>;
  describe(scopes: readonly Scope[], ctx: CallContext): Promise<Result<MetricDescriptor[]>[]>;
}

export interface TicketCapability {
  query: QueryMany<TicketQuery, Ticket>;
  getMany: GetMany<Ticket>;
  create(input: TicketCreate, ctx: CallContext): Promise<Ticket>;
  update(id: string, input: TicketUpdate, ctx: CallContext): Promise<Ticket>;
}

export interface MessagingCapability {
  send(input: MessageSend, ctx: CallContext): Promise<Message>;
}

export interface ServiceCapability {
  query: QueryMany<ServiceQuery, Service>;
  getMany: GetMany<Service>;
}

export interface TeamCapability {
  query: QueryMany<TeamQuery, Team>;
  getMany: GetMany<Team>;
  /** Members of many teams (by native team ID), with who is on call now and until when. */
  members(teamIds: readonly string[], ctx: CallContext): Promise<Result<TeamMember[]>[]>;
  /**
   * Members of many teams by the reference a record carries (an incident's or service's team):
   * the team's native ID, else its name or handle, case-insensitively, as the gateway matches a
   * team by name; an error (not found) for a reference that matches none. Providers that can
   * answer it without the team record first implement it, so members are read alongside the team
   * instead of after it; without it the gateway reads the team, then its members.
   */
  membersByReference?(references: readonly string[], ctx: CallContext): Promise<Result<ReferencedMembers>[]>;
  /**
   * Who takes over each on-call position after the current shift, and when, for many teams.
   * Only providers that keep schedules implement it; without it the gateway answers null.
   */
  nextOnCall?(teamIds: readonly string[], ctx: CallContext): Promise<Result<OnCallShift[]>[]>;
  /**
   * `nextOnCall` by the reference a record carries, as `membersByReference` takes it, so who is
   * next is read alongside the team record instead of after it; without it the gateway reads the
   * team, then `nextOnCall`.
   */
  nextOnCallByReference?(references: readonly string[], ctx: CallContext): Promise<Result<ReferencedShifts>[]>;
}

export interface DeploymentCapability {
  query: QueryMany<DeploymentQuery, Deployment>;
  getMany: GetMany<Deployment>;
}

export interface OrchestrationCapability {
  queryPlans: QueryMany<OrchestrationPlanQuery, OrchestrationPlan>;
  getPlans: GetMany<OrchestrationPlan>;
  queryRuns: QueryMany<OrchestrationRunQuery, OrchestrationRun>;
  getRuns: GetMany<OrchestrationRun>;
  startRun(input: OrchestrationRunStart, ctx: CallContext): Promise<OrchestrationRun>;
  completeStep(input: OrchestrationStepComplete, ctx: CallContext): Promise<OrchestrationRun>;
}

export interface SecretCapability {
  get(key: string, ctx: CallContext): Promise<string>;
  put?(key: string, value: string, ctx: CallContext): Promise<void>;
  /**
   * Optional: calls `listener` with the keys, among those read so far, whose values have changed
   * (rotated in the store, or a lease ran out). The gateway then rebuilds every provider whose
   * config refers to one of them. Returns an unsubscribe function.
   */
  onChange?(listener: (keys: readonly string[]) => void): () => void;
}

export interface CapabilityMap {
  incident: IncidentCapability;
  alert: AlertCapability;
  log: LogCapability;
  metric: MetricCapability;
  ticket: TicketCapability;
  messaging: MessagingCapability;
  service: ServiceCapability;
  deployment: DeploymentCapability;
  team: TeamCapability;
  orchestration: OrchestrationCapability;
  secret: SecretCapability;
}

/** Something the adapter emits on its own (or a webhook delivery carries): a timeline entry or an incident change. */
export type ProviderEvent =
  | { type: 'timeline.appended'; entry: TimelineEntry }
  | { type: 'incident.updated'; incident: Incident; changedFields: string[]; previousStatus?: Incident['status'] }
  /**
   * The provider said something changed but not what it now is (PagerDuty's v3 webhooks): the data
   * floor re-reads the incident and its timeline entries since `occurredAt`, through its metered reads.
   */
  | { type: 'incident.changed'; incidentId: string; occurredAt: string; changedFields: string[] }
  /**
   * Something that happened beside incidents — a deploy of a service, a change to a ticket linked
   * to incidents — for the live timelines of the incidents it concerns: every open incident of
   * `service` (by the emitting provider's name for it, mapped through the service aliases) and the
   * incidents `incidentIds` links to (native IDs, found like any linked record). It lands on 50
   * incidents at most (`ACTIVITY_FAN_OUT` in `src/data/intake.ts`): the first distinct IDs named, then
   * the service's newest open incidents. `entry.id` is the same whenever the same happening is
   * reported again, so a redelivery is published once.
   */
  | { type: 'activity'; service?: string; incidentIds?: string[]; entry: Omit<TimelineEntry, 'incidentId'> };

/** One HTTP delivery to `POST /webhooks/<provider instance name>`, exactly as received. */
export interface WebhookDelivery {
  rawBody: Buffer;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
}

/**
 * A provider that pushes owns its wire format: the core serves one generic route per provider
 * instance and knows nothing of signatures or payloads.
 */
export interface AdapterWebhook {
  /** False (answered 401) unless the delivery's signature or token is valid. */
  verify(delivery: WebhookDelivery): boolean | Promise<boolean>;
  /** The normalized events a verified delivery carries; throws (answered 400) on a malformed body. */
  events(delivery: WebhookDelivery): ProviderEvent[] | Promise<ProviderEvent[]>;
}

/**
 * A webhook setting from before webhooks moved into adapters, still honoured: the environment
 * variable that held the webhook's secrets fills `configKey` in the config of every instance of the
 * kind that does not set it. The core applies it without knowing which provider it is.
 */
export interface LegacyWebhookSetting {
  /** Comma-separated secrets, 16 characters or more each. */
  variable: string;
  configKey: string;
  /** One secret (a token) rather than a list (signing secrets, several while one is rotated). */
  single?: boolean;
  /** With no instance of the kind configured: the name of a webhook-only instance the variable starts. */
  webhookOnlyInstance?: string;
}

/**
 * A provider adapter: declares what it serves, validates its config at construction (throwing an
 * error that names the bad key), reports health, and may push events.
 */
export interface Adapter {
  /** Adapter kind, e.g. `mock`, `pagerduty`, `plugin`. */
  readonly kind: string;
  readonly capabilities: Partial<CapabilityMap>;
  checkHealth(ctx: CallContext): Promise<Health>;
  /** What the adapter runs and keeps beside its provider, read at each `/metrics` scrape. */
  status?(): AdapterStatus;
  /** Subscribe to events the provider produces itself; returns an unsubscribe function. */
  onEvent?(listener: (event: ProviderEvent) => void): () => void;
  /** Present when the provider pushes over HTTP (PagerDuty, Alertmanager, GitHub, Datadog…). */
  readonly webhook?: AdapterWebhook;
  /** Release timers, sockets and child processes. */
  close?(): Promise<void>;
}

/** An adapter's own processes and memory; each figure only where the adapter has such a thing. */
export interface AdapterStatus {
  /** Child processes running now (a plugin's). */
  processes?: number;
  /** Times a child process stopped unasked and was restarted, since the adapter started. */
  restarts?: number;
  /** Characters of provider answers held to be found again (a plugin's held answers), at most its bound. */
  heldAnswerChars?: number;
}

/** Builds an adapter from its (secret-resolved) config object. */
export type AdapterFactory = (config: Record<string, unknown>, env: AdapterEnvironment) => Adapter | Promise<Adapter>;

export interface AdapterEnvironment {
  /** The provider instance name, as it appears in `Source.provider`. */
  name: string;
  logger: AdapterLogger;
}

export interface AdapterLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
