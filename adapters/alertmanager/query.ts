/**
 * Alert queries against `GET /api/v2/alerts`. What the API can filter is filtered there: state
 * through the `active`/`silenced`/`inhibited`/`unprocessed` switches, service and environment as
 * equality matchers, every asked severity in ONE regex matcher. The rest (free text, time window,
 * the exact normalized status) is applied here, then paged by key (newest first).
 */
import {
  type Alert,
  type AlertQuery,
  type AlertStatus,
  type CallContext,
  keysetPage,
  LIST_ORDERS,
  matchesText,
  type Page,
} from '../contract/index.js';
import type { HttpClient, QueryValue } from '../http/index.js';
import type { GettableAlert } from './api.js';
import { matcherString, regexLiteral } from './matchers.js';
import { type NormalizeOptions, normalizeAlert } from './normalize.js';

export interface QueryDeps extends NormalizeOptions {
  http: HttpClient;
  environmentLabel: string;
  teamLabel: string;
}

/** Statuses Alertmanager can hold; asking only for others (RESOLVED, ACKNOWLEDGED) needs no call. */
const SERVED: readonly AlertStatus[] = ['FIRING', 'SILENCED', 'INHIBITED', 'UNKNOWN'];

/**
 * The state switches for a status set. An alert both silenced and inhibited counts as SILENCED,
 * and the API drops it when `inhibited=false`, so asking for SILENCED also lets inhibited alerts
 * through; the exact status is checked afterwards.
 */
export function stateParams(statuses: readonly AlertStatus[] | undefined): Record<string, boolean> {
  if (!statuses?.length) return {};
  return {
    active: statuses.includes('FIRING'),
    silenced: statuses.includes('SILENCED'),
    inhibited: statuses.includes('INHIBITED') || statuses.includes('SILENCED'),
    unprocessed: statuses.includes('UNKNOWN'),
  };
}

export function filterMatchers(
  query: AlertQuery,
  deps: Pick<QueryDeps, 'serviceLabel' | 'environmentLabel' | 'teamLabel' | 'severityLabel' | 'severities'>,
): string[] {
  const filter: string[] = [];
  if (query.scope?.service) filter.push(matcherString(deps.serviceLabel, '=', query.scope.service));
  if (query.scope?.environment) filter.push(matcherString(deps.environmentLabel, '=', query.scope.environment));
  if (query.scope?.team) filter.push(matcherString(deps.teamLabel, '=', query.scope.team));
  // UNKNOWN means "no or an unmapped severity label", which no positive matcher can select.
  if (query.severities?.length && !query.severities.includes('UNKNOWN')) {
    const raw = deps.severities.rawValues(query.severities).map(regexLiteral);
    filter.push(matcherString(deps.severityLabel, '=~', `(?i)${raw.join('|')}`));
  }
  return filter;
}

export async function fetchAlerts(
  http: HttpClient,
  params: Record<string, QueryValue>,
  ctx: CallContext,
): Promise<GettableAlert[]> {
  const alerts = await http.get<GettableAlert[] | undefined>('/api/v2/alerts', {
    query: params,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return alerts ?? [];
}

export async function queryAlerts(deps: QueryDeps, query: AlertQuery, ctx: CallContext): Promise<Page<Alert>> {
  const unmatchable =
    (query.statuses?.length && !query.statuses.some((s) => SERVED.includes(s))) ||
    (query.severities?.length &&
      !query.severities.includes('UNKNOWN') &&
      deps.severities.rawValues(query.severities).length === 0);
  if (unmatchable) return keysetPage([], query, LIST_ORDERS.alerts);
  const raw = await fetchAlerts(
    deps.http,
    { ...stateParams(query.statuses), filter: filterMatchers(query, deps) },
    ctx,
  );
  const window = query.activeWithin && {
    start: Date.parse(query.activeWithin.start),
    end: Date.parse(query.activeWithin.end),
  };
  const alerts = raw
    .filter((a) => matchesText(query.query, a.labels.alertname, a.annotations.summary, a.annotations.description))
    .map((a) => normalizeAlert(a, deps))
    .filter(
      (a) =>
        (!query.statuses?.length || query.statuses.includes(a.status)) &&
        (!query.severities?.length || query.severities.includes(a.severity)) &&
        (!window || (Date.parse(a.startsAt) <= window.end && (!a.endsAt || Date.parse(a.endsAt) >= window.start))),
    );
  return keysetPage(alerts, query, LIST_ORDERS.alerts);
}
