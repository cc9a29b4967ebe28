/**
 * Turns a normalized metric query into PromQL: label matchers from scope and filters, then the
 * aggregation. A raw `expression` is the expert escape hatch and is used exactly as given.
 */
import { badInput, type MetricAggregation, type MetricQuery, type Scope } from '../contract/index.js';
import { labelName, type Matcher, metricName, selector } from './promql.js';

export interface ScopeLabels {
  serviceLabel: string;
  /** Matched with the service name on series that lack `serviceLabel` (e.g. `job`); absent to disable. */
  serviceFallbackLabel?: string | undefined;
  environmentLabel: string;
  teamLabel?: string | undefined;
}

export interface Built {
  expr: string;
  /** Series name when the result carries no `__name__` (aggregations and functions drop it). */
  name: string;
  unit: string | null;
}

/** Shortest range a rate looks back over: a few scrapes at common intervals. */
const MIN_RATE_RANGE_SECONDS = 60;

const QUANTILES: Partial<Record<MetricAggregation, number>> = { P50: 0.5, P90: 0.9, P99: 0.99 };
const PLAIN: Partial<Record<MetricAggregation, string>> = {
  SUM: 'sum',
  AVG: 'avg',
  MIN: 'min',
  MAX: 'max',
  COUNT: 'count',
};

export function buildExpression(query: MetricQuery, labels: ScopeLabels): Built {
  if (query.expression !== undefined) {
    if (query.name !== undefined) throw badInput('give either name or expression, not both');
    const expr = query.expression.trim();
    if (!expr) throw badInput('expression must not be blank');
    return { expr, name: expr, unit: null };
  }
  if (query.name === undefined) throw badInput('a metric query needs a name or an expression');
  const name = metricName(query.name);
  const groupBy = (query.groupBy ?? []).map((g) => labelName(g, 'groupBy label'));
  if (groupBy.length && !query.aggregation) throw badInput('groupBy needs an aggregation');

  const alternatives = scopeAlternatives(query.scope, labels);
  const common = query.labels ?? [];
  const union = (metric: string, wrap: (sel: string) => string = (s) => s) => {
    const parts = alternatives.map((alt) => wrap(selector(metric, [...common, ...alt])));
    return parts.length === 1 ? (parts[0] as string) : `(${parts.join(' or ')})`;
  };
  const by = (extra: string[] = []) => {
    const keys = [...extra, ...groupBy];
    return keys.length ? ` by (${keys.join(', ')})` : '';
  };
  const range = `[${Math.max(4 * query.step, MIN_RATE_RANGE_SECONDS)}s]`;
  const unit = unitOf(name);

  const aggregation = query.aggregation;
  if (!aggregation) return { expr: union(name), name, unit };
  const plain = PLAIN[aggregation];
  if (plain) return { expr: `${plain}${by()} (${union(name)})`, name, unit: aggregation === 'COUNT' ? null : unit };
  if (aggregation === 'RATE') {
    const rate = union(name, (s) => `rate(${s}${range})`);
    return { expr: groupBy.length ? `sum${by()} (${rate})` : rate, name, unit: unit ? `${unit}/s` : null };
  }
  const quantile = QUANTILES[aggregation] as number;
  const buckets = name.endsWith('_bucket') ? name : `${name}_bucket`;
  return {
    expr: `histogram_quantile(${quantile}, sum${by(['le'])} (${union(buckets, (s) => `rate(${s}${range})`)}))`,
    name,
    unit,
  };
}

/**
 * Label matchers a scope adds, as alternatives OR-ed together: series labelled with the service,
 * or (when a fallback label is configured) series without the service label whose fallback label
 * names it. Requiring the service label to be absent keeps a series from matching twice.
 */
export function scopeAlternatives(scope: Scope | undefined, labels: ScopeLabels): Matcher[][] {
  const shared: Matcher[] = [];
  if (scope?.environment) shared.push({ name: labels.environmentLabel, op: 'EQ', value: scope.environment });
  if (scope?.team && labels.teamLabel) shared.push({ name: labels.teamLabel, op: 'EQ', value: scope.team });
  if (!scope?.service) return [shared];
  const primary = [...shared, { name: labels.serviceLabel, op: 'EQ' as const, value: scope.service }];
  if (!labels.serviceFallbackLabel) return [primary];
  return [
    primary,
    [
      ...shared,
      { name: labels.serviceFallbackLabel, op: 'EQ', value: scope.service },
      { name: labels.serviceLabel, op: 'EQ', value: '' },
    ],
  ];
}

/** Base units named by the Prometheus naming convention's suffix, e.g. `_seconds`, `_bytes_total`; counts have none. */
const UNITS = ['seconds', 'bytes', 'ratio', 'percent', 'celsius', 'meters', 'volts', 'amperes', 'joules', 'grams'];

function unitOf(name: string): string | null {
  const base = name.replace(/_(total|sum)$/, '');
  return UNITS.find((u) => base.endsWith(`_${u}`)) ?? null;
}
