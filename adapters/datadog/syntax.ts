/**
 * Datadog search and metric query syntax built from user input. Log search values are escaped
 * character by character (Datadog's special characters and whitespace get a backslash) and free
 * text is quoted term by term, so input can never become an operator, a facet or a wildcard. Metric queries have no escaping at all, so
 * names, tag keys and tag values are checked against the characters Datadog allows in them and
 * anything else is refused.
 */
import { badInput } from '../contract/index.js';

const SPECIAL = /[+\-=&|><!(){}[\]^"“”~*?:\\/\s]/g;

export function escapeSearchValue(value: string): string {
  return value.replace(SPECIAL, (c) => `\\${c}`);
}

/**
 * Free text as a conjunction of literal terms, each quoted: a quoted term is never an operator
 * (`OR`, `NOT`), a facet (`service:x`), a negation or a wildcard.
 */
export function searchText(text: string): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((term) => `"${term.replace(/["“”\\]/g, (c) => `\\${c}`)}"`)
    .join(' ');
}

/** `field` is a tag key or a `@attribute` path. */
const SEARCH_FIELD = /^@?[A-Za-z][\w.-]*$/;

export function searchField(field: string): string {
  if (!SEARCH_FIELD.test(field)) throw badInput(`${JSON.stringify(field)} is not a Datadog tag or @attribute name`);
  return field;
}

const METRIC_NAME = /^[A-Za-z][\w.]*$/;
const TAG_KEY = /^[A-Za-z][\w.\-/]*$/;
/** What Datadog keeps in a tag value (it rewrites anything else to `_`). */
const TAG_VALUE = /^[\w.\-:/]+$/;

export function metricName(name: string): string {
  if (!METRIC_NAME.test(name) || name.length > 200)
    throw badInput(`${JSON.stringify(name)} is not a Datadog metric name`);
  return name;
}

export function tagKey(key: string): string {
  if (!TAG_KEY.test(key)) throw badInput(`${JSON.stringify(key)} is not a Datadog tag key`);
  return key;
}

export function tag(key: string, value: string): string {
  tagKey(key);
  if (!TAG_VALUE.test(value)) {
    throw badInput(
      `tag value ${JSON.stringify(value)} holds characters Datadog tags cannot (letters, digits, _ - . : / only)`,
    );
  }
  return `${key}:${value}`;
}
