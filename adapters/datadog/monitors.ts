/**
 * Monitors as alerts (`/api/v1/monitor`, page-numbered), and silences as downtimes
 * (`POST /api/v2/downtime`). A monitor's overall state is its alert status; a monitor muted by an
 * active downtime is SILENCED; its priority (P1–P5) is its severity, else Alert → HIGH and Warn →
 * MEDIUM.
 */
import {
  type Alert,
  type AlertQuery,
  type AlertSilence,
  type AlertSilenceCreate,
  type AlertStatus,
  badInput,
  type CallContext,
  keysetPage,
  LIST_ORDERS,
  matchesText,
  notFound,
  type Page,
  type Severity,
} from '../contract/index.js';
import { type HttpClient, pageCounter } from '../http/index.js';
import { severity as severityOf } from '../plugin/enums.js';
import type { DatadogConfig } from './config.js';
import { badProvider, scopeTags } from './metrics.js';
import { tag } from './syntax.js';

export interface DdMonitor {
  id: number;
  name: string;
  message?: string;
  overall_state?: string;
  overall_state_modified?: string | null;
  created?: string;
  modified?: string;
  priority?: number | null;
  tags?: string[];
  query?: string;
  type?: string;
  options?: { silenced?: Record<string, number | null> };
  matching_downtimes?: { id: number | string; active?: boolean; end?: number | null; start?: number }[];
}

const PAGE_SIZE = 100;

function statusOf(m: DdMonitor): AlertStatus {
  const state = m.overall_state ?? '';
  if (state === 'OK') return 'RESOLVED';
  if (state !== 'Alert' && state !== 'Warn' && state !== 'No Data') return 'UNKNOWN';
  const muted = Object.keys(m.options?.silenced ?? {}).length > 0 || (m.matching_downtimes ?? []).some((d) => d.active);
  return muted ? 'SILENCED' : 'FIRING';
}

function severityFor(m: DdMonitor): { severity: Severity; raw: string | null } {
  if (typeof m.priority === 'number') return { severity: severityOf.read(`p${m.priority}`), raw: `P${m.priority}` };
  if (m.overall_state === 'Alert') return { severity: 'HIGH', raw: 'Alert' };
  if (m.overall_state === 'Warn') return { severity: 'MEDIUM', raw: 'Warn' };
  return { severity: 'UNKNOWN', raw: null };
}

export function toAlert(config: DatadogConfig, m: DdMonitor): Alert {
  const labels: Record<string, string> = {};
  for (const t of m.tags ?? []) {
    const at = t.indexOf(':');
    if (at > 0) labels[t.slice(0, at)] = t.slice(at + 1);
    else labels[t] = '';
  }
  const status = statusOf(m);
  const { severity, raw } = severityFor(m);
  const changed = m.overall_state_modified ?? m.modified ?? m.created ?? new Date(0).toISOString();
  return {
    id: String(m.id),
    title: m.name,
    description: m.message ?? null,
    status,
    rawStatus: m.overall_state ?? null,
    severity,
    rawSeverity: raw,
    startsAt: new Date(changed).toISOString(),
    endsAt: status === 'RESOLVED' ? new Date(changed).toISOString() : null,
    labels,
    service: labels.service ?? null,
    url: `${config.ui}/monitors/${m.id}`,
    fields: { query: m.query ?? null, type: m.type ?? null },
    metadata: { source: config.source },
  };
}

export async function queryMonitors(
  http: HttpClient,
  config: DatadogConfig,
  query: AlertQuery,
  ctx: CallContext,
): Promise<Page<Alert>> {
  const tags = scopeTags(query.scope);
  const monitors: DdMonitor[] = [];
  const nextPage = pageCounter('Datadog', 'monitors', config.maxPages);
  for (let page = 0; ; page++) {
    nextPage();
    const body = await http.get<DdMonitor[]>('/api/v1/monitor', {
      query: {
        page,
        page_size: PAGE_SIZE,
        with_downtimes: true,
        monitor_tags: tags.length ? tags.join(',') : undefined,
      },
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (!Array.isArray(body)) throw badProvider('a monitor listing');
    monitors.push(...body);
    if (body.length < PAGE_SIZE) break;
  }
  const window = query.activeWithin;
  const alerts = monitors
    .map((m) => toAlert(config, m))
    .filter((a) => !query.statuses?.length || query.statuses.includes(a.status))
    .filter((a) => !query.severities?.length || query.severities.includes(a.severity))
    .filter((a) => matchesText(query.query, a.title, a.description))
    .filter(
      (a) =>
        !window ||
        (Date.parse(a.startsAt) <= Date.parse(window.end) &&
          (a.endsAt == null || Date.parse(a.endsAt) >= Date.parse(window.start))),
    );
  return keysetPage(alerts, query, LIST_ORDERS.alerts);
}

export async function getMonitor(
  http: HttpClient,
  config: DatadogConfig,
  id: string,
  ctx: CallContext,
): Promise<Alert> {
  if (!/^\d+$/.test(id)) throw notFound('monitor', id);
  const body = await http.get<DdMonitor>(`/api/v1/monitor/${id}`, {
    query: { with_downtimes: true },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (typeof body?.id !== 'number' || typeof body.name !== 'string') throw badProvider('a monitor');
  return toAlert(config, body);
}

interface DdDowntime {
  data?: {
    id: string;
    attributes?: {
      message?: string | null;
      scope?: string;
      schedule?: { start?: string; end?: string | null };
      monitor_identifier?: { monitor_id?: number; monitor_tags?: string[] };
    };
  };
}

/** One alert (its monitor) or whatever monitors carry all the matchers' tags, muted for a while. */
export async function createDowntime(
  http: HttpClient,
  config: DatadogConfig,
  input: AlertSilenceCreate,
  ctx: CallContext,
): Promise<AlertSilence> {
  if (input.alertId !== undefined && !/^\d+$/.test(input.alertId)) throw notFound('monitor', input.alertId);
  const matchers = input.matchers ?? [];
  if (matchers.some((m) => m.op !== 'EQ'))
    throw badInput('Datadog downtimes select monitors by tags: EQ matchers only');
  const monitorTags = matchers.map((m) => tag(m.name, m.value));
  if (input.alertId === undefined && monitorTags.length === 0) throw badInput('give an alert or at least one matcher');
  const start = new Date();
  const end = new Date(start.getTime() + input.durationSeconds * 1000);
  const body = await http.post<DdDowntime>(
    '/api/v2/downtime',
    {
      data: {
        type: 'downtime',
        attributes: {
          scope: '*',
          monitor_identifier:
            input.alertId !== undefined ? { monitor_id: Number(input.alertId) } : { monitor_tags: monitorTags },
          schedule: { start: start.toISOString(), end: end.toISOString() },
          message: `${input.comment} (by ${input.createdBy})`,
          display_timezone: 'UTC',
        },
      },
    },
    ctx.signal ? { signal: ctx.signal } : {},
  );
  const id = body?.data?.id;
  if (typeof id !== 'string') throw badProvider('a downtime creation');
  const schedule = body.data?.attributes?.schedule;
  return {
    id,
    url: `${config.ui}/monitors/downtimes?id=${encodeURIComponent(id)}`,
    matchers: input.alertId !== undefined ? [{ name: 'monitor_id', value: input.alertId, op: 'EQ' }] : matchers,
    startsAt: new Date(schedule?.start ?? start).toISOString(),
    endsAt: new Date(schedule?.end ?? end).toISOString(),
    comment: input.comment,
    createdBy: input.createdBy,
  };
}
