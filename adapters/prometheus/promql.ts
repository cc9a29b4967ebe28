/**
 * The only place user values enter PromQL. Names are validated against the grammar (they cannot
 * be quoted); values are always emitted as double-quoted strings with every character that could
 * end the string or the selector escaped, so input can never add a matcher, a selector or an
 * operator.
 */
import { badInput, type MetricLabelOp } from '../contract/index.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function metricName(name: string, argument = 'name'): string {
  if (!METRIC_NAME.test(name)) {
    throw badInput(`${argument} ${JSON.stringify(name)} is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
  }
  return name;
}

export function labelName(name: string, argument = 'label'): string {
  if (!LABEL_NAME.test(name)) {
    throw badInput(`${argument} ${JSON.stringify(name)} is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`);
  }
  return name;
}

/** A PromQL double-quoted string literal. */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Escapes RE2 metacharacters, so a literal value can sit inside a regex matcher. */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

const OPERATORS: Record<MetricLabelOp, string> = { EQ: '=', NEQ: '!=', REGEX: '=~', NOT_REGEX: '!~' };

export interface Matcher {
  name: string;
  op: MetricLabelOp;
  value: string;
}

export function matcher(m: Matcher): string {
  return `${labelName(m.name)}${OPERATORS[m.op]}${quote(m.value)}`;
}

export function selector(metric: string, matchers: readonly Matcher[]): string {
  const name = metricName(metric);
  return matchers.length ? `${name}{${matchers.map(matcher).join(',')}}` : name;
}

/** `{...}` selecting series by labels only, e.g. for `match[]`. Prometheus needs one non-empty matcher. */
export function labelSelector(matchers: readonly Matcher[]): string {
  return `{${matchers.map(matcher).join(',')}}`;
}
