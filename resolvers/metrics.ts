import type { MetricQuery, Scope, TimeRange } from '../adapters/contract/index.js';
import { metricStats } from '../src/data/aggregates/metric-stats.js';
import type { MetricSeriesNode } from '../src/data/models.js';
import type { Resolvers } from '../src/generated/graphql.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { badUserInput } from '../src/graphql/errors.js';
import { checkRange, compact, toScope } from './arguments.js';

/** About this many points per series when the caller gives no step. */
const TARGET_POINTS = 250;
const MAX_POINTS = 11_000;

/** What a service page shows when no metric is named: traffic, errors and latency. */
export const DEFAULT_SERVICE_METRICS = ['http_requests_total', 'http_errors_total', 'http_request_duration_seconds'];

export function stepFor(range: TimeRange, step: number | null | undefined): number {
  const seconds = (Date.parse(range.end) - Date.parse(range.start)) / 1000;
  if (step != null) {
    if (!Number.isInteger(step) || step < 1)
      throw badUserInput(`step must be a positive number of seconds, got ${step}`, 'step');
    if (seconds / step > MAX_POINTS) {
      throw badUserInput(`step ${step}s gives more than ${MAX_POINTS} points over this range`, 'step');
    }
    return step;
  }
  return Math.max(1, Math.ceil(seconds / TARGET_POINTS));
}

export async function metricsFor(
  ctx: GatewayContext,
  scope: Scope,
  names: readonly string[] | null | undefined,
  range: TimeRange,
  step: number | null | undefined,
): Promise<MetricSeriesNode[]> {
  const chosen = names?.length ? names : DEFAULT_SERVICE_METRICS;
  const s = stepFor(range, step);
  const series = await Promise.all(
    chosen.map((name) => ctx.data.metrics.query({ name, scope, start: range.start, end: range.end, step: s })),
  );
  return series.flat();
}

export const metricResolvers: Resolvers = {
  Query: {
    metrics(_, { query }, ctx) {
      if (!query.name && !query.expression) throw badUserInput('query needs a name or an expression', 'query');
      const range = checkRange({ start: query.start, end: query.end }, 'query') as TimeRange;
      const { scope, labels, step, ...rest } = compact(query);
      const request: MetricQuery = {
        ...rest,
        start: range.start,
        end: range.end,
        step: stepFor(range, step),
        ...(labels ? { labels: labels.map((l) => ({ name: l.name, value: l.value, op: l.op ?? 'EQ' })) } : {}),
      };
      const s = toScope(scope);
      return ctx.data.metrics.query(s ? { ...request, scope: s } : request);
    },
    metricDescriptors(_, { scope }, ctx) {
      return ctx.data.metrics.describe(toScope(scope) ?? {});
    },
  },
  MetricSeries: {
    stats: (parent) => metricStats(parent.points),
    source: (parent) => ({ provider: parent.provider, capability: 'METRIC', nativeId: parent.name }),
  },
  MetricDescriptor: {
    source: (parent) => ({ provider: parent.provider, capability: 'METRIC', nativeId: parent.name }),
  },
};
