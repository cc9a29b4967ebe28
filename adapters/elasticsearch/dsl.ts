/**
 * Turns a LogQuery into an Elasticsearch bool query that Elasticsearch 7–9 and OpenSearch 1–2 all
 * accept. User input only ever lands in value positions of objects we build (never in a query
 * string that is parsed as syntax): free text goes through `simple_query_string` with every operator
 * turned off except phrases, field names are checked against a plain field-name pattern, and
 * `contains` values are escaped for `wildcard`. Lucene `query_string` syntax is used only for a
 * raw query the config allows.
 */
import { AdapterError, badInput, type LogFieldFilter, type LogQuery } from '../contract/index.js';
import { type ElasticConfig, FIELD_NAME } from './config.js';
import { levelWords } from './levels.js';

export type Clause = Record<string, unknown>;

export interface BuiltQuery {
  /** The whole query, time range included. */
  query: Clause;
  /** The same conditions without the time range (which Discover links carry separately). */
  conditions: Clause[];
}

const MAX_FILTERS = 20;
const MAX_VALUE = 1_000;

export function buildQuery(config: ElasticConfig, query: LogQuery): BuiltQuery {
  const conditions: Clause[] = [];
  const text = query.query?.trim();
  if (text) conditions.push(query.raw ? rawQuery(config, text) : freeText(config, text));
  if (query.levels?.length) conditions.push(anyOf(config.levelFields, levelWords(query.levels)));
  if (query.scope?.service) conditions.push(anyOf(config.serviceFields, [query.scope.service]));
  if (query.scope?.environment) conditions.push(anyOf(config.environmentFields, [query.scope.environment]));
  if (query.scope?.team) conditions.push(anyOf(config.teamFields, [query.scope.team]));
  if ((query.filters?.length ?? 0) > MAX_FILTERS) throw badInput(`at most ${MAX_FILTERS} field filters`);
  for (const filter of query.filters ?? []) conditions.push(fieldFilter(filter));
  const range = {
    range: {
      [config.timestampField]: { gte: query.start, lte: query.end, format: 'strict_date_optional_time' },
    },
  };
  return { query: { bool: { filter: [range, ...conditions] } }, conditions };
}

function freeText(config: ElasticConfig, text: string): Clause {
  return {
    simple_query_string: {
      query: text,
      fields: config.messageFields,
      default_operator: 'and',
      // Only "quoted phrases": no field targeting, wildcards, fuzziness, boolean operators or regex.
      flags: 'PHRASE|WHITESPACE',
      lenient: true,
    },
  };
}

function rawQuery(config: ElasticConfig, text: string): Clause {
  if (!config.allowRawQuery) {
    throw new AdapterError('FORBIDDEN', 'raw queries are not allowed by this provider (config key allowRawQuery)');
  }
  return { query_string: { query: text, default_field: config.messageFields[0], allow_leading_wildcard: false } };
}

/** Matches when any of the fields holds any of the values. */
function anyOf(fields: readonly string[], values: readonly string[]): Clause {
  const should = fields.map((field) => ({ terms: { [field]: values } }));
  return should.length === 1 ? (should[0] as Clause) : { bool: { should, minimum_should_match: 1 } };
}

function fieldFilter(filter: LogFieldFilter): Clause {
  if (!FIELD_NAME.test(filter.field)) {
    throw badInput(`filter field ${JSON.stringify(filter.field)} is not a field name such as host.name`);
  }
  if (filter.value.length > MAX_VALUE) throw badInput(`filter values are at most ${MAX_VALUE} characters`);
  const { field, value } = filter;
  switch (filter.op) {
    case 'EQ':
      return { term: { [field]: value } };
    case 'NEQ':
      return { bool: { must_not: [{ term: { [field]: value } }] } };
    case 'CONTAINS':
      return { wildcard: { [field]: { value: `*${escapeWildcard(value)}*` } } };
    case 'REGEX':
      // Lucene's regex dialect is automaton-based (no backtracking); the cluster caps its size.
      return { regexp: { [field]: { value } } };
  }
}

/** `wildcard` treats `*`, `?` and `\` specially; everything else is literal. */
export function escapeWildcard(value: string): string {
  return value.replace(/[\\*?]/g, (c) => `\\${c}`);
}
