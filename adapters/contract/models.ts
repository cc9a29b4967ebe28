/**
 * Normalized, provider-agnostic records. Adapters produce these; the gateway never sees a
 * provider's own shapes. IDs are the provider's native IDs; the gateway wraps them into global
 * IDs. Cross-capability references (service, team) are by name, because the record on the other
 * side may live in another provider: the gateway joins them through canonical names and aliases.
 * Timestamps are ISO 8601 strings in UTC.
 */

export type Capability =
  | 'incident'
  | 'alert'
  | 'log'
  | 'metric'
  | 'ticket'
  | 'messaging'
  | 'service'
  | 'deployment'
  | 'team'
  | 'orchestration'
  | 'secret';

export const CAPABILITIES: readonly Capability[] = [
  'incident',
  'alert',
  'log',
  'metric',
  'ticket',
  'messaging',
  'service',
  'deployment',
  'team',
  'orchestration',
  'secret',
];

export type JsonObject = { [key: string]: unknown };

/** Fields every provider record carries. */
export interface ProviderRecord {
  /** The provider's native ID. */
  id: string;
  /** Deep link into the source tool, or null when it has none. */
  url: string | null;
  /** Provider extras that have no place in the normalized model. */
  fields?: JsonObject;
  metadata?: JsonObject;
}

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFO' | 'UNKNOWN';

export interface Scope {
  service?: string;
  team?: string;
  environment?: string;
  /**
   * The service's and team's native IDs in their own providers, when the scope comes from a record
   * (`Service.incidents`, `Team.services`): providers whose records name services and teams by ID
   * (OpsOrch plugins: `svc-checkout`, `team-velocity`) filter by these instead of the display name.
   */
  serviceId?: string;
  teamId?: string;
}

export interface TimeRange {
  start: string;
  end: string;
}

// --- incidents ---------------------------------------------------------------------------------

export type IncidentStatus = 'TRIGGERED' | 'ACKNOWLEDGED' | 'MITIGATED' | 'RESOLVED' | 'UNKNOWN';

export interface Incident extends ProviderRecord {
  title: string;
  description?: string | null;
  status: IncidentStatus;
  rawStatus?: string | null;
  severity: Severity;
  rawSeverity?: string | null;
  createdAt: string;
  updatedAt?: string | null;
  acknowledgedAt?: string | null;
  resolvedAt?: string | null;
  assignees: string[];
  /** The affected service's name as this provider knows it. */
  service?: string | null;
  /** The owning team's name or handle, when the incident names one. */
  team?: string | null;
}

export type TimelineEntryKind =
  | 'CREATED'
  | 'NOTE'
  | 'STATUS_CHANGE'
  | 'SEVERITY_CHANGE'
  | 'ASSIGNMENT'
  | 'ESCALATION'
  | 'NOTIFICATION'
  | 'ALERT'
  | 'DEPLOYMENT'
  | 'MESSAGE'
  | 'OTHER';

export interface TimelineEntry extends ProviderRecord {
  /** The native ID of the incident the entry belongs to. */
  incidentId: string;
  kind: TimelineEntryKind;
  rawKind?: string | null;
  body: string;
  actor?: string | null;
  at: string;
}

export interface IncidentQuery extends PageRequest {
  scope?: Scope;
  statuses?: IncidentStatus[];
  severities?: Severity[];
  assignees?: string[];
  query?: string;
  createdWithin?: TimeRange;
}

export interface IncidentCreate {
  title: string;
  description?: string | null;
  severity?: Severity;
  service?: string | null;
  team?: string | null;
  assignees?: string[];
  fields?: JsonObject;
}

export interface IncidentUpdate {
  title?: string;
  description?: string | null;
  status?: IncidentStatus;
  severity?: Severity;
  assignees?: string[];
  fields?: JsonObject;
  /** Recorded on the timeline with the change, when the provider supports it. */
  note?: string;
}

export interface TimelineAppend {
  kind: TimelineEntryKind;
  body: string;
  actor?: string | null;
}

// --- alerts ------------------------------------------------------------------------------------

export type AlertStatus = 'FIRING' | 'ACKNOWLEDGED' | 'SILENCED' | 'INHIBITED' | 'RESOLVED' | 'UNKNOWN';

export interface Alert extends ProviderRecord {
  title: string;
  description?: string | null;
  status: AlertStatus;
  rawStatus?: string | null;
  severity: Severity;
  rawSeverity?: string | null;
  startsAt: string;
  endsAt?: string | null;
  labels?: Record<string, string>;
  service?: string | null;
}

export interface AlertQuery extends PageRequest {
  scope?: Scope;
  statuses?: AlertStatus[];
  severities?: Severity[];
  query?: string;
  activeWithin?: TimeRange;
}

/** Selects alerts by label, for silences. */
export interface AlertMatcher {
  name: string;
  value: string;
  op: MetricLabelOp;
}

/** Mute alerts for a while: the given alert (by native ID) or whatever the matchers select. */
export interface AlertSilenceCreate {
  alertId?: string;
  matchers?: AlertMatcher[];
  durationSeconds: number;
  comment: string;
  createdBy: string;
}

export interface AlertSilence extends ProviderRecord {
  matchers: AlertMatcher[];
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string;
}

// --- logs --------------------------------------------------------------------------------------

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'UNKNOWN';

export interface LogEntry {
  timestamp: string;
  message: string;
  level: LogLevel;
  rawLevel?: string | null;
  service?: string | null;
  labels?: Record<string, string>;
  url: string | null;
  /** The provider's ID for the line, when it has one. */
  id?: string;
  fields?: JsonObject;
  metadata?: JsonObject;
}

export type LogFieldFilterOp = 'EQ' | 'NEQ' | 'CONTAINS' | 'REGEX';

/** A condition on one named field of a log record; values are literal, never query syntax. */
export interface LogFieldFilter {
  field: string;
  op: LogFieldFilterOp;
  value: string;
}

export interface LogQuery {
  query?: string;
  scope?: Scope;
  levels?: LogLevel[];
  /** All must hold. */
  filters?: LogFieldFilter[];
  /** `query` is in the provider's own language; adapters refuse it unless their config allows it. */
  raw?: boolean;
  start: string;
  end: string;
  limit: number;
}

export interface LogResult {
  /** Newest first. */
  entries: LogEntry[];
  url: string | null;
  truncated: boolean;
}

// --- metrics -----------------------------------------------------------------------------------

export type MetricAggregation = 'SUM' | 'AVG' | 'MIN' | 'MAX' | 'COUNT' | 'RATE' | 'P50' | 'P90' | 'P99';
export type MetricType = 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNKNOWN';
export type MetricLabelOp = 'EQ' | 'NEQ' | 'REGEX' | 'NOT_REGEX';

export interface MetricLabelMatcher {
  name: string;
  value: string;
  op: MetricLabelOp;
}

export interface MetricQuery {
  name?: string;
  expression?: string;
  scope?: Scope;
  labels?: MetricLabelMatcher[];
  aggregation?: MetricAggregation;
  groupBy?: string[];
  start: string;
  end: string;
  /** Seconds; always set by the gateway (never 0). */
  step: number;
}

export interface MetricPoint {
  timestamp: string;
  value: number | null;
}

export interface MetricSeries {
  name: string;
  labels: Record<string, string>;
  unit?: string | null;
  points: MetricPoint[];
  url: string | null;
}

export interface MetricDescriptor {
  name: string;
  type: MetricType;
  help?: string | null;
  unit?: string | null;
  labels: string[];
}

// --- tickets -----------------------------------------------------------------------------------

export type TicketStatus = 'OPEN' | 'IN_PROGRESS' | 'BLOCKED' | 'DONE' | 'CANCELLED' | 'UNKNOWN';
export type TicketPriority = 'HIGHEST' | 'HIGH' | 'MEDIUM' | 'LOW' | 'LOWEST' | 'UNKNOWN';

export interface Ticket extends ProviderRecord {
  key: string;
  title: string;
  description?: string | null;
  status: TicketStatus;
  rawStatus?: string | null;
  priority: TicketPriority;
  rawPriority?: string | null;
  assignee?: string | null;
  reporter?: string | null;
  createdAt: string;
  updatedAt?: string | null;
  service?: string | null;
  /** Native IDs of the incidents this ticket is linked to. */
  incidentIds: string[];
}

export interface TicketQuery extends PageRequest {
  scope?: Scope;
  statuses?: TicketStatus[];
  assignees?: string[];
  query?: string;
  /** Native incident ID the tickets must be linked to. */
  incidentId?: string;
}

export interface TicketCreate {
  title: string;
  description?: string | null;
  priority?: TicketPriority;
  assignee?: string | null;
  service?: string | null;
  incidentId?: string | null;
  fields?: JsonObject;
}

export interface TicketUpdate {
  title?: string;
  description?: string | null;
  status?: TicketStatus;
  priority?: TicketPriority;
  assignee?: string | null;
  incidentId?: string | null;
  fields?: JsonObject;
}

// --- services and teams ------------------------------------------------------------------------

export interface Service extends ProviderRecord {
  name: string;
  aliases?: string[];
  description?: string | null;
  tier?: string | null;
  environment?: string | null;
  /** Owning team's name or handle. */
  team?: string | null;
}

export interface ServiceQuery extends PageRequest {
  scope?: Scope;
  names?: string[];
  query?: string;
}

export interface Team extends ProviderRecord {
  name: string;
  handle?: string | null;
  description?: string | null;
}

export interface TeamMember {
  name: string;
  email?: string | null;
  handle?: string | null;
  role?: string | null;
  /** e.g. `primary`; null or absent when not on call now. */
  onCallRole?: string | null;
  /** When the current on-call shift ends; null or absent when not on call, open-ended, or unknown. */
  onCallUntil?: string | null;
  url: string | null;
  id?: string;
}

/** A team's members, found by a reference to the team (its ID, name or handle). */
export interface ReferencedMembers {
  /** The native ID of the team the reference matched. */
  teamId: string;
  members: TeamMember[];
}

/** Who is next in a team a record names (`TeamCapability.nextOnCallByReference`). */
export interface ReferencedShifts {
  /** The native ID of the team the reference matched. */
  teamId: string;
  shifts: OnCallShift[];
}

/** A member's on-call shift in one position, from a provider that keeps schedules. */
export interface OnCallShift {
  member: TeamMember;
  /** The position, as `TeamMember.onCallRole` names it (`primary`, `secondary`, ...). */
  role: string;
  start: string;
  /** Null when the shift has no end. */
  end: string | null;
}

export interface TeamQuery extends PageRequest {
  names?: string[];
  query?: string;
}

// --- deployments -------------------------------------------------------------------------------

export type DeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'ROLLED_BACK'
  | 'CANCELLED'
  | 'UNKNOWN';

export interface Deployment extends ProviderRecord {
  service?: string | null;
  version?: string | null;
  environment?: string | null;
  status: DeploymentStatus;
  rawStatus?: string | null;
  startedAt: string;
  finishedAt?: string | null;
  commit?: string | null;
  author?: string | null;
  description?: string | null;
}

export interface DeploymentQuery extends PageRequest {
  scope?: Scope;
  statuses?: DeploymentStatus[];
  query?: string;
  startedWithin?: TimeRange;
}

// --- messaging ---------------------------------------------------------------------------------

export interface MessageSend {
  channel: string;
  body: string;
  /** Native incident ID, when the message concerns an incident. */
  incidentId?: string | null;
  /** The `id` of an earlier message: the new one replies in its thread. */
  threadId?: string | null;
  /** The incident at a glance, built by the gateway from the graph when the caller asks for it. */
  incident?: IncidentSummary | null;
}

/** What an incident summary message shows; every value is plain text, never provider markup. */
export interface IncidentSummary {
  title: string;
  severity: Severity;
  status: IncidentStatus;
  service?: string | null;
  /** Deep link to the incident in its own tool. */
  url?: string | null;
  /** Who is on call for the incident's team now, highest role first. */
  onCall: { name: string; role?: string | null; url?: string | null }[];
  /** Further deep links (service, dashboards), in display order. */
  links: { label: string; url: string }[];
}

export interface Message extends ProviderRecord {
  channel: string;
  body: string;
  sentAt: string;
  /** The thread the message was posted in, when it is a reply. */
  threadId?: string | null;
}

// --- orchestration -----------------------------------------------------------------------------

export type OrchestrationStepKind = 'MANUAL' | 'AUTOMATED';
export type OrchestrationRunStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'WAITING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'CANCELLED'
  | 'UNKNOWN';
export type OrchestrationStepStatus =
  | 'PENDING'
  | 'RUNNING'
  | 'WAITING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'SKIPPED'
  | 'UNKNOWN';

export interface OrchestrationStep {
  id: string;
  name: string;
  kind: OrchestrationStepKind;
  description?: string | null;
}

export interface OrchestrationPlan extends ProviderRecord {
  name: string;
  description?: string | null;
  service?: string | null;
  steps: OrchestrationStep[];
}

export interface OrchestrationRunStep {
  id: string;
  name: string;
  kind: OrchestrationStepKind;
  status: OrchestrationStepStatus;
  rawStatus?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
  actor?: string | null;
  note?: string | null;
}

export interface OrchestrationRun extends ProviderRecord {
  planId: string;
  /** Native incident ID, when the run was started for an incident. */
  incidentId?: string | null;
  status: OrchestrationRunStatus;
  rawStatus?: string | null;
  startedAt: string;
  finishedAt?: string | null;
  steps: OrchestrationRunStep[];
}

export interface OrchestrationPlanQuery extends PageRequest {
  scope?: Scope;
  query?: string;
}

export interface OrchestrationRunQuery extends PageRequest {
  scope?: Scope;
  statuses?: OrchestrationRunStatus[];
  planId?: string;
  incidentId?: string;
}

export interface OrchestrationRunStart {
  planId: string;
  incidentId?: string | null;
  parameters?: JsonObject;
}

export interface OrchestrationStepComplete {
  runId: string;
  stepId: string;
  outcome: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  note?: string | null;
  actor?: string | null;
}

// --- paging ------------------------------------------------------------------------------------

/**
 * Where a list resumes: right after the record with this sort key and native ID, in the list's
 * order (`LIST_ORDERS`). Positions are keys, not offsets, so records created or removed while a
 * client pages never shift what comes next.
 */
export interface ListPosition {
  /** The sort key of the last record seen (a timestamp for lists newest first, else a name). */
  key: string;
  /**
   * Records with equal keys order by native ID (ascending, by code unit). Absent: the list resumes
   * after every record with `key`; empty: before all of them (IDs are never empty).
   */
  id?: string;
}

/** Every list query asks for at most `first` records after a position. */
export interface PageRequest {
  first: number;
  /** Absent for the first page. */
  after?: ListPosition;
}

export interface Page<T> {
  /** In the list's order (`LIST_ORDERS`), whatever order the provider keeps. */
  nodes: T[];
  hasNextPage: boolean;
  /** Total matching records, when the provider can tell cheaply. */
  totalCount?: number | null;
  /**
   * True when the list may go on past the records the adapter can reach (e.g. it asks its provider
   * for at most so many): `hasNextPage` false then ends only what it reached, and the gateway's
   * counts of the list are lower bounds (`approximate`).
   */
  incomplete?: boolean;
}

// --- health ------------------------------------------------------------------------------------

export type HealthStatus = 'HEALTHY' | 'DEGRADED' | 'DOWN' | 'UNKNOWN';

export interface Health {
  status: HealthStatus;
  message?: string | null;
}
