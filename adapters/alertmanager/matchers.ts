/**
 * Alertmanager matcher strings (`name="value"`, `name=~"regex"`), for the API's `filter`
 * parameter and the UI's filter box. Values are always quoted with `\`, `"` and newlines escaped,
 * which is exactly what Alertmanager's matcher parser unescapes, so a value can never close the
 * quote and add a matcher of its own.
 */
import { badInput } from '../contract/index.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export type MatchOp = '=' | '!=' | '=~' | '!~';

export function quoteValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function matcherString(name: string, op: MatchOp, value: string): string {
  if (!LABEL_NAME.test(name)) throw badInput(`${JSON.stringify(name)} is not an Alertmanager label name`);
  return `${name}${op}${quoteValue(value)}`;
}

/** Escapes RE2 metacharacters, so literal label values can be alternatives of one regex matcher. */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name);
}
