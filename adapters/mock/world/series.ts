import {
  badInput,
  type MetricAggregation,
  type MetricLabelMatcher,
  type MetricPoint,
  type MetricQuery,
  type MetricSeries,
  type Scope,
} from '../../contract/index.js';
import { servicesInScope } from '../scope.js';
import { impactsOf } from './impact.js';
import { links, promDuration } from './links.js';
import { counterOrigin, METRICS, type SeriesContext } from './metrics.js';
import type { World } from './model.js';
import { labelMatches, parseExpression, selectorText } from './promql.js';
import { hash32 } from './rng.js';
import { iso, SECOND } from './time.js';
import { timeGrid } from './time-grid.js';

/** Prometheus refuses range queries with more points than this per series. */
const MAX_POINTS = 11_000;
/** rate() never looks back less than this, like rate(x[5m]) over a short step. */
const MIN_RATE_WINDOW = 300;

interface RawSeries {
  labels: Record<string, string>;
  values: (number | null)[];
}

/** Evaluates one metric query into series; unknown metric names give no series, as in Prometheus. */
export function evaluate(world: World, query: MetricQuery): MetricSeries[] {
  const start = Date.parse(query.start);
  const end = Date.parse(query.end);
  if (Number.isNaN(start) || Number.isNaN(end)) throw badInput('start and end must be valid timestamps');
  if (start > end) throw badInput('start must not be after end');
  if (!Number.isFinite(query.step) || query.step <= 0) throw badInput('step must be a positive number of seconds');
  const count = Math.floor((end - start) / (query.step * SECOND)) + 1;
  if (count > MAX_POINTS)
    throw badInput(
      `the query would return ${count} points per series; the maximum is ${MAX_POINTS}, use a larger step`,
    );

  const parsed = query.expression ? parseExpression(query.expression) : undefined;
  if (parsed && query.name && parsed.name !== query.name) {
    throw badInput(
      `name ${JSON.stringify(query.name)} and the expression's metric ${JSON.stringify(parsed.name)} differ`,
    );
  }
  const name = parsed?.name ?? query.name;
  if (!name) throw badInput('either name or expression is required');
  const matchers = [...(parsed?.matchers ?? []), ...(query.labels ?? [])];
  for (const m of matchers) if (m.value.length > 256) throw badInput(`label matcher ${m.name}: value is too long`);
  const definition = METRICS.get(name);
  if (!definition) return [];
  const counter = definition.descriptor.type === 'COUNTER';
  const aggregation = query.aggregation ?? parsed?.aggregation;
  const groupBy = query.groupBy ?? parsed?.groupBy;
  if (aggregation === 'RATE' && !counter) {
    throw badInput(`RATE applies to counters; ${name} is a ${definition.descriptor.type.toLowerCase()}`);
  }

  const now = world.clock.now();
  const origin = counterOrigin(world);
  const rateWindow = Math.max(query.step, MIN_RATE_WINDOW);
  const raw: RawSeries[] = [];
  for (const record of servicesInScope(world, query.scope)) {
    const labels: Record<string, string> = {
      service: record.service.name,
      environment: record.service.environment ?? 'production',
      team: teamHandle(world, record.service.team),
      job: record.service.name,
    };
    if (!matchers.every((m) => labelMatches(labels, m))) continue;
    const ctx: SeriesContext = {
      world,
      record,
      impacts: impactsOf(world, record.service.name),
      origin,
      key: hash32(world.seed, 'metrics', record.service.name),
    };
    // A plain loop: this runs for every point of every series a page shows.
    const values = new Array<number | null>(count);
    for (let i = 0; i < count; i++) {
      const t = start + i * query.step * SECOND;
      if (t > now) values[i] = null;
      else if (aggregation !== 'RATE') values[i] = definition.value(ctx, t);
      else {
        const rate = (definition.value(ctx, t) - definition.value(ctx, t - rateWindow * SECOND)) / rateWindow;
        values[i] = Math.round(rate * 1000) / 1000;
      }
    }
    raw.push({ labels, values });
  }

  // A grouping needs a reducer: default to what Prometheus users reach for.
  const reducer: MetricAggregation | undefined =
    aggregation === 'RATE'
      ? groupBy
        ? 'SUM'
        : undefined
      : (aggregation ?? (groupBy ? (counter ? 'SUM' : 'AVG') : undefined));
  const series = reducer ? reduce(raw, reducer, groupBy ?? []) : raw;

  const selector = scopeSelector(world, name, query.scope, matchers);
  const baseExpr = aggregation === 'RATE' ? `rate(${selector}[${promDuration(rateWindow)}])` : selector;
  const unit = definition.descriptor.unit ?? null;
  const stamps = timeGrid(start, query.step, count);
  return series.map((s) => {
    const expr =
      query.expression ??
      (reducer
        ? wrap(reducer, groupBy ?? [], baseExpr)
        : aggregation === 'RATE'
          ? `rate(${seriesSelector(name, s.labels, matchers)}[${promDuration(rateWindow)}])`
          : seriesSelector(name, s.labels, matchers));
    return {
      name,
      labels: s.labels,
      unit: aggregation === 'RATE' ? `${unit ?? ''}/s` : reducer === 'COUNT' ? 'series' : unit,
      points: pointsOf(stamps, s.values),
      url: links.prometheusGraph(expr, (end - start) / SECOND, iso(end), query.step),
    };
  });
}

function pointsOf(stamps: readonly string[], values: readonly (number | null | undefined)[]): MetricPoint[] {
  const points = new Array<MetricPoint>(stamps.length);
  for (let i = 0; i < stamps.length; i++) points[i] = { timestamp: stamps[i] as string, value: values[i] ?? null };
  return points;
}

function reduce(series: readonly RawSeries[], aggregation: MetricAggregation, groupBy: readonly string[]): RawSeries[] {
  const groups = new Map<string, { labels: Record<string, string>; members: RawSeries[] }>();
  for (const s of series) {
    const labels: Record<string, string> = {};
    for (const l of groupBy) if (s.labels[l] !== undefined) labels[l] = s.labels[l]!;
    const key = JSON.stringify(groupBy.map((l) => labels[l] ?? ''));
    const group = groups.get(key) ?? { labels, members: [] };
    group.members.push(s);
    groups.set(key, group);
  }
  const length = series[0]?.values.length ?? 0;
  return [...groups.values()].map((g) => ({
    labels: g.labels,
    values: Array.from({ length }, (_, i) => {
      const values = g.members.map((m) => m.values[i]).filter((v): v is number => v !== null && v !== undefined);
      return values.length === 0 ? null : combine(aggregation, values);
    }),
  }));
}

function combine(aggregation: MetricAggregation, values: number[]): number {
  switch (aggregation) {
    case 'SUM':
    case 'RATE':
      return values.reduce((a, b) => a + b, 0);
    case 'AVG':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'MIN':
      return Math.min(...values);
    case 'MAX':
      return Math.max(...values);
    case 'COUNT':
      return values.length;
    case 'P50':
      return quantile(values, 0.5);
    case 'P90':
      return quantile(values, 0.9);
    case 'P99':
      return quantile(values, 0.99);
  }
}

/** Prometheus' quantile(): linear interpolation between the closest ranks. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

function wrap(aggregation: MetricAggregation, groupBy: readonly string[], inner: string): string {
  const by = groupBy.length > 0 ? ` by (${groupBy.join(', ')})` : '';
  const q = { P50: '0.5', P90: '0.9', P99: '0.99' } as Record<string, string>;
  if (q[aggregation]) return `quantile${by} (${q[aggregation]}, ${inner})`;
  return `${aggregation === 'RATE' ? 'sum' : aggregation.toLowerCase()}${by} (${inner})`;
}

function scopeSelector(
  world: World,
  name: string,
  scope: Scope | undefined,
  matchers: readonly MetricLabelMatcher[],
): string {
  const scoped: MetricLabelMatcher[] = [];
  if (scope?.service || scope?.team) {
    const names = servicesInScope(world, scope).map((r) => r.service.name);
    if (names.length === 1) scoped.push({ name: 'service', op: 'EQ', value: names[0]! });
    else scoped.push({ name: 'service', op: 'REGEX', value: names.join('|') || (scope.service ?? '') });
  }
  if (scope?.environment) scoped.push({ name: 'environment', op: 'EQ', value: scope.environment });
  return selectorText(name, [...scoped, ...matchers]);
}

function seriesSelector(name: string, labels: Record<string, string>, matchers: readonly MetricLabelMatcher[]): string {
  const own: MetricLabelMatcher[] = [
    { name: 'service', op: 'EQ', value: labels.service ?? '' },
    { name: 'environment', op: 'EQ', value: labels.environment ?? '' },
  ];
  return selectorText(name, [...own, ...matchers.filter((m) => m.name !== 'service' && m.name !== 'environment')]);
}

function teamHandle(world: World, team: string | null | undefined): string {
  return world.teams.find((t) => t.team.name === team)?.team.handle ?? '';
}
