/**
 * Every capability of the adapter contract expressed as protocol calls with OpsOrch's payloads
 * (OpsOrch Core `api/plugin_providers.go` and `schema/`). The protocol has no batch methods, so a
 * batch costs one call per item: sent together when the plugin answers in parallel (the `id`
 * extension, or several processes), one after another otherwise (so a batch holds a single queue slot). List queries ask for the whole
 * filtered list (up to `maxRecords`), filter again here by the normalized values, order and page it
 * (in the contract's order, by key), because OpsOrch providers match filters by exact word and return map order.
 */
import {
  type Abortable,
  AdapterError,
  type CallContext,
  type Capability,
  type CapabilityMap,
  cancelOf,
  type IncidentStatus,
  type JsonObject,
  keysetPage,
  LIST_ORDERS,
  type ListOrder,
  type OrchestrationPlan,
  type Page,
  type PageRequest,
  type Result,
  type Scope,
  sortInOrder,
  type TimelineEntry,
  timestampMillis,
} from '../contract/index.js';
import * as enums from './enums.js';
import { within } from './listing.js';
import { normalizedOnce } from './normalized-once.js';
import * as records from './records.js';

/** What the capabilities need from the host. */
export interface Caller {
  /** `signal` ends the call: a provider call's cancellation (`cancelOf`), its signal not made. */
  call(method: string, payload: unknown, signal?: Abortable): Promise<unknown>;
  /** True when the plugin answers calls in parallel (the `id` extension, or several processes). */
  concurrent(): boolean;
}

export interface ListOptions {
  /** The `limit` sent with every list query: the most records one list may hold. */
  maxRecords: number;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * OpsOrch's QueryScope, whose records name services and teams by ID: the ID when the gateway knows
 * it (a join from a service or team record), else what the caller wrote. Empty members are left
 * out, as Go's `omitempty` would.
 */
function scopeOf(scope: Scope | undefined): Scope | undefined {
  if (!scope) return undefined;
  const out: Scope = {};
  const service = scope.serviceId || scope.service;
  const team = scope.teamId || scope.team;
  if (service) out.service = service;
  if (team) out.team = team;
  if (scope.environment) out.environment = scope.environment;
  return Object.keys(out).length > 0 ? out : undefined;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

/** Drops undefined members, empty lists and empty objects, as Go's `omitempty` does in OpsOrch Core. */
function payload(fields: Record<string, unknown>): Record<string, unknown> {
  // A loop, not entries → filter → fromEntries: every list query builds two or three of these.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (!isEmpty(value)) out[key] = value;
  }
  return out;
}

function someOf<T>(wanted: readonly T[] | undefined, value: T): boolean {
  return !wanted || wanted.length === 0 || wanted.includes(value);
}

function sameName(wanted: readonly string[] | undefined, ...candidates: (string | null | undefined)[]): boolean {
  if (!wanted || wanted.length === 0) return true;
  const lower = new Set(wanted.map((w) => w.toLowerCase()));
  return candidates.some((c) => c !== null && c !== undefined && lower.has(c.toLowerCase()));
}

export function buildCapabilities(
  caller: Caller,
  capabilities: readonly Capability[],
  options: ListOptions = { maxRecords: 1000 },
): Partial<CapabilityMap> {
  const call = (method: string, body: unknown, ctx: CallContext) => caller.call(method, body, cancelOf(ctx));
  /** The read paths' normalizers, each keeping what it made of a held answer. */
  const normalized = {
    incident: normalizedOnce(records.incident),
    alert: normalizedOnce(records.alert),
    ticket: normalizedOnce(records.ticket),
    service: normalizedOnce(records.service),
    deployment: normalizedOnce(records.deployment),
    team: normalizedOnce(records.team),
    teamMember: normalizedOnce(records.teamMember),
    plan: normalizedOnce(records.plan),
    metricSeries: normalizedOnce(records.metricSeries),
    metricDescriptor: normalizedOnce(records.metricDescriptor),
    logAnswer: normalizedOnce(records.logAnswer),
  };

  /**
   * Runs one protocol call per item, each failure confined to its item. A call the caller
   * cancelled is thrown instead: it is no answer about the items, and the floor must not count it
   * against the provider (its circuit breaker counts answers that are all provider errors).
   */
  async function each<I, O>(ctx: CallContext, items: readonly I[], fn: (item: I) => Promise<O>): Promise<Result<O>[]> {
    const settle = (item: I) =>
      fn(item).catch((err: unknown) => {
        if (cancelOf(ctx)?.aborted) throw err;
        return asError(err);
      });
    if (caller.concurrent()) return Promise.all(items.map(settle));
    const results: Result<O>[] = [];
    for (const item of items) results.push(await settle(item));
    return results;
  }

  function getMany<T>(method: string, idKey: string, normalize: (raw: unknown) => T) {
    return (ids: readonly string[], ctx: CallContext) =>
      each(ctx, ids, async (id) => normalize(await call(method, { [idKey]: id }, ctx)));
  }

  interface ListSpec<Q, T extends { id: string }> {
    method: string;
    /** The OpsOrch query payload (without `limit`). */
    wire(query: Omit<Q, 'first' | 'after'>): Record<string, unknown>;
    normalize(raw: unknown, ctx: CallContext): T | Promise<T>;
    /** The gateway's own filter, applied to what the provider answered. */
    keep(record: T, query: Omit<Q, 'first' | 'after'>): boolean;
    /** The contract's order of the list. */
    order: ListOrder<T>;
  }

  function queryMany<Q extends PageRequest, T extends { id: string }>(spec: ListSpec<Q, T>) {
    return (queries: readonly Q[], ctx: CallContext) =>
      each(ctx, queries, async (query): Promise<Page<T>> => {
        const { first, after, ...filters } = query;
        const answer = await call(spec.method, { ...spec.wire(filters), limit: options.maxRecords }, ctx);
        const answered = records.list(answer, `${spec.method} results`);
        // A plugin that ignores `limit` is held to it: what it answered past it would only cost normalizing.
        const results = answered.slice(0, options.maxRecords).map((raw) => spec.normalize(raw, ctx));
        // Most normalizers are synchronous: a promise per record would only add allocations and turns.
        const normalized = results.some((r) => r instanceof Promise) ? await Promise.all(results) : (results as T[]);
        const all = normalized.filter((r) => spec.keep(r, filters));
        const page = keysetPage(all, after === undefined ? { first } : { first, after }, spec.order);
        // A full answer may have been cut at `limit`: then the total is unknown, and the list may go on.
        return normalized.length >= options.maxRecords ? { ...page, totalCount: null, incomplete: true } : page;
      });
  }

  async function timelineOf(id: string, ctx: CallContext): Promise<TimelineEntry[]> {
    const entries = records
      .list(await call('incident.timeline.get', { id }, ctx), 'incident.timeline.get results')
      .map((raw) => records.timelineEntry(raw, id));
    return sortInOrder(entries, LIST_ORDERS.timeline);
  }

  /**
   * OpsOrch appends answer nothing; the entry the provider stored (with its own ID) is read back,
   * so every source (this write, a poll, a replay) reports the same entry under the same ID.
   */
  async function append(
    incidentId: string,
    entry: { kind: TimelineEntry['kind']; body: string; actor?: string | null },
    ctx: CallContext,
  ): Promise<TimelineEntry> {
    const at = new Date().toISOString();
    const wire = {
      at,
      kind: enums.timelineKind.write(entry.kind),
      body: entry.body,
      ...(entry.actor ? { actor: { name: entry.actor, type: 'user' } } : {}),
    };
    const answer = await call('incident.timeline.append', { id: incidentId, entry: wire }, ctx);
    if (typeof answer === 'object' && answer !== null && 'id' in answer)
      return records.timelineEntry(answer, incidentId);
    const stored = (await timelineOf(incidentId, ctx)).find(
      (e) => e.body === entry.body && e.kind === entry.kind && Math.abs(Date.parse(e.at) - Date.parse(at)) < 1000,
    );
    // A provider that does not show appended entries on its timeline: no other source can report this one.
    return (
      stored ?? {
        id: `${incidentId}@${at}`,
        incidentId,
        kind: entry.kind,
        body: entry.body,
        actor: entry.actor ?? null,
        at,
        url: null,
      }
    );
  }

  /** Names a run's steps from its plan when the run does not embed it; one plan read per plan per context. */
  const plansRead = new WeakMap<CallContext, Map<string, Promise<OrchestrationPlan>>>();
  async function runWithPlan(raw: unknown, ctx: CallContext) {
    const planId = (raw as { planId?: unknown } | null)?.planId;
    if (!records.runNeedsPlan(raw) || typeof planId !== 'string' || planId === '') return records.run(raw);
    let plans = plansRead.get(ctx);
    if (!plans) {
      plans = new Map();
      plansRead.set(ctx, plans);
    }
    let known = plans.get(planId);
    if (!known) {
      known = call('orchestration.plans.get', { planId }, ctx).then(records.plan);
      plans.set(planId, known);
    }
    return records.run(raw, await known.catch(() => undefined));
  }

  const all: CapabilityMap = {
    incident: {
      query: queryMany({
        method: 'incident.query',
        wire: (q) =>
          payload({
            query: q.query,
            statuses: q.statuses && enums.incidentStatus.words(q.statuses),
            severities: q.severities && enums.severity.words(q.severities),
            scope: scopeOf(q.scope),
          }),
        normalize: (raw) => normalized.incident(raw),
        keep: (r, q) =>
          someOf(q.statuses, r.status) &&
          someOf(q.severities, r.severity) &&
          (!q.assignees?.length || r.assignees.some((a) => q.assignees?.includes(a))) &&
          (!q.createdWithin || within(r.createdAt, q.createdWithin)),
        order: LIST_ORDERS.incidents,
      }),
      getMany: getMany('incident.get', 'id', normalized.incident),
      create: async (input, ctx) =>
        records.incident(
          await call(
            'incident.create',
            payload({
              title: input.title,
              description: input.description ?? undefined,
              status: enums.incidentStatus.write('TRIGGERED'),
              severity:
                input.severity && input.severity !== 'UNKNOWN' ? enums.severity.write(input.severity) : undefined,
              service: input.service ?? undefined,
              fields: payload({
                ...input.fields,
                team: input.team ?? undefined,
                ...(input.assignees?.length ? { assignees: input.assignees } : {}),
              }),
            }),
            ctx,
          ),
        ),
      update: async (id, input, ctx) => {
        // OpsOrch incidents have no acknowledged/resolved time: the gateway records it in `fields`, where
        // OpsOrch's alert mock keeps its own. OpsOrch replaces `fields` whole, so the stored ones come first.
        // OpsOrch's Incident has no assignees either: they live in `fields.assignees`, as incident.create writes them.
        // A status change re-times the stages it undoes: reopened, an incident is neither acknowledged nor resolved.
        const fields =
          input.status || input.fields || input.assignees
            ? {
                ...withoutStages(
                  (await call('incident.get', { id }, ctx).then(records.incident)).fields ?? {},
                  input.status,
                ),
                ...input.fields,
                ...(input.assignees ? { assignees: input.assignees } : {}),
                ...stageOf(input.status),
              }
            : undefined;
        const wire = payload({
          title: input.title,
          description: input.description ?? undefined,
          status: input.status && enums.incidentStatus.write(input.status),
          severity: input.severity && enums.severity.write(input.severity),
          fields,
        });
        const updated = records.incident(await call('incident.update', { id, input: wire }, ctx));
        // OpsOrch's UpdateIncidentInput has no note: it goes on the timeline beside the change.
        if (input.note) await append(id, { kind: 'NOTE', body: input.note }, ctx);
        return updated;
      },
      timelines: (ids, ctx) => each(ctx, ids, (id) => timelineOf(id, ctx)),
      appendTimeline: (id, entry, ctx) => append(id, entry, ctx),
    },
    alert: {
      query: queryMany({
        method: 'alert.query',
        wire: (q) =>
          payload({
            query: q.query,
            statuses: q.statuses && enums.alertStatus.words(q.statuses),
            severities: q.severities && enums.alertSeverity.words(q.severities),
            scope: scopeOf(q.scope),
          }),
        normalize: (raw) => normalized.alert(raw),
        keep: (r, q) =>
          someOf(q.statuses, r.status) &&
          someOf(q.severities, r.severity) &&
          (!q.activeWithin ||
            (timestampMillis(r.startsAt) <= timestampMillis(q.activeWithin.end) &&
              (!r.endsAt || timestampMillis(r.endsAt) >= timestampMillis(q.activeWithin.start)))),
        order: LIST_ORDERS.alerts,
      }),
      getMany: getMany('alert.get', 'id', records.alert),
    },
    log: {
      query: (queries, ctx) =>
        each(ctx, queries, async (query) => {
          const expression = payload({
            search: query.query,
            // OpsOrch's `severityIn` holds its normalized words, one per level; its mock generates lines in
            // exactly the words asked for, so a synonym would change the answer.
            severityIn: query.levels?.map((level) => enums.logLevel.write(level)),
          });
          const answer = await call(
            'log.query',
            payload({
              expression: Object.keys(expression).length > 0 ? expression : undefined,
              start: query.start,
              end: query.end,
              scope: scopeOf(query.scope),
              limit: query.limit,
            }),
            ctx,
          );
          const result = records.logResult(normalized.logAnswer(answer), query.limit);
          return query.levels?.length
            ? { ...result, entries: result.entries.filter((e) => query.levels?.includes(e.level)) }
            : result;
        }),
    },
    metric: {
      query: (queries, ctx) =>
        each(ctx, queries, async (query) => {
          const expression = payload({
            metricName: query.name ?? query.expression,
            aggregation: query.aggregation?.toLowerCase(),
            filters: query.labels?.map((l) => ({ label: l.name, operator: METRIC_OPS[l.op], value: l.value })),
            groupBy: query.groupBy,
          });
          const answer = await call(
            'metric.query',
            payload({ expression, start: query.start, end: query.end, step: query.step, scope: scopeOf(query.scope) }),
            ctx,
          );
          // OpsOrch's mock answers a metric with companion series (`<name>.baseline`): only the one
          // asked for stays, and the others are left before their points are read.
          const wanted = query.name;
          const raw = records.list(answer, 'metric.query results');
          const kept = wanted
            ? raw.filter((s) => {
                // What is not a series stays, to be refused as the malformed answer it is.
                const name = records.metricSeriesName(s);
                return name === undefined || name === wanted;
              })
            : raw;
          return kept.map(normalized.metricSeries);
        }),
      describe: (scopes, ctx) =>
        each(ctx, scopes, async (scope) =>
          records
            .list(await call('metric.describe', scopeOf(scope) ?? {}, ctx), 'metric.describe results')
            .map(normalized.metricDescriptor),
        ),
    },
    ticket: {
      query: queryMany({
        method: 'ticket.query',
        wire: (q) =>
          payload({
            query: q.query,
            statuses: q.statuses && enums.ticketStatus.words(q.statuses),
            assignees: q.assignees,
            scope: scopeOf(q.scope),
          }),
        normalize: (raw) => normalized.ticket(raw),
        keep: (r, q) =>
          someOf(q.statuses, r.status) &&
          (!q.assignees?.length ||
            (r.assignee !== null && r.assignee !== undefined && q.assignees.includes(r.assignee))) &&
          (!q.incidentId || r.incidentIds.includes(q.incidentId)),
        order: LIST_ORDERS.tickets,
      }),
      getMany: getMany('ticket.get', 'id', normalized.ticket),
      create: async (input, ctx) =>
        records.ticket(
          await call(
            'ticket.create',
            payload({
              title: input.title,
              description: input.description ?? undefined,
              fields: payload({
                ...input.fields,
                priority: input.priority && enums.ticketPriority.write(input.priority),
                service: input.service ?? undefined,
                assignees: input.assignee ? [input.assignee] : undefined,
              }),
              metadata: input.incidentId ? { relatedIncidents: [input.incidentId] } : undefined,
            }),
            ctx,
          ),
        ),
      update: async (id, input, ctx) => {
        // OpsOrch replaces `fields` and `metadata` whole, so changes to them start from the stored ticket.
        const needsCurrent =
          input.priority !== undefined || input.incidentId !== undefined || input.fields !== undefined;
        const current = needsCurrent ? await call('ticket.get', { id }, ctx) : undefined;
        const stored = (typeof current === 'object' && current !== null ? current : {}) as {
          fields?: Record<string, unknown>;
          metadata?: Record<string, unknown>;
        };
        const fields =
          input.priority !== undefined || input.fields !== undefined
            ? {
                ...stored.fields,
                ...input.fields,
                ...(input.priority ? { priority: enums.ticketPriority.write(input.priority) } : {}),
              }
            : undefined;
        const related = records.list(stored.metadata?.relatedIncidents, 'relatedIncidents');
        const metadata =
          input.incidentId !== undefined && input.incidentId !== null
            ? {
                ...stored.metadata,
                relatedIncidents: [...new Set([...related.map(String), input.incidentId])],
              }
            : undefined;
        const wire = payload({
          title: input.title,
          description: input.description ?? undefined,
          status: input.status && enums.ticketStatus.write(input.status),
          fields,
          metadata,
        });
        // An empty list clears the assignees, so it is set after `payload` (which drops empty lists).
        if (input.assignee !== undefined) wire.assignees = input.assignee === null ? [] : [input.assignee];
        return records.ticket(await call('ticket.update', { id, input: wire }, ctx));
      },
    },
    messaging: {
      send: async (input, ctx) =>
        records.message(
          await call(
            'messaging.send',
            payload({
              channel: input.channel,
              body: input.body,
              threadRef: input.threadId ?? undefined,
              metadata: input.incidentId ? { incidentId: input.incidentId } : undefined,
            }),
            ctx,
          ),
          input,
        ),
    },
    service: {
      query: queryMany({
        method: 'service.query',
        wire: (q) => payload({ name: q.query, scope: scopeOf(q.scope) }),
        normalize: (raw) => normalized.service(raw),
        // A service is asked for by ID (what OpsOrch records carry) or by name or alias.
        keep: (r, q) => sameName(q.names, r.id, r.name, ...(r.aliases ?? [])),
        order: LIST_ORDERS.services,
      }),
      // The protocol has no service.get; OpsOrch's ServiceQuery filters by `ids`, so one call serves the batch.
      getMany: async (ids, ctx) => {
        const found = records
          .list(await call('service.query', { ids, limit: ids.length }, ctx), 'service.query results')
          .map(normalized.service);
        return ids.map(
          (id) =>
            found.find((s) => s.id === id) ?? new AdapterError('NOT_FOUND', `service ${JSON.stringify(id)} not found`),
        );
      },
    },
    deployment: {
      query: queryMany({
        method: 'deployment.query',
        wire: (q) =>
          payload({
            query: q.query,
            statuses: q.statuses && enums.deploymentStatus.words(q.statuses),
            scope: scopeOf(q.scope),
          }),
        normalize: (raw) => normalized.deployment(raw),
        keep: (r, q) => someOf(q.statuses, r.status) && (!q.startedWithin || within(r.startedAt, q.startedWithin)),
        order: LIST_ORDERS.deployments,
      }),
      getMany: getMany('deployment.get', 'id', normalized.deployment),
    },
    team: {
      query: queryMany({
        method: 'team.query',
        wire: (q) => payload({ name: q.query }),
        normalize: (raw) => normalized.team(raw),
        keep: (r, q) => sameName(q.names, r.id, r.name, r.handle),
        order: LIST_ORDERS.teams,
      }),
      getMany: getMany('team.get', 'id', normalized.team),
      members: (teamIds, ctx) =>
        each(ctx, teamIds, async (teamID) =>
          records.list(await call('team.members', { teamID }, ctx), 'team.members results').map(normalized.teamMember),
        ),
    },
    orchestration: {
      queryPlans: queryMany({
        method: 'orchestration.plans.query',
        wire: (q) => payload({ query: q.query, scope: scopeOf(q.scope) }),
        normalize: (raw) => normalized.plan(raw),
        keep: () => true,
        order: LIST_ORDERS.plans,
      }),
      getPlans: getMany('orchestration.plans.get', 'planId', normalized.plan),
      queryRuns: queryMany({
        method: 'orchestration.runs.query',
        wire: (q) =>
          payload({
            statuses: q.statuses && enums.runStatus.words(q.statuses),
            planIds: q.planId ? [q.planId] : undefined,
            scope: scopeOf(q.scope),
          }),
        normalize: runWithPlan,
        keep: (r, q) =>
          someOf(q.statuses, r.status) &&
          (!q.planId || r.planId === q.planId) &&
          (!q.incidentId || r.incidentId === q.incidentId),
        order: LIST_ORDERS.runs,
      }),
      getRuns: (ids, ctx) =>
        each(ctx, ids, async (runId) => runWithPlan(await call('orchestration.runs.get', { runId }, ctx), ctx)),
      startRun: async (input, ctx) =>
        runWithPlan(await call('orchestration.runs.start', { planId: input.planId }, ctx), ctx),
      completeStep: async (input, ctx) => {
        if (input.outcome !== 'SUCCEEDED') {
          throw new AdapterError(
            'UNSUPPORTED',
            `OpsOrch plugins only complete steps; ${input.outcome} is not supported`,
          );
        }
        // OpsOrch answers a completion with nothing: the run is read back to report the step's new state.
        await call(
          'orchestration.runs.steps.complete',
          { runId: input.runId, stepId: input.stepId, actor: input.actor ?? '', note: input.note ?? '' },
          ctx,
        );
        return runWithPlan(await call('orchestration.runs.get', { runId: input.runId }, ctx), ctx);
      },
    },
    secret: {
      get: async (key, ctx) => records.secretValue(await call('secret.get', { key }, ctx), key),
      put: async (key, value, ctx) => {
        await call('secret.put', { key, value }, ctx);
      },
    },
  };
  return Object.fromEntries(capabilities.map((c) => [c, all[c]])) as Partial<CapabilityMap>;
}

/** The gateway's label operators → OpsOrch's MetricFilter operators. */
const METRIC_OPS = { EQ: '=', NEQ: '!=', REGEX: '=~', NOT_REGEX: '!~' } as const;

/** The `fields` member an incident status is timed in, and the stages each status has been through. */
const STAGE: Partial<Record<IncidentStatus, 'acknowledgedAt' | 'resolvedAt'>> = {
  ACKNOWLEDGED: 'acknowledgedAt',
  RESOLVED: 'resolvedAt',
};
const REACHED: Record<IncidentStatus, readonly string[]> = {
  TRIGGERED: [],
  ACKNOWLEDGED: ['acknowledgedAt'],
  MITIGATED: ['acknowledgedAt'],
  RESOLVED: ['acknowledgedAt', 'resolvedAt'],
  UNKNOWN: ['acknowledgedAt', 'resolvedAt'],
};

function stageOf(status: IncidentStatus | undefined): Record<string, string> {
  const stage = status && STAGE[status];
  return stage ? { [stage]: new Date().toISOString() } : {};
}

function withoutStages(fields: JsonObject, status: IncidentStatus | undefined): JsonObject {
  if (!status) return fields;
  const undone = Object.values(STAGE).filter((stage) => !REACHED[status].includes(stage));
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !undone.includes(key as never)));
}
