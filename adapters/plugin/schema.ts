/**
 * OpsOrch Core's schema (`schema/*.go` of OpsOrch/opsorch-core at f3b9dcae, the commit of
 * ../shared/opsorch/bin/opsorch) as the JSON a plugin reads and writes: what the gateway sends a
 * plugin and what it reads back, exactly as OpsOrch Core does. Times are RFC 3339 strings; members
 * Go leaves out when empty (`omitempty`) are optional. Statuses, severities and kinds are the
 * provider's own words (`open`, `sev2`, `in_review`, `success`): the gateway maps them.
 */

type Bag = Record<string, unknown>;

/** QueryScope: the shared filter. OpsOrch records name services and teams by ID, so these are IDs. */
export interface QueryScope {
  service?: string;
  team?: string;
  environment?: string;
}

// ---- incidents ----

export interface IncidentQuery {
  query?: string;
  statuses?: string[];
  severities?: string[];
  scope?: QueryScope;
  limit?: number;
  metadata?: Bag;
}

export interface Incident {
  id: string;
  title: string;
  description?: string;
  status: string;
  severity: string;
  /** The service's ID. */
  service?: string;
  url?: string;
  createdAt: string;
  updatedAt: string;
  fields?: Bag;
  metadata?: Bag;
}

export interface CreateIncidentInput {
  title: string;
  description?: string;
  status: string;
  severity: string;
  service?: string;
  fields?: Bag;
  metadata?: Bag;
}

/** Members left out stay as stored; `fields` and `metadata` replace the stored ones whole. */
export interface UpdateIncidentInput {
  title?: string;
  description?: string;
  status?: string;
  severity?: string;
  service?: string;
  fields?: Bag;
  metadata?: Bag;
}

export interface TimelineEntry {
  id: string;
  incidentId: string;
  at: string;
  kind: string;
  body: string;
  actor?: Bag;
  metadata?: Bag;
}

export interface TimelineAppendInput {
  at: string;
  kind: string;
  body: string;
  actor?: Bag;
  metadata?: Bag;
}

// ---- alerts ----

export interface AlertQuery {
  query?: string;
  statuses?: string[];
  severities?: string[];
  scope?: QueryScope;
  limit?: number;
  metadata?: Bag;
}

export interface Alert {
  id: string;
  title: string;
  description?: string;
  status: string;
  severity: string;
  service?: string;
  url?: string;
  createdAt: string;
  updatedAt: string;
  fields?: Bag;
  metadata?: Bag;
}

// ---- logs ----

export interface LogFilter {
  field: string;
  /** `=`, `!=`, `contains`, `regex` (a provider may not support all). */
  operator: string;
  value: string;
}

export interface LogExpression {
  /** Full-text search. */
  search?: string;
  filters?: LogFilter[];
  /** Normalized severity words: `debug`, `info`, `warn`, `error`, `critical`. */
  severityIn?: string[];
}

export interface LogQuery {
  expression?: LogExpression;
  start: string;
  end: string;
  scope?: QueryScope;
  limit?: number;
  metadata?: Bag;
}

export interface LogEntry {
  timestamp: string;
  message: string;
  severity?: string;
  service?: string;
  labels?: Record<string, string>;
  /** Structured attributes; `fields.url` is the line's deep link. */
  fields?: Bag;
  metadata?: Bag;
}

export interface LogEntries {
  entries: LogEntry[];
  url?: string;
}

// ---- metrics ----

export interface MetricFilter {
  label: string;
  /** `=`, `!=`, `=~`, `!~`. */
  operator: string;
  value: string;
}

export interface MetricExpression {
  metricName: string;
  /** `avg`, `sum`, `max`, `min`, `count`. */
  aggregation?: string;
  filters?: MetricFilter[];
  groupBy?: string[];
}

export interface MetricQuery {
  expression?: MetricExpression;
  start: string;
  end: string;
  /** Seconds. */
  step: number;
  scope?: QueryScope;
  metadata?: Bag;
}

export interface MetricPoint {
  timestamp: string;
  value: number;
}

export interface MetricSeries {
  name: string;
  service?: string;
  labels?: Bag;
  points: MetricPoint[];
  url?: string;
  metadata?: Bag;
}

export interface MetricDescriptor {
  name: string;
  /** `counter`, `gauge`, `histogram`. */
  type: string;
  description: string;
  labels: string[];
  unit?: string;
  url?: string;
  metadata?: Bag;
}

// ---- tickets ----

export interface TicketQuery {
  query?: string;
  statuses?: string[];
  assignees?: string[];
  reporter?: string;
  scope?: QueryScope;
  limit?: number;
  metadata?: Bag;
}

/** OpsOrch keeps a ticket's priority in `fields.priority` and its incidents in `metadata.relatedIncidents`. */
export interface Ticket {
  id: string;
  key?: string;
  title: string;
  description?: string;
  status: string;
  assignees?: string[];
  reporter?: string;
  url?: string;
  createdAt: string;
  updatedAt: string;
  fields?: Bag;
  metadata?: Bag;
}

export interface CreateTicketInput {
  title: string;
  description?: string;
  fields?: Bag;
  metadata?: Bag;
}

export interface UpdateTicketInput {
  title?: string;
  description?: string;
  status?: string;
  assignees?: string[];
  fields?: Bag;
  metadata?: Bag;
}

// ---- messaging ----

export interface Block {
  type: string;
  text?: string;
  fields?: Record<string, string>;
}

export interface Message {
  channel: string;
  body: string;
  metadata?: Bag;
  threadRef?: string;
  blocks?: Block[];
}

export interface MessageResult {
  id: string;
  channel: string;
  sentAt: string;
  url?: string;
  metadata?: Bag;
}

// ---- services and teams ----

export interface ServiceQuery {
  /** Look-up by ID: the gateway resolves OpsOrch's service references with it. */
  ids?: string[];
  name?: string;
  tags?: Record<string, string>;
  limit?: number;
  scope?: QueryScope;
  metadata?: Bag;
}

/** `tags.owner` names the owning team's ID; `tags.tier` and `tags.env` are read too. */
export interface Service {
  id: string;
  name: string;
  url?: string;
  tags?: Record<string, string>;
  metadata?: Bag;
}

export interface TeamQuery {
  name?: string;
  tags?: Record<string, string>;
  scope?: QueryScope;
  metadata?: Bag;
}

export interface Team {
  id: string;
  name: string;
  parent?: string;
  url?: string;
  tags?: Record<string, string>;
  metadata?: Bag;
}

/** OpsOrch has no on-call field; the role `oncall` marks who is on call. */
export interface TeamMember {
  id: string;
  name?: string;
  email?: string;
  handle?: string;
  role?: string;
  metadata?: Bag;
}

// ---- deployments ----

export interface DeploymentQuery {
  query?: string;
  statuses?: string[];
  versions?: string[];
  scope?: QueryScope;
  limit?: number;
  metadata?: Bag;
}

/** `metadata.commit` is the deployed commit; `actor.name` who deployed. */
export interface Deployment {
  id: string;
  service?: string;
  environment?: string;
  version?: string;
  status: string;
  startedAt: string;
  finishedAt?: string;
  url?: string;
  actor?: Bag;
  fields?: Bag;
  metadata?: Bag;
}

// ---- orchestration ----

export interface OrchestrationPlanQuery {
  query?: string;
  scope?: QueryScope;
  tags?: Record<string, string>;
  limit?: number;
  metadata?: Bag;
}

export interface OrchestrationStep {
  id: string;
  title: string;
  /** `manual` or `automated`. */
  type?: string;
  description?: string;
  dependsOn?: string[];
  fields?: Bag;
  metadata?: Bag;
}

export interface OrchestrationPlan {
  id: string;
  title: string;
  description?: string;
  steps: OrchestrationStep[];
  url?: string;
  version?: string;
  tags?: Record<string, string>;
  fields?: Bag;
  metadata?: Bag;
}

export interface OrchestrationRunQuery {
  query?: string;
  /** `created`, `running`, `blocked`, `completed`, `failed`, `cancelled`. */
  statuses?: string[];
  planIds?: string[];
  scope?: QueryScope;
  limit?: number;
  metadata?: Bag;
}

export interface OrchestrationStepState {
  stepId: string;
  /** `pending`, `ready`, `running`, `blocked`, `succeeded`, `failed`, `skipped`, `cancelled`. */
  status: string;
  actor?: string;
  note?: string;
  startedAt?: string;
  finishedAt?: string;
  updatedAt?: string;
  fields?: Bag;
  metadata?: Bag;
}

export interface OrchestrationRun {
  id: string;
  planId: string;
  /** Optional: without it the gateway reads the plan to name the steps. */
  plan?: OrchestrationPlan;
  status: string;
  scope?: QueryScope;
  steps: OrchestrationStepState[];
  createdAt: string;
  updatedAt: string;
  url?: string;
  fields?: Bag;
  metadata?: Bag;
}
