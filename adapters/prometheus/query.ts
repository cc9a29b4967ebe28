/** One metric query → one `/api/v1/query_range` call → normalized series with deep links. */
import {
  badInput,
  type CallContext,
  type MetricPoint,
  type MetricQuery,
  type MetricSeries,
} from '../contract/index.js';
import type { HttpClient } from '../http/index.js';
import type { Envelope, MatrixResult } from './api.js';
import { buildExpression, type ScopeLabels } from './expression.js';
import { graphLink } from './links.js';

export interface QueryDeps {
  http: HttpClient;
  labels: ScopeLabels;
  /** Base URL for links people open (may differ from the API URL behind a proxy). */
  uiUrl: string;
}

export async function queryRange(deps: QueryDeps, query: MetricQuery, ctx: CallContext): Promise<MetricSeries[]> {
  if (!Number.isFinite(query.step) || query.step <= 0) throw badInput(`step must be positive, got ${query.step}`);
  if (Date.parse(query.start) > Date.parse(query.end)) throw badInput('start must not be after end');
  const built = buildExpression(query, deps.labels);
  const envelope = await deps.http.get<Envelope<MatrixResult>>('/api/v1/query_range', {
    query: { query: built.expr, start: query.start, end: query.end, step: query.step },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (envelope.data.resultType !== 'matrix') {
    throw badInput(`expression must return a range vector over time, got a ${envelope.data.resultType}`);
  }
  const url = graphLink(deps.uiUrl, built.expr, query.start, query.end, query.step);
  return envelope.data.result.map(({ metric, values }) => {
    const { __name__: name, ...labels } = metric;
    return { name: name ?? built.name, labels, unit: built.unit, points: (values ?? []).map(toPoint), url };
  });
}

/** `[unixSeconds, "value"]`; NaN and ±Inf have no JSON number, so they become null. */
function toPoint([seconds, raw]: [number, string]): MetricPoint {
  const value = Number(raw);
  return {
    timestamp: new Date(Math.round(seconds * 1000)).toISOString(),
    value: Number.isFinite(value) ? value : null,
  };
}
