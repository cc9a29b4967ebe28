/**
 * Plugin answers → the gateway's normalized records. Plugins speak OpsOrch Core's schema
 * (`schema/*.go`: Go-style JSON, `createdAt` as RFC 3339 with any offset, zero times for "unset",
 * `actor` as an object, a ticket's `assignees` list, a service's `tags`), and OpsOrch keeps much of
 * what the gateway models in `fields` and `metadata` (an incident's team, a ticket's priority and
 * service and related incidents, a deployment's commit, a log line's link), so those are read
 * there too. Raw statuses and severities are kept next to the normalized enums.
 */
import {
  AdapterError,
  type Alert,
  type Deployment,
  type Incident,
  type JsonObject,
  type LogEntry,
  type LogResult,
  type Message,
  type MetricDescriptor,
  type MetricSeries,
  type OrchestrationPlan,
  type OrchestrationRun,
  type OrchestrationRunStep,
  type OrchestrationStep,
  type Service,
  type Team,
  type TeamMember,
  type Ticket,
  type TimelineEntry,
  timestampMillis,
  utcForm,
  utcMillis,
} from '../contract/index.js';
import * as enums from './enums.js';

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(what: string): AdapterError {
  return new AdapterError('PROVIDER_ERROR', `plugin returned ${what}`);
}

function object(value: unknown, what: string): Raw {
  if (!isObject(value)) throw malformed(`${what} that is not a JSON object`);
  return value;
}

/** A list answer; Go encodes an empty slice as `null`. */
export function list(value: unknown, what: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw malformed(`${what} that is not a JSON array`);
  return value;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function id(raw: Raw, what: string, ...keys: string[]): string {
  for (const k of ['id', ...keys]) {
    const value = text(raw[k]);
    if (value !== null) return value;
  }
  throw malformed(`${what} without an id`);
}

/** Before 1900 is Go's zero `time.Time` (`0001-01-01T00:00:00Z`), which means "not set". */
const EARLIEST = Date.UTC(1900, 0, 1);

/**
 * What `new Date(Date.parse(value)).toISOString()` gives for a valid RFC 3339 timestamp in UTC, the
 * form OpsOrch's Go plugins write (`2026-12-01T13:51:01.028958793Z`; the fraction cut to
 * milliseconds, as Date.parse cuts it), without the Date: a list of plugin records has several per
 * record, a metric series one per point. Anything else (offsets, 24:00, 60 seconds, days a month
 * does not have, which Date rolls over) is null and goes the Date way.
 */
function utcTimestamp(value: string): string | null {
  const form = utcForm(value);
  return form !== null && utcMillis(form) >= EARLIEST ? form : null;
}

function time(value: unknown): string | null {
  if (typeof value === 'string') {
    const utc = utcTimestamp(value);
    if (utc !== null) return utc;
  }
  let ms: number;
  if (typeof value === 'number') ms = value < 1e12 ? value * 1000 : value;
  else if (typeof value === 'string' && value !== '') ms = Date.parse(value);
  else return null;
  return Number.isFinite(ms) && ms >= EARLIEST ? new Date(ms).toISOString() : null;
}

/** The first of up to three keys that holds a valid time (fixed parameters: no array per call). */
function firstTime(raw: Raw, key: string, second?: string, third?: string): string | null {
  return time(raw[key]) ?? (second === undefined ? null : firstTime(raw, second, third));
}

/** `what` names the record in the error, followed by `id` when given (the message built only when thrown). */
function requiredTime(raw: Raw, what: string, id: string | null, key: string, second?: string, third?: string): string {
  const value = firstTime(raw, key, second, third);
  if (value === null) throw malformed(`${id === null ? what : `${what} ${id}`} without a valid ${key} timestamp`);
  return value;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value) || value.length === 0) return [];
  return value.map(text).filter((v): v is string => v !== null);
}

function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  // Labels nearly always are strings already: then the plugin's object is the map, not a copy of it.
  let copy = false;
  for (const k in value) {
    const v = value[k];
    if (typeof v !== 'string' || v === '') {
      copy = true;
      break;
    }
  }
  if (!copy) return value as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const s = text(v);
    if (s !== null) out[k] = s;
  }
  return out;
}

function json(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

/** OpsOrch Core sends people as objects (`{"name": ...}`); the gateway wants one display string. */
function person(value: unknown): string | null {
  if (isObject(value)) return text(value.name) ?? text(value.email) ?? text(value.handle) ?? text(value.id);
  return text(value);
}

const present = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

/** The first of a record's own value, its `fields`' and its `metadata`'s that is present. */
function firstPresent(own: unknown, inFields: unknown, inMetadata: unknown): unknown {
  if (present(own)) return own;
  if (present(inFields)) return inFields;
  return present(inMetadata) ? inMetadata : undefined;
}

/** A value from the record itself, else from its `fields`, else from its `metadata`. */
function lookup(raw: Raw, name: string): unknown {
  return firstPresent(raw[name], json(raw.fields)?.[name], json(raw.metadata)?.[name]);
}

/**
 * Sets the plugin's `fields` (or those given) and `metadata` on the record, where present: a
 * spread in an object literal would copy them over property by property at run time.
 */
function withExtras<T extends { fields?: JsonObject; metadata?: JsonObject }>(
  record: T,
  raw: Raw,
  fields?: JsonObject,
): T {
  const f = fields ?? json(raw.fields);
  const m = json(raw.metadata);
  if (f) record.fields = f;
  if (m) record.metadata = m;
  return record;
}

function link(value: unknown): string | null {
  const found = text(value);
  return found !== null && /^https?:\/\//i.test(found) ? found : null;
}

function url(raw: Raw): string | null {
  return link(raw.url);
}

const NONE: readonly string[] = [];

/** An incident's own assignees, those in its `fields`, and its on-call assignee, each once. */
function assigneesOf(raw: Raw, fields: JsonObject | undefined, metadata: JsonObject | undefined): string[] {
  const own = strings(raw.assignees);
  const named = fields?.assignees;
  const inFields = named === undefined ? NONE : strings(named);
  const onCallNamed = firstPresent(raw.oncall_assignee, fields?.oncall_assignee, metadata?.oncall_assignee);
  const onCall = onCallNamed === undefined ? NONE : strings(onCallNamed);
  // Most incidents name none, or name them in one place only: no set to build then.
  if (inFields.length === 0 && onCall.length === 0 && own.length < 2) return own;
  return [...new Set([...own, ...inFields, ...onCall])];
}

/**
 * Every list of incidents passes each record here, so its `fields` and `metadata` are read once
 * and the members looked up in them by name, rather than by `lookup`'s computed keys.
 */
export function incident(value: unknown): Incident {
  const raw = object(value, 'an incident');
  const incidentId = id(raw, 'an incident');
  const rawStatus = text(raw.status);
  const rawSeverity = text(raw.severity);
  const fields = json(raw.fields);
  const metadata = json(raw.metadata);
  const normalized: Incident = {
    id: incidentId,
    title: text(raw.title) ?? incidentId,
    description: text(raw.description) ?? text(raw.summary),
    status: enums.incidentStatus.read(rawStatus),
    rawStatus,
    severity: enums.severity.read(rawSeverity),
    rawSeverity,
    createdAt: requiredTime(raw, 'incident', incidentId, 'createdAt', 'updatedAt'),
    updatedAt: firstTime(raw, 'updatedAt'),
    acknowledgedAt: time(firstPresent(raw.acknowledgedAt, fields?.acknowledgedAt, metadata?.acknowledgedAt)),
    resolvedAt: time(firstPresent(raw.resolvedAt, fields?.resolvedAt, metadata?.resolvedAt)),
    assignees: assigneesOf(raw, fields, metadata),
    service: text(firstPresent(raw.service, fields?.service, metadata?.service)),
    team: text(firstPresent(raw.team, fields?.team, metadata?.team)),
    url: url(raw),
  };
  if (fields) normalized.fields = fields;
  if (metadata) normalized.metadata = metadata;
  return normalized;
}

export function timelineEntry(value: unknown, incidentId: string): TimelineEntry {
  const raw = object(value, 'a timeline entry');
  const rawKind = text(raw.kind) ?? text(raw.type);
  return withExtras<TimelineEntry>(
    {
      id: id(raw, 'a timeline entry'),
      incidentId: text(raw.incidentId) ?? incidentId,
      kind: enums.timelineKind.read(rawKind),
      rawKind,
      body: text(raw.body) ?? text(raw.message) ?? '',
      actor: person(raw.actor),
      at: requiredTime(raw, 'a timeline entry', null, 'at', 'createdAt'),
      url: url(raw),
    },
    raw,
  );
}

export function alert(value: unknown): Alert {
  const raw = object(value, 'an alert');
  const alertId = id(raw, 'an alert');
  const rawStatus = text(raw.status);
  const rawSeverity = text(raw.severity);
  const labels = stringMap(raw.labels) ?? stringMap(raw.tags);
  const normalized: Alert = {
    id: alertId,
    title: text(raw.title) ?? alertId,
    description: text(raw.description),
    status: enums.alertStatus.read(rawStatus),
    rawStatus,
    severity: enums.alertSeverity.read(rawSeverity),
    rawSeverity,
    startsAt: requiredTime(raw, 'alert', alertId, 'startsAt', 'createdAt', 'updatedAt'),
    endsAt: time(raw.endsAt) ?? time(lookup(raw, 'resolvedAt')),
    service: text(lookup(raw, 'service')),
    url: url(raw),
  };
  if (labels) normalized.labels = labels;
  return withExtras(normalized, raw);
}

export function ticket(value: unknown): Ticket {
  const raw = object(value, 'a ticket');
  const ticketId = id(raw, 'a ticket');
  const rawStatus = text(raw.status);
  const rawPriority = text(lookup(raw, 'priority'));
  const incidentIds = [
    ...new Set([
      ...strings(raw.incidentIds),
      ...strings(raw.incidentId),
      ...strings(lookup(raw, 'relatedIncidents')),
      ...strings(lookup(raw, 'incidentId')),
    ]),
  ];
  return withExtras<Ticket>(
    {
      id: ticketId,
      key: text(raw.key) ?? ticketId,
      title: text(raw.title) ?? ticketId,
      description: text(raw.description),
      status: enums.ticketStatus.read(rawStatus),
      rawStatus,
      priority: enums.ticketPriority.read(rawPriority),
      rawPriority,
      assignee: person(raw.assignee) ?? strings(raw.assignees)[0] ?? null,
      reporter: person(raw.reporter),
      createdAt: requiredTime(raw, 'ticket', ticketId, 'createdAt', 'updatedAt'),
      updatedAt: firstTime(raw, 'updatedAt'),
      service: text(lookup(raw, 'service')),
      incidentIds,
      url: url(raw),
    },
    raw,
  );
}

export function service(value: unknown): Service {
  const raw = object(value, 'a service');
  const serviceId = id(raw, 'a service');
  const tags = stringMap(raw.tags) ?? {};
  const fields = json(raw.fields) ?? (Object.keys(tags).length > 0 ? { tags } : undefined);
  return withExtras<Service>(
    {
      id: serviceId,
      name: text(raw.name) ?? serviceId,
      aliases: strings(raw.aliases),
      description: text(raw.description) ?? text(json(raw.metadata)?.description),
      tier: text(raw.tier) ?? tags.tier ?? null,
      environment: text(raw.environment) ?? tags.environment ?? tags.env ?? null,
      team: text(raw.team) ?? tags.team ?? tags.owner ?? null,
      url: url(raw),
    },
    raw,
    fields,
  );
}

export function team(value: unknown): Team {
  const raw = object(value, 'a team');
  const teamId = id(raw, 'a team');
  const parent = text(raw.parent);
  const fields = json(raw.fields) ?? (parent ? { parent } : undefined);
  return withExtras<Team>(
    {
      id: teamId,
      name: text(raw.name) ?? teamId,
      handle: text(raw.handle) ?? teamId,
      description: text(raw.description),
      url: url(raw),
    },
    raw,
    fields,
  );
}

export function teamMember(value: unknown): TeamMember {
  const raw = object(value, 'a team member');
  const memberId = text(raw.id);
  const role = text(raw.role);
  return {
    name: text(raw.name) ?? text(raw.email) ?? text(raw.handle) ?? memberId ?? 'unknown',
    email: text(raw.email),
    handle: text(raw.handle),
    role,
    // OpsOrch Core has no on-call field; its convention is the role `oncall`.
    onCallRole: text(raw.onCallRole) ?? (role?.toLowerCase() === 'oncall' ? 'primary' : null),
    url: url(raw),
    ...(memberId === null ? {} : { id: memberId }),
  };
}

export function deployment(value: unknown): Deployment {
  const raw = object(value, 'a deployment');
  const deploymentId = id(raw, 'a deployment');
  const rawStatus = text(raw.status);
  return withExtras<Deployment>(
    {
      id: deploymentId,
      service: text(raw.service),
      version: text(raw.version),
      environment: text(raw.environment),
      status: enums.deploymentStatus.read(rawStatus),
      rawStatus,
      startedAt: requiredTime(raw, 'deployment', deploymentId, 'startedAt', 'createdAt'),
      finishedAt: firstTime(raw, 'finishedAt'),
      commit: text(lookup(raw, 'commit')) ?? text(lookup(raw, 'sha')),
      author: person(raw.author) ?? person(raw.actor),
      description: text(raw.description),
      url: url(raw),
    },
    raw,
  );
}

/** A log answer's entries, every one, newest first, and its link. */
export interface LogAnswer {
  entries: readonly LogEntry[];
  url: string | null;
}

export function logAnswer(value: unknown): LogAnswer {
  const raw = Array.isArray(value) ? { entries: value } : object(value ?? {}, 'a log result');
  // Newest first, each timestamp parsed once rather than twice per comparison.
  const entries = list(raw.entries, 'log entries')
    .map((value) => {
      const entry = logEntry(value);
      return { entry, at: timestampMillis(entry.timestamp) };
    })
    .sort((a, b) => b.at - a.at)
    .map((e) => e.entry);
  return { entries, url: url(raw) };
}

/** The first `limit` of a log answer's entries. */
export function logResult(answer: LogAnswer, limit: number): LogResult {
  return { entries: answer.entries.slice(0, limit), url: answer.url, truncated: answer.entries.length >= limit };
}

function logEntry(value: unknown): LogEntry {
  const raw = object(value, 'a log entry');
  const rawLevel = text(raw.level) ?? text(raw.severity);
  const labels = stringMap(raw.labels);
  const entryId = text(raw.id);
  const entry: LogEntry = {
    timestamp: requiredTime(raw, 'a log entry', null, 'timestamp', 'time'),
    message: text(raw.message) ?? '',
    level: enums.logLevel.read(rawLevel),
    rawLevel,
    service: text(raw.service),
    url: link(lookup(raw, 'url')),
  };
  if (labels) entry.labels = labels;
  if (entryId !== null) entry.id = entryId;
  return withExtras(entry, raw);
}

/** The name `metricSeries` gives a series, or undefined for what is not one (which it refuses). */
export function metricSeriesName(value: unknown): string | undefined {
  return isObject(value) ? (text(value.name) ?? 'unnamed') : undefined;
}

export function metricSeries(value: unknown): MetricSeries {
  const raw = object(value, 'a metric series');
  return {
    name: text(raw.name) ?? 'unnamed',
    labels: stringMap(raw.labels) ?? {},
    unit: text(raw.unit),
    points: list(raw.points, 'metric points').map((p) => {
      const point = object(p, 'a metric point');
      const v = point.value;
      return {
        timestamp: requiredTime(point, 'a metric point', null, 'timestamp'),
        value: typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v !== '' ? Number(v) : null,
      };
    }),
    url: url(raw),
  };
}

export function metricDescriptor(value: unknown): MetricDescriptor {
  const raw = object(value, 'a metric descriptor');
  return {
    name: text(raw.name) ?? 'unnamed',
    type: enums.metricType.read(raw.type),
    help: text(raw.help) ?? text(raw.description),
    unit: text(raw.unit),
    labels: strings(raw.labels),
  };
}

export function message(value: unknown, sent: { channel: string; body: string }): Message {
  const raw = isObject(value) ? value : {};
  return withExtras<Message>(
    {
      id: text(raw.id) ?? text(raw.ts) ?? `${sent.channel}@${Date.now()}`,
      channel: text(raw.channel) ?? sent.channel,
      body: text(raw.body) ?? sent.body,
      sentAt: firstTime(raw, 'sentAt') ?? new Date().toISOString(),
      url: url(raw),
    },
    raw,
  );
}

function planStep(value: unknown): OrchestrationStep {
  const raw = object(value, 'a plan step');
  const stepId = id(raw, 'a plan step', 'stepId');
  return {
    id: stepId,
    name: text(raw.name) ?? text(raw.title) ?? stepId,
    kind: enums.stepKind(raw.kind ?? raw.type),
    description: text(raw.description),
  };
}

export function plan(value: unknown): OrchestrationPlan {
  const raw = object(value, 'an orchestration plan');
  const planId = id(raw, 'an orchestration plan');
  const tags = stringMap(raw.tags) ?? {};
  return withExtras<OrchestrationPlan>(
    {
      id: planId,
      name: text(raw.name) ?? text(raw.title) ?? planId,
      description: text(raw.description),
      service: text(raw.service) ?? tags.service ?? text(lookup(raw, 'service')) ?? null,
      steps: list(raw.steps, 'plan steps').map(planStep),
      url: url(raw),
    },
    raw,
  );
}

/** OpsOrch run steps name only their `stepId`; the plan (embedded in the run, or passed) has the rest. */
function runStep(value: unknown, planSteps: ReadonlyMap<string, OrchestrationStep>): OrchestrationRunStep {
  const raw = object(value, 'a run step');
  const stepId = id(raw, 'a run step', 'stepId');
  const rawStatus = text(raw.status);
  const planned = planSteps.get(stepId);
  return {
    id: stepId,
    name: text(raw.name) ?? text(raw.title) ?? planned?.name ?? stepId,
    kind:
      raw.kind !== undefined || raw.type !== undefined
        ? enums.stepKind(raw.kind ?? raw.type)
        : (planned?.kind ?? 'AUTOMATED'),
    status: enums.stepStatus.read(rawStatus),
    rawStatus,
    startedAt: firstTime(raw, 'startedAt'),
    completedAt: firstTime(raw, 'completedAt', 'finishedAt'),
    actor: person(raw.actor),
    note: text(raw.note),
  };
}

/** `plan` is the run's plan when the caller has it and the run does not embed it. */
export function run(value: unknown, knownPlan?: OrchestrationPlan): OrchestrationRun {
  const raw = object(value, 'an orchestration run');
  const runId = id(raw, 'an orchestration run');
  const rawStatus = text(raw.status);
  const embedded = isObject(raw.plan) ? plan(raw.plan) : undefined;
  const steps = new Map((embedded ?? knownPlan)?.steps.map((s) => [s.id, s]) ?? []);
  const status = enums.runStatus.read(rawStatus);
  const finished = status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';
  return withExtras<OrchestrationRun>(
    {
      id: runId,
      planId: text(raw.planId) ?? embedded?.id ?? '',
      incidentId: text(lookup(raw, 'incidentId')),
      status,
      rawStatus,
      startedAt: requiredTime(raw, 'run', runId, 'startedAt', 'createdAt'),
      finishedAt: firstTime(raw, 'finishedAt') ?? (finished ? firstTime(raw, 'updatedAt') : null),
      steps: list(raw.steps, 'run steps').map((s) => runStep(s, steps)),
      url: url(raw),
    },
    raw,
  );
}

/** True when the run names steps the adapter can only name after reading its plan. */
export function runNeedsPlan(value: unknown): boolean {
  return isObject(value) && !isObject(value.plan) && Array.isArray(value.steps) && value.steps.length > 0;
}

/** `secret.get` answers a bare string in OpsOrch Core; `{"value": ...}` is accepted too. */
export function secretValue(value: unknown, key: string): string {
  const found = typeof value === 'string' ? value : isObject(value) ? value.value : undefined;
  if (typeof found !== 'string') throw new AdapterError('NOT_FOUND', `secret ${JSON.stringify(key)} not found`);
  return found;
}
