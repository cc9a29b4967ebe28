/**
 * Just enough PromQL for `MetricQuery.expression`: the mock cannot evaluate arbitrary queries,
 * so it understands the shapes a console sends and refuses the rest with a clear message.
 *
 *   name{label="v",other=~"a|b"}
 *   rate(name{...}[5m])
 *   sum|avg|min|max|count [by (a, b)] (inner)   — also `sum(inner) by (a)`
 */
import { badInput, type MetricAggregation, type MetricLabelMatcher, type MetricLabelOp } from '../../contract/index.js';
import { promString } from './links.js';

export interface ParsedExpression {
  name: string;
  matchers: MetricLabelMatcher[];
  aggregation?: MetricAggregation;
  groupBy?: string[];
}

const OPS: Record<string, MetricLabelOp> = { '=': 'EQ', '!=': 'NEQ', '=~': 'REGEX', '!~': 'NOT_REGEX' };
const OP_TEXT: Record<MetricLabelOp, string> = { EQ: '=', NEQ: '!=', REGEX: '=~', NOT_REGEX: '!~' };
const AGGREGATIONS: Record<string, MetricAggregation> = {
  sum: 'SUM',
  avg: 'AVG',
  min: 'MIN',
  max: 'MAX',
  count: 'COUNT',
};

const SELECTOR = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?$/s;
const MATCHER = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y;

export function parseExpression(expression: string): ParsedExpression {
  const unsupported = () =>
    badInput(
      'the mock metric provider understands only selectors (name{label="value"}), rate(selector[5m]) and sum/avg/min/max/count [by (labels)] over them',
    );
  let text = expression.trim();
  let aggregation: MetricAggregation | undefined;
  let groupBy: string[] | undefined;

  const agg = /^(sum|avg|min|max|count)\s*(?:by\s*\(([^)]*)\)\s*)?\((.*)\)\s*(?:by\s*\(([^)]*)\))?$/s.exec(text);
  if (agg) {
    aggregation = AGGREGATIONS[agg[1]!];
    const by = agg[2] ?? agg[4];
    if (by !== undefined)
      groupBy = by
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean);
    text = agg[3]!.trim();
  }
  const rate = /^rate\s*\((.*)\[\s*\d+[smhdw]\s*\]\s*\)$/s.exec(text);
  if (rate) {
    if (aggregation && aggregation !== 'SUM') throw unsupported();
    // sum(rate(x)) is what RATE with groupBy means to the series engine.
    aggregation = 'RATE';
    text = rate[1]!.trim();
  }
  const selector = SELECTOR.exec(text);
  if (!selector) throw unsupported();
  const matchers: MetricLabelMatcher[] = [];
  const body = selector[2]?.trim() ?? '';
  MATCHER.lastIndex = 0;
  while (MATCHER.lastIndex < body.length) {
    const m = MATCHER.exec(body);
    if (!m) throw unsupported();
    matchers.push({ name: m[1]!, op: OPS[m[2]!]!, value: m[3]!.replace(/\\(.)/g, '$1') });
  }
  return { name: selector[1]!, matchers, ...(aggregation && { aggregation }), ...(groupBy && { groupBy }) };
}

export function selectorText(name: string, matchers: readonly MetricLabelMatcher[]): string {
  const body = matchers.map((m) => `${m.name}${OP_TEXT[m.op]}${promString(m.value)}`).join(',');
  return body ? `${name}{${body}}` : name;
}

/** Prometheus anchors label regexes at both ends. */
export function labelMatches(labels: Record<string, string>, matcher: MetricLabelMatcher): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case 'EQ':
      return value === matcher.value;
    case 'NEQ':
      return value !== matcher.value;
    case 'REGEX':
    case 'NOT_REGEX': {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${matcher.value})$`);
      } catch {
        throw badInput(`label matcher ${matcher.name}: invalid regular expression`);
      }
      return re.test(value) === (matcher.op === 'REGEX');
    }
    default:
      return false;
  }
}
