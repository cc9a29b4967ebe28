import {
  anyRecord,
  arrayOf,
  dateTime,
  listOutput,
  object,
  positiveInteger,
  scope,
  string,
  toolInput,
} from '../json-schema.js';
import * as shape from '../opsorch-shapes.js';
import { field, isRec, READ, type Rec, run, type Tool, ToolError } from '../tool.js';
import * as words from '../vocabulary.js';
import { defined, fitToBudget, limitOf, scopeOf } from './support.js';

function timeRange(args: Rec): { start: string; end: string } {
  const start = typeof args.start === 'string' ? Date.parse(args.start) : Number.NaN;
  const end = typeof args.end === 'string' ? Date.parse(args.end) : Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) throw new ToolError('start and end: expected RFC 3339 date-times');
  if (start > end) throw new ToolError('start must not be after end');
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

type LogFilter = { field: string; operator: string; value: string };

/** OpsOrch's log field filters, applied to each entry's labels and fields. */
function matches(entry: Rec, filter: LogFilter): boolean {
  const raw = field(entry, 'labels', filter.field) ?? field(entry, 'fields', filter.field) ?? entry[filter.field];
  const value = raw === undefined || raw === null ? undefined : String(raw);
  switch (filter.operator.trim().toLowerCase()) {
    case '=':
    case '==':
    case 'eq':
    case 'equals':
      return value === filter.value;
    case '!=':
    case 'neq':
      return value !== filter.value;
    case 'contains':
      return value?.includes(filter.value) ?? false;
    case 'regex':
    case '=~':
      return value !== undefined && safeRegExp(filter.value).test(value);
    default:
      throw new ToolError(`expression.filters: unknown operator ${JSON.stringify(filter.operator)}`);
  }
}

function safeRegExp(pattern: string): RegExp {
  if (pattern.length > 200) throw new ToolError('expression.filters: a regex is at most 200 characters');
  try {
    return new RegExp(pattern);
  } catch {
    throw new ToolError(`expression.filters: invalid regex ${JSON.stringify(pattern)}`);
  }
}

export const queryLogs: Tool = {
  name: 'query-logs',
  title: 'Query Logs',
  description:
    'Log entries over a time range, newest first: free-text expression.search, expression.severityIn (error, warn, ...), expression.filters on labels and fields (=, !=, contains, regex), scope, limit (default 100). providers restricts the answer to the named provider instances.',
  inputSchema: toolInput(
    {
      expression: object({
        search: string(),
        filters: arrayOf(
          object({ field: string(), operator: string(), value: string() }, ['field', 'operator', 'value']),
        ),
        severityIn: arrayOf(string()),
      }),
      start: dateTime(),
      end: dateTime(),
      scope: scope(),
      limit: positiveInteger(),
      metadata: anyRecord(),
      providers: arrayOf(string()),
    },
    ['start', 'end'],
  ),
  outputSchema: listOutput('entries', { type: 'object' }),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const expression = isRec(args.expression) ? args.expression : {};
    const filters = (Array.isArray(expression.filters) ? expression.filters : []) as LogFilter[];
    const providers = Array.isArray(args.providers) ? new Set(args.providers.map(String)) : undefined;
    const query = defined({
      ...timeRange(args),
      query: typeof expression.search === 'string' && expression.search !== '' ? expression.search : undefined,
      levels: words.logLevels(expression.severityIn),
      scope: scopeOf(args.scope),
      limit: limitOf(args.limit, 100),
    });
    const { data, errors } = await run(ctx, 'query-logs', { query });
    const result = field(data, 'logs');
    if (!isRec(result)) throw new ToolError(String(errors[0]?.message ?? 'no log provider answered'));
    const entries = (Array.isArray(result.entries) ? result.entries : [])
      .filter(isRec)
      .filter((e) => !providers || providers.has(String(field(e, 'source', 'provider'))))
      .filter((e) => filters.every((f) => matches(e, f)))
      .map(shape.logEntry);
    const kept = fitToBudget(entries, ctx.maxChars);
    return {
      structured: defined({
        entries: kept.items,
        url: result.url,
        truncated: kept.truncated || result.truncated === true,
        note: kept.truncated
          ? `truncated after ${kept.items.length} entries to fit the answer budget; narrow with a shorter time range, expression.severityIn, expression.search or a smaller limit`
          : undefined,
        errors: errors.length > 0 ? errors : undefined,
      }),
    };
  },
};

export const queryMetrics: Tool = {
  name: 'query-metrics',
  title: 'Query Metrics',
  description:
    'Metric series over a time range: expression.metricName with optional aggregation (sum, avg, min, max, count, rate, p50, p90, p99), label filters (=, !=, =~, !~) and groupBy; step in seconds; scope narrows to a service.',
  inputSchema: toolInput(
    {
      expression: object(
        {
          metricName: string(),
          aggregation: string(),
          filters: arrayOf(
            object({ label: string(), operator: string(), value: string() }, ['label', 'operator', 'value']),
          ),
          groupBy: arrayOf(string()),
        },
        ['metricName'],
      ),
      start: dateTime(),
      end: dateTime(),
      step: positiveInteger(),
      scope: scope(),
      metadata: anyRecord(),
    },
    ['start', 'end', 'step'],
  ),
  outputSchema: listOutput('series'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const expression = isRec(args.expression) ? args.expression : undefined;
    if (!expression || typeof expression.metricName !== 'string' || expression.metricName === '') {
      throw new ToolError('expression.metricName is required');
    }
    const filters = Array.isArray(expression.filters) ? expression.filters.filter(isRec) : [];
    const query = defined({
      ...timeRange(args),
      name: expression.metricName,
      step: args.step,
      scope: scopeOf(args.scope),
      aggregation: words.aggregation(expression.aggregation),
      groupBy: Array.isArray(expression.groupBy) ? expression.groupBy : undefined,
      labels:
        filters.length > 0
          ? filters.map((f) => ({ name: String(f.label), value: String(f.value), op: words.labelOp(f.operator) }))
          : undefined,
    });
    const { data, errors } = await run(ctx, 'query-metrics', { query });
    const series = field(data, 'metrics');
    if (!Array.isArray(series)) throw new ToolError(String(errors[0]?.message ?? 'no metric provider answered'));
    const kept = fitToBudget(series.filter(isRec).map(shape.series), ctx.maxChars);
    return {
      structured: defined({
        series: kept.items,
        truncated: kept.truncated,
        note: kept.truncated
          ? `truncated after ${kept.items.length} series to fit the answer budget; narrow with filters, groupBy, a larger step or a shorter range`
          : undefined,
        errors: errors.length > 0 ? errors : undefined,
      }),
    };
  },
};

export const describeMetrics: Tool = {
  name: 'describe-metrics',
  title: 'Describe Metrics',
  description:
    'The metrics the metric providers know, with type, help text, unit and labels; scope narrows to a service.',
  inputSchema: toolInput({ scope: scope() }),
  outputSchema: listOutput('metrics'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const { data, errors } = await run(ctx, 'describe-metrics', defined({ scope: scopeOf(args.scope) }));
    const descriptors = field(data, 'metricDescriptors');
    if (!Array.isArray(descriptors)) throw new ToolError(String(errors[0]?.message ?? 'no metric provider answered'));
    const kept = fitToBudget(descriptors.filter(isRec).map(shape.descriptor), ctx.maxChars);
    return {
      structured: defined({
        metrics: kept.items,
        truncated: kept.truncated,
        note: kept.truncated ? `truncated after ${kept.items.length} metrics; narrow with scope.service` : undefined,
        errors: errors.length > 0 ? errors : undefined,
      }),
    };
  },
};
