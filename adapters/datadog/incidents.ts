/**
 * Incidents through the Incidents API v2: offset-paged listing (filtered and ordered here, newest
 * first, with keyset cursors), state and severity read from the incident and written through its
 * `fields`, and the timeline from the incident's timeline cells. Datadog incidents have three
 * states: active (TRIGGERED), stable (MITIGATED) and resolved; there is no acknowledged state.
 */
import {
  badInput,
  type CallContext,
  type Incident,
  type IncidentCapability,
  type IncidentQuery,
  type IncidentStatus,
  keysetPage,
  LIST_ORDERS,
  matchesText,
  notFound,
  type Page,
  type Severity,
  sortInOrder,
  type TimelineEntry,
  type TimelineEntryKind,
} from '../contract/index.js';
import { fanOut, type HttpClient, pageCounter, withSubResources } from '../http/index.js';
import { incidentStatus, severity as severityOf } from '../plugin/enums.js';
import type { DatadogConfig } from './config.js';
import { badProvider } from './metrics.js';

interface DdField {
  type?: string;
  value?: unknown;
}

export interface DdIncident {
  id: string;
  type: 'incidents';
  attributes: {
    public_id?: number;
    title: string;
    created: string;
    modified?: string | null;
    resolved?: string | null;
    state?: string | null;
    severity?: string | null;
    customer_impacted?: boolean;
    fields?: Record<string, DdField>;
  };
  relationships?: { commander_user?: { data?: { id: string } | null } };
}

interface DdCell {
  id: string;
  type: string;
  attributes?: {
    cell_type?: string;
    content?: { content?: string };
    created?: string;
    modified?: string;
  };
  relationships?: { created_by_user?: { data?: { id?: string } | null } };
}

const PAGE = 100;
const FANOUT = 4;

const STATE_FOR: Partial<Record<IncidentStatus, string>> = {
  TRIGGERED: 'active',
  MITIGATED: 'stable',
  RESOLVED: 'resolved',
};
const SEVERITY_FOR: Record<Severity, string> = {
  CRITICAL: 'SEV-1',
  HIGH: 'SEV-2',
  MEDIUM: 'SEV-3',
  LOW: 'SEV-4',
  INFO: 'SEV-5',
  UNKNOWN: 'UNKNOWN',
};

function fieldValues(incident: DdIncident, name: string): string[] {
  const value = incident.attributes.fields?.[name]?.value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function toIncident(config: DatadogConfig, dd: DdIncident): Incident {
  const a = dd.attributes;
  const state = a.state ?? fieldValues(dd, 'state')[0] ?? null;
  const sev = a.severity ?? fieldValues(dd, 'severity')[0] ?? null;
  return {
    id: dd.id,
    title: a.title,
    status: state ? incidentStatus.read(state) : 'UNKNOWN',
    rawStatus: state,
    severity: sev ? severityOf.read(sev.replace('-', '')) : 'UNKNOWN',
    rawSeverity: sev,
    createdAt: new Date(a.created).toISOString(),
    updatedAt: a.modified ? new Date(a.modified).toISOString() : null,
    resolvedAt: a.resolved ? new Date(a.resolved).toISOString() : null,
    assignees: dd.relationships?.commander_user?.data?.id ? [dd.relationships.commander_user.data.id] : [],
    service: fieldValues(dd, 'services')[0] ?? null,
    team: fieldValues(dd, 'teams')[0] ?? null,
    url: a.public_id === undefined ? null : `${config.ui}/incidents/${a.public_id}`,
    fields: Object.fromEntries(Object.entries(a.fields ?? {}).map(([k, f]) => [k, f.value ?? null])),
    metadata: {
      source: config.source,
      public_id: a.public_id ?? null,
      customer_impacted: a.customer_impacted ?? false,
    },
  };
}

function checkedIncident(body: unknown): DdIncident {
  const data = (body as { data?: DdIncident } | undefined)?.data;
  if (!data || typeof data.id !== 'string' || typeof data.attributes?.title !== 'string')
    throw badProvider('an incident');
  return data;
}

export function incidentCapability(http: HttpClient, config: DatadogConfig): IncidentCapability {
  const opts = (ctx: CallContext) => (ctx.signal ? { signal: ctx.signal } : {});

  async function listAll(ctx: CallContext): Promise<Incident[]> {
    const out: Incident[] = [];
    const nextPage = pageCounter('Datadog', 'incidents', config.maxPages);
    for (let offset = 0; offset < config.maxIncidents; ) {
      nextPage();
      const body = await http.get<{ data?: DdIncident[]; meta?: { pagination?: { next_offset?: number | null } } }>(
        '/api/v2/incidents',
        { query: { 'page[size]': PAGE, 'page[offset]': offset }, ...opts(ctx) },
      );
      if (!Array.isArray(body?.data)) throw badProvider('an incident listing');
      out.push(...body.data.map((d) => toIncident(config, d)));
      const next = body.meta?.pagination?.next_offset;
      if (body.data.length < PAGE || typeof next !== 'number' || next <= offset) break;
      offset = next;
    }
    return out;
  }

  async function query(q: IncidentQuery, ctx: CallContext): Promise<Page<Incident>> {
    const window = q.createdWithin;
    const all = (await listAll(ctx))
      .filter((i) => !q.statuses?.length || q.statuses.includes(i.status))
      .filter((i) => !q.severities?.length || q.severities.includes(i.severity))
      .filter((i) => !q.scope?.service || i.service?.toLowerCase() === q.scope.service.toLowerCase())
      .filter((i) => !q.scope?.team || i.team?.toLowerCase() === q.scope.team.toLowerCase())
      .filter((i) => !q.assignees?.length || i.assignees.some((a) => q.assignees?.includes(a)))
      .filter((i) => matchesText(q.query, i.title))
      .filter(
        (i) =>
          !window ||
          (Date.parse(i.createdAt) >= Date.parse(window.start) && Date.parse(i.createdAt) <= Date.parse(window.end)),
      );
    return keysetPage(all, q, LIST_ORDERS.incidents);
  }

  async function get(id: string, ctx: CallContext): Promise<Incident> {
    if (!/^[\w-]+$/.test(id)) throw notFound('incident', id);
    return toIncident(config, checkedIncident(await http.get(`/api/v2/incidents/${id}`, opts(ctx))));
  }

  function toEntry(incidentId: string, cell: DdCell): TimelineEntry {
    const a = cell.attributes ?? {};
    const rawKind = a.cell_type ?? null;
    const kind: TimelineEntryKind = rawKind === 'markdown' ? 'NOTE' : 'OTHER';
    return {
      id: cell.id,
      incidentId,
      kind,
      rawKind,
      body: a.content?.content ?? '',
      actor: cell.relationships?.created_by_user?.data?.id ?? null,
      at: new Date(a.created ?? 0).toISOString(),
      url: null,
    };
  }

  async function timeline(incidentId: string, ctx: CallContext): Promise<TimelineEntry[]> {
    if (!/^[\w-]+$/.test(incidentId)) throw notFound('incident', incidentId);
    const [incident, entries] = await withSubResources(get(incidentId, ctx), cells(incidentId, ctx));
    return sortInOrder(
      entries.map((e) => ({ ...e, url: incident.url })),
      LIST_ORDERS.timeline,
    );
  }

  async function cells(incidentId: string, ctx: CallContext): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [];
    const nextPage = pageCounter('Datadog', 'timeline cells', config.maxPages);
    for (let offset = 0; ; ) {
      nextPage();
      const body = await http.get<{ data?: DdCell[]; meta?: { pagination?: { next_offset?: number | null } } }>(
        `/api/v2/incidents/${incidentId}/timeline`,
        { query: { 'page[size]': PAGE, 'page[offset]': offset }, ...opts(ctx) },
      );
      if (!Array.isArray(body?.data)) throw badProvider('an incident timeline');
      entries.push(...body.data.map((c) => toEntry(incidentId, c)));
      const next = body.meta?.pagination?.next_offset;
      if (body.data.length < PAGE || typeof next !== 'number' || next <= offset) break;
      offset = next;
    }
    return entries;
  }

  async function appendCell(incidentId: string, content: string, ctx: CallContext): Promise<TimelineEntry> {
    const body = await http.post<{ data?: DdCell }>(
      `/api/v2/incidents/${incidentId}/timeline`,
      { data: { type: 'incident_timeline_cells', attributes: { cell_type: 'markdown', content: { content } } } },
      opts(ctx),
    );
    if (typeof body?.data?.id !== 'string') throw badProvider('a timeline cell');
    return toEntry(incidentId, body.data);
  }

  function stateFor(status: IncidentStatus): string {
    const state = STATE_FOR[status];
    if (!state) {
      throw badInput(`Datadog incidents are active, stable or resolved; ${status} has no Datadog state`);
    }
    return state;
  }

  return {
    query: (queries, ctx) => fanOut(queries, FANOUT, (q) => query(q, ctx)),
    getMany: (ids, ctx) => fanOut(ids, FANOUT, (id) => get(id, ctx)),
    async create(input, ctx) {
      const fields: Record<string, DdField> = {
        state: { type: 'dropdown', value: 'active' },
        severity: { type: 'dropdown', value: SEVERITY_FOR[input.severity ?? 'UNKNOWN'] },
      };
      if (input.service) fields.services = { type: 'autocomplete', value: [input.service] };
      if (input.team) fields.teams = { type: 'autocomplete', value: [input.team] };
      const body = await http.post(
        '/api/v2/incidents',
        { data: { type: 'incidents', attributes: { title: input.title, customer_impacted: false, fields } } },
        opts(ctx),
      );
      const created = toIncident(config, checkedIncident(body));
      if (input.description) await appendCell(created.id, input.description, ctx);
      return created;
    },
    async update(id, input, ctx) {
      if (!/^[\w-]+$/.test(id)) throw notFound('incident', id);
      const fields: Record<string, DdField> = {};
      if (input.status) fields.state = { type: 'dropdown', value: stateFor(input.status) };
      if (input.severity) fields.severity = { type: 'dropdown', value: SEVERITY_FOR[input.severity] };
      const attributes: Record<string, unknown> = {};
      if (input.title !== undefined) attributes.title = input.title;
      if (Object.keys(fields).length) attributes.fields = fields;
      let updated: Incident;
      if (Object.keys(attributes).length) {
        const body = await http.request('PATCH', `/api/v2/incidents/${id}`, {
          body: { data: { id, type: 'incidents', attributes } },
          ...opts(ctx),
        });
        updated = toIncident(config, checkedIncident(body));
      } else {
        updated = await get(id, ctx);
      }
      if (input.note) await appendCell(id, input.note, ctx);
      return updated;
    },
    timelines: (ids, ctx) => fanOut(ids, FANOUT, (id) => timeline(id, ctx)),
    async appendTimeline(incidentId, entry, ctx) {
      if (!/^[\w-]+$/.test(incidentId)) throw notFound('incident', incidentId);
      const created = await appendCell(incidentId, entry.body, ctx);
      return { ...created, url: (await get(incidentId, ctx).catch(() => null))?.url ?? null };
    },
  };
}
