/**
 * The incident capability over PagerDuty incidents, log entries and notes.
 *
 * PagerDuty pages only by offset, which shifts whenever an incident is created or resolved out of
 * a filter, so lists page by key instead: a page after a cursor asks for incidents created up to
 * that cursor's second (`until`), newest first from offset 0, and skips what is not after the
 * cursor's (createdAt, ID). Filters PagerDuty cannot apply (severity from priority, free text,
 * assignee names) are applied here. Guaranteed: no duplicate and no skip while incidents come and
 * go, because createdAt never changes; equal createdAt order by ID whatever PagerDuty's tie order.
 * Not guaranteed: exactness if PagerDuty stopped sorting by `created_at:desc` as asked.
 */
import {
  AdapterError,
  badInput,
  type CallContext,
  checkPageRequest,
  type Incident,
  type IncidentCapability,
  type IncidentCreate,
  type IncidentQuery,
  type IncidentUpdate,
  isAfter,
  LIST_ORDERS,
  matchesText,
  type Page,
  type Result,
  type Severity,
  settleEach,
  sortInOrder,
  type TimelineAppend,
  type TimelineEntry,
} from '../contract/index.js';
import { fanOut, pageCounter, type QueryValue, withSubResources } from '../http/index.js';
import {
  listAll,
  listPage,
  MAX_LIMIT,
  type PagerDutyHttp,
  type PdIncident,
  type PdLogEntry,
  type PdNote,
  type PdUser,
} from './api.js';
import type { PagerDutyConfig } from './config.js';
import { type Directory, unknownName } from './directory.js';
import {
  SEVERITY_TO_PRIORITY,
  STATUS_TO_PD,
  toIncident,
  toLogTimelineEntry,
  toNoteTimelineEntry,
  urgencyFor,
} from './map.js';

/** PagerDuty answers at most six months per incident listing. */
const DEFAULT_WINDOW_MS = 180 * 24 * 3_600_000;
/** In-flight requests per batch where PagerDuty has no batch endpoint. */
const FAN_OUT = 4;
const PD_ID = /^P[A-Z0-9]{5,}$/;
const ORDER = LIST_ORDERS.incidents;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function incidentCapability(
  http: PagerDutyHttp,
  directory: Directory,
  config: PagerDutyConfig,
): IncidentCapability {
  /**
   * PagerDuty records the `From` user as who made a change: the gateway's caller when its identity
   * is a PagerDuty user's email (a JWT subject usually is), else the configured `fromEmail`.
   */
  const writeHeaders = (ctx: CallContext): Record<string, string> | undefined => {
    const from = ctx.actor && EMAIL.test(ctx.actor) ? ctx.actor : config.fromEmail;
    return from ? { from } : undefined;
  };

  async function fetchIncident(id: string, signal?: AbortSignal): Promise<PdIncident> {
    const body = await http.get<{ incident: PdIncident }>(`/incidents/${encodeURIComponent(id)}`, opts(signal));
    return body.incident;
  }

  async function runQuery(
    query: IncidentQuery,
    serviceIds: Map<string, string | undefined>,
    teamIds: Map<string, string | undefined>,
    signal?: AbortSignal,
  ): Promise<Page<Incident>> {
    checkPageRequest(query, ORDER);
    const params: Record<string, QueryValue> = { sort_by: 'created_at:desc' };
    if (query.scope?.service) {
      const id = serviceIds.get(query.scope.service);
      if (!id) return emptyPage();
      params['service_ids[]'] = [id];
    }
    if (query.scope?.team) {
      const id = teamIds.get(query.scope.team);
      if (!id) return emptyPage();
      params['team_ids[]'] = [id];
    }
    if (query.statuses?.length) {
      const statuses = query.statuses.flatMap((s) => STATUS_TO_PD[s] ?? []);
      if (statuses.length === 0) return emptyPage();
      params['statuses[]'] = statuses;
    }
    if (query.severities?.length) {
      const urgencies = [...new Set(query.severities.map(urgencyFor))];
      if (urgencies.length === 1) params['urgencies[]'] = urgencies;
    }
    const end = query.createdWithin?.end ?? new Date().toISOString();
    params.since = query.createdWithin?.start ?? new Date(Date.parse(end) - DEFAULT_WINDOW_MS).toISOString();
    params.until = end;
    const { after } = query;
    if (after) {
      // `until` is exclusive and PagerDuty keeps whole seconds: a second past the cursor keeps its ties.
      const bound = Date.parse(after.key) + 1000;
      if (bound < Date.parse(end)) params.until = new Date(bound).toISOString();
    }

    const wanted = (incident: Incident) =>
      (!query.severities?.length || query.severities.includes(incident.severity)) &&
      (!query.assignees?.length ||
        query.assignees.some((a) => incident.assignees.some((b) => b.toLowerCase() === a.toLowerCase()))) &&
      matchesText(query.query, incident.title, incident.description, String(incident.fields?.incidentNumber ?? '')) &&
      (!after || isAfter(ORDER, incident, after));

    const found: Incident[] = [];
    // One past the page tells whether more follow; after a cursor, its own record is read again too.
    const limit = Math.min(MAX_LIMIT, query.first + (after ? 2 : 1));
    const nextPage = pageCounter('PagerDuty', '/incidents', http.maxPages);
    for (let offset = 0; ; ) {
      nextPage();
      const page = await listPage<PdIncident>(http, '/incidents', 'incidents', params, offset, limit, signal);
      found.push(...page.items.map(toIncident).filter(wanted));
      offset += page.items.length;
      const last = page.items.at(-1);
      const sorted = sortInOrder(found, ORDER);
      const complete = !page.more || !last;
      // PagerDuty lists newest first, so nothing unread can precede a record created after the last one read.
      const settled =
        sorted.length > query.first &&
        last !== undefined &&
        ORDER.compareKeys(ORDER.key(sorted[query.first - 1] as Incident), last.created_at) < 0;
      if (complete || settled) {
        return { nodes: sorted.slice(0, query.first), hasNextPage: sorted.length > query.first };
      }
    }
  }

  async function assignmentsFor(assignees: readonly string[], signal?: AbortSignal) {
    const ids = await Promise.all(assignees.map((a) => userId(a, signal)));
    return ids.map((id) => ({ assignee: { id, type: 'user_reference' } }));
  }

  async function userId(who: string, signal?: AbortSignal): Promise<string> {
    if (PD_ID.test(who)) return who;
    const users = await listAll<PdUser>(http, '/users', 'users', { query: who }, signal);
    const lower = who.toLowerCase();
    const match = users.find((u) => u.email?.toLowerCase() === lower || u.name?.toLowerCase() === lower);
    if (!match) throw unknownName('user', who);
    return match.id;
  }

  async function severityFields(severity: Severity, signal?: AbortSignal) {
    const priorityName = SEVERITY_TO_PRIORITY[severity];
    const priorityId = priorityName ? await directory.priorityId(priorityName, signal) : undefined;
    return {
      urgency: urgencyFor(severity),
      ...(priorityId ? { priority: { id: priorityId, type: 'priority_reference' } } : {}),
    };
  }

  async function addNote(incidentId: string, content: string, ctx: CallContext): Promise<PdNote> {
    const body = await http.post<{ note: PdNote }>(
      `/incidents/${encodeURIComponent(incidentId)}/notes`,
      { note: { content } },
      opts(ctx.signal, writeHeaders(ctx)),
    );
    return body.note;
  }

  async function timeline(incidentId: string, signal?: AbortSignal): Promise<TimelineEntry[]> {
    const path = `/incidents/${encodeURIComponent(incidentId)}`;
    const [incident, logEntries, notes] = await withSubResources(
      fetchIncident(incidentId, signal),
      listAll<PdLogEntry>(http, `${path}/log_entries`, 'log_entries', {}, signal),
      http.get<{ notes: PdNote[] }>(`${path}/notes`, opts(signal)),
    );
    const url = incident.html_url ?? null;
    // A note shows up twice (as a note and as its annotate log entry); the note has the full text.
    const entries = [
      ...logEntries.filter((e) => e.type !== 'annotate_log_entry').map((e) => toLogTimelineEntry(incidentId, e)),
      ...(notes.notes ?? []).map((n) => toNoteTimelineEntry(incidentId, url, n)),
    ];
    return entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? -1 : 1));
  }

  return {
    async query(queries, ctx) {
      const services = unique(queries.map((q) => q.scope?.service));
      const teams = unique(queries.map((q) => q.scope?.team));
      let serviceIds = new Map<string, string | undefined>();
      let teamIds = new Map<string, string | undefined>();
      try {
        [serviceIds, teamIds] = await Promise.all([
          services.length ? directory.serviceIds(services, ctx.signal) : serviceIds,
          teams.length ? directory.teamIds(teams, ctx.signal) : teamIds,
        ]);
      } catch (err) {
        return queries.map(() => asError(err));
      }
      return settleEach(queries, (q) => runQuery(q, serviceIds, teamIds, ctx.signal));
    },

    async getMany(ids, ctx) {
      return fanOut(ids, FAN_OUT, async (id) => toIncident(await fetchIncident(id, ctx.signal)));
    },

    async create(input: IncidentCreate, ctx: CallContext) {
      let serviceId = config.serviceID;
      if (input.service) {
        serviceId = (await directory.serviceIds([input.service], ctx.signal)).get(input.service);
        if (!serviceId) throw unknownName('service', input.service);
      }
      if (!serviceId) throw badInput('PagerDuty needs a service: name one, or set serviceID in the provider config');
      const incident: Record<string, unknown> = {
        type: 'incident',
        title: input.title,
        service: { id: serviceId, type: 'service_reference' },
        ...(input.severity ? await severityFields(input.severity, ctx.signal) : {}),
        ...(input.description ? { body: { type: 'incident_body', details: input.description } } : {}),
        ...(input.assignees?.length ? { assignments: await assignmentsFor(input.assignees, ctx.signal) } : {}),
        ...(typeof input.fields?.incidentKey === 'string' ? { incident_key: input.fields.incidentKey } : {}),
      };
      const body = await http.post<{ incident: PdIncident }>(
        '/incidents',
        { incident },
        opts(ctx.signal, writeHeaders(ctx)),
      );
      return toIncident(body.incident);
    },

    async update(id: string, input: IncidentUpdate, ctx: CallContext) {
      if (input.description !== undefined) throw badInput("PagerDuty does not allow changing an incident's details");
      const changes: Record<string, unknown> = {};
      if (input.status) {
        const status = STATUS_TO_PD[input.status];
        if (!status || status === 'triggered') {
          throw badInput(`PagerDuty incidents can only be acknowledged or resolved, not set to ${input.status}`);
        }
        changes.status = status;
      }
      if (input.title) changes.title = input.title;
      if (input.severity) Object.assign(changes, await severityFields(input.severity, ctx.signal));
      if (input.assignees) changes.assignments = await assignmentsFor(input.assignees, ctx.signal);
      let updated: PdIncident | undefined;
      if (Object.keys(changes).length > 0) {
        const body = await http.put<{ incident: PdIncident }>(
          `/incidents/${encodeURIComponent(id)}`,
          { incident: { type: 'incident_reference', ...changes } },
          opts(ctx.signal, writeHeaders(ctx)),
        );
        updated = body.incident;
      }
      if (input.note) await addNote(id, input.note, ctx);
      return toIncident(updated ?? (await fetchIncident(id, ctx.signal)));
    },

    async timelines(incidentIds, ctx): Promise<Result<TimelineEntry[]>[]> {
      return fanOut(incidentIds, FAN_OUT, (id) => timeline(id, ctx.signal));
    },

    async appendTimeline(incidentId: string, entry: TimelineAppend, ctx: CallContext) {
      if (!entry.body.trim()) throw badInput('a timeline entry needs a body');
      const incident = await fetchIncident(incidentId, ctx.signal);
      const note = await addNote(incidentId, entry.body, ctx);
      return toNoteTimelineEntry(incidentId, incident.html_url ?? null, note);
    },
  };
}

function opts(signal?: AbortSignal, headers?: Record<string, string>) {
  return { ...(signal ? { signal } : {}), ...(headers ? { headers } : {}) };
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}

function emptyPage<T>(): Page<T> {
  return { nodes: [], hasNextPage: false, totalCount: 0 };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new AdapterError('PROVIDER_ERROR', String(err));
}
