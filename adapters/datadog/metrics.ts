/**
 * Metrics through `POST /api/v2/query/timeseries`. The query is built from checked parts
 * (`avg:system.cpu.user{service:checkout,!host:web-1} by {host}`), and each returned series is named
 * after its metric, not after Datadog's formula name (`query1`), with its group tags as labels.
 */
import {
  AdapterError,
  badInput,
  type CallContext,
  type MetricAggregation,
  type MetricDescriptor,
  type MetricQuery,
  type MetricSeries,
  type Scope,
} from '../contract/index.js';
import { type HttpClient, pageCounter } from '../http/index.js';
import type { DatadogConfig } from './config.js';
import { metricName, tag, tagKey } from './syntax.js';

const AGGREGATOR: Record<MetricAggregation, { space: string; suffix?: string }> = {
  AVG: { space: 'avg' },
  SUM: { space: 'sum' },
  MIN: { space: 'min' },
  MAX: { space: 'max' },
  COUNT: { space: 'sum', suffix: '.as_count()' },
  RATE: { space: 'sum', suffix: '.as_rate()' },
  P50: { space: 'p50' },
  P90: { space: 'p90' },
  P99: { space: 'p99' },
};

export function scopeTags(scope: Scope | undefined): string[] {
  const tags: string[] = [];
  if (scope?.service) tags.push(tag('service', scope.service));
  if (scope?.environment) tags.push(tag('env', scope.environment));
  if (scope?.team) tags.push(tag('team', scope.team));
  return tags;
}

export function buildMetricQuery(query: MetricQuery): { text: string; name: string } {
  if (query.expression) {
    // Expert mode, used as given; the series still carries the metric's name when one can be read.
    const name = /^(?:[a-z0-9]+:)?([A-Za-z][\w.]*)/.exec(query.expression.trim())?.[1] ?? query.expression;
    return { text: query.expression, name };
  }
  if (!query.name) throw badInput('a metric query needs a name or an expression');
  const name = metricName(query.name);
  const filters = [...scopeTags(query.scope)];
  for (const matcher of query.labels ?? []) {
    if (matcher.op !== 'EQ' && matcher.op !== 'NEQ') {
      throw badInput(`Datadog tag filters have no regular expressions (label ${JSON.stringify(matcher.name)})`);
    }
    filters.push(`${matcher.op === 'NEQ' ? '!' : ''}${tag(matcher.name, matcher.value)}`);
  }
  const groupBy = (query.groupBy ?? []).map(tagKey);
  const agg = AGGREGATOR[query.aggregation ?? 'AVG'];
  const text = `${agg.space}:${name}{${filters.join(',') || '*'}}${groupBy.length ? ` by {${groupBy.join(',')}}` : ''}${agg.suffix ?? ''}`;
  return { text, name };
}

interface TimeseriesResponse {
  data?: {
    attributes?: {
      series?: { group_tags?: string[]; query_index?: number; unit?: ({ name?: string } | null)[] | null }[];
      times?: number[];
      values?: (number | null)[][];
    };
  };
  errors?: string[];
}

export function metricExplorerUrl(config: DatadogConfig, query: MetricQuery, text: string): string {
  const params = new URLSearchParams({
    query: text,
    from_ts: String(Date.parse(query.start)),
    to_ts: String(Date.parse(query.end)),
    live: 'false',
  });
  return `${config.ui}/metric/explorer?${params}`;
}

export async function queryMetric(
  http: HttpClient,
  config: DatadogConfig,
  query: MetricQuery,
  ctx: CallContext,
): Promise<MetricSeries[]> {
  const { text, name } = buildMetricQuery(query);
  const body = await http.post<TimeseriesResponse>(
    '/api/v2/query/timeseries',
    {
      data: {
        type: 'timeseries_request',
        attributes: {
          from: Date.parse(query.start),
          to: Date.parse(query.end),
          interval: query.step * 1000,
          queries: [{ data_source: 'metrics', query: text, name: 'query1' }],
          formulas: [{ formula: 'query1' }],
        },
      },
    },
    { ...(ctx.signal ? { signal: ctx.signal } : {}), read: true },
  );
  const attributes = body?.data?.attributes;
  if (!attributes || !Array.isArray(attributes.series) || !Array.isArray(attributes.times)) {
    throw badProvider('a timeseries query');
  }
  const times = attributes.times;
  const url = metricExplorerUrl(config, query, text);
  return attributes.series.map((series, i) => {
    const values = attributes.values?.[i] ?? [];
    const labels: Record<string, string> = {};
    for (const t of series.group_tags ?? []) {
      const at = t.indexOf(':');
      if (at > 0) labels[t.slice(0, at)] = t.slice(at + 1);
    }
    return {
      name,
      labels,
      unit: series.unit?.[0]?.name ?? null,
      points: times.map((t, j) => {
        const v = values[j];
        return { timestamp: new Date(t).toISOString(), value: typeof v === 'number' && Number.isFinite(v) ? v : null };
      }),
      url,
    };
  });
}

/** Metric names (and whether each is a distribution) from `GET /api/v2/metrics`, cursor-paged. */
export async function describeMetrics(
  http: HttpClient,
  config: DatadogConfig,
  scope: Scope,
  ctx: CallContext,
): Promise<MetricDescriptor[]> {
  const tags = scopeTags(scope);
  const out: MetricDescriptor[] = [];
  let cursor: string | undefined;
  const nextPage = pageCounter('Datadog', 'metrics', config.maxPages);
  for (;;) {
    nextPage();
    const body = await http.get<{
      data?: { id: string; type: string }[];
      meta?: { pagination?: { next_cursor?: string | null } };
    }>('/api/v2/metrics', {
      query: {
        'filter[tags]': tags.length ? tags.join(',') : undefined,
        'page[size]': 1000,
        'page[cursor]': cursor,
      },
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (!Array.isArray(body?.data)) throw badProvider('a metrics listing');
    for (const m of body.data) {
      out.push({ name: m.id, type: m.type === 'distribution_metrics' ? 'HISTOGRAM' : 'UNKNOWN', labels: [] });
    }
    cursor = body.meta?.pagination?.next_cursor ?? undefined;
    if (!cursor) break;
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function badProvider(what: string): AdapterError {
  return new AdapterError(
    'PROVIDER_ERROR',
    `Datadog answered ${what} with something that is not what its API documents`,
  );
}
