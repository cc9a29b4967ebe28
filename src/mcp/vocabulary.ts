/**
 * Agents speak OpsOrch's words (`open`, `sev1`, `firing`, `p2`); the schema speaks closed enums.
 * The words are the plugin adapter's vocabulary, so MCP arguments mean what a plugin means.
 */
import * as words from '../../adapters/plugin/enums.js';
import { ToolError } from './tool.js';

type Mapper = { read(raw: unknown): string };

function toEnums(values: unknown, mapper: Mapper, argument: string): string[] | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return values.map((value) => {
    const mapped = mapper.read(value);
    if (mapped === 'UNKNOWN' && String(value).toLowerCase() !== 'unknown') {
      throw new ToolError(`${argument}: unknown value ${JSON.stringify(value)}`);
    }
    return mapped;
  });
}

export const incidentStatuses = (v: unknown) => toEnums(v, words.incidentStatus, 'statuses');
export const alertStatuses = (v: unknown) => toEnums(v, words.alertStatus, 'statuses');
export const severities = (v: unknown) => toEnums(v, words.severity, 'severities');
export const alertSeverities = (v: unknown) => toEnums(v, words.alertSeverity, 'severities');
export const ticketStatuses = (v: unknown) => toEnums(v, words.ticketStatus, 'statuses');
export const deploymentStatuses = (v: unknown) => toEnums(v, words.deploymentStatus, 'statuses');
export const runStatuses = (v: unknown) => toEnums(v, words.runStatus, 'statuses');
export const logLevels = (v: unknown) => toEnums(v, words.logLevel, 'expression.severityIn');

export function stepOutcome(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const mapped = words.stepStatus.read(value);
  if (!['SUCCEEDED', 'FAILED', 'SKIPPED'].includes(mapped)) {
    throw new ToolError(`outcome: expected succeeded, failed or skipped, got ${JSON.stringify(value)}`);
  }
  return mapped;
}

const AGGREGATIONS = new Set(['SUM', 'AVG', 'MIN', 'MAX', 'COUNT', 'RATE', 'P50', 'P90', 'P99']);

export function aggregation(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const upper = value
    .trim()
    .toUpperCase()
    .replace(/^AVERAGE$/, 'AVG');
  if (!AGGREGATIONS.has(upper)) {
    throw new ToolError(`expression.aggregation: expected one of ${[...AGGREGATIONS].join(', ').toLowerCase()}`);
  }
  return upper;
}

const LABEL_OPS: Record<string, string> = {
  '=': 'EQ',
  '==': 'EQ',
  eq: 'EQ',
  '!=': 'NEQ',
  neq: 'NEQ',
  '=~': 'REGEX',
  regex: 'REGEX',
  '!~': 'NOT_REGEX',
  not_regex: 'NOT_REGEX',
};

export function labelOp(value: unknown): string {
  const op = LABEL_OPS[String(value).trim().toLowerCase()];
  if (!op) throw new ToolError(`expression.filters: unknown operator ${JSON.stringify(value)} (use =, !=, =~ or !~)`);
  return op;
}

/** Whether a record of a page (as the operation returned it, before shaping) stays in the answer. */
export type Keep = (node: Record<string, unknown>, page: readonly Record<string, unknown>[]) => boolean;

/**
 * OpsOrch's filters match a provider's exact word: `open` is not `investigating`, though both are
 * TRIGGERED to the schema, which fetched both. A word some record of the page carries keeps just
 * those records, as OpsOrch Core would; a word none carries (`open` to PagerDuty, which says
 * `triggered`) means what the vocabulary maps it to. An enum name (`TRIGGERED`) asks for the enum.
 */
export function exactWords(values: unknown, vocabulary: Mapper, raw: string, normalized: string): Keep | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  const asked = values.map(String);
  if (asked.some((word) => /^[A-Z_]+$/.test(word))) return undefined;
  const lower = asked.map((word) => word.trim().toLowerCase());
  const wordOf = (node: Record<string, unknown>) => String(node[raw] ?? node[normalized] ?? '').toLowerCase();
  return (node, page) => {
    if (lower.includes(wordOf(node))) return true;
    const carried = new Set(page.map(wordOf));
    return lower.some((word) => !carried.has(word) && vocabulary.read(word) === node[normalized]);
  };
}

/** Every given predicate holds. */
export function allOf(...predicates: (Keep | undefined)[]): Keep {
  const present = predicates.filter((p): p is Keep => p !== undefined);
  return (node, page) => present.every((p) => p(node, page));
}

export const statusWords = {
  incident: (v: unknown) => exactWords(v, words.incidentStatus, 'rawStatus', 'status'),
  alert: (v: unknown) => exactWords(v, words.alertStatus, 'rawStatus', 'status'),
  ticket: (v: unknown) => exactWords(v, words.ticketStatus, 'rawStatus', 'status'),
  deployment: (v: unknown) => exactWords(v, words.deploymentStatus, 'rawStatus', 'status'),
  run: (v: unknown) => exactWords(v, words.runStatus, 'rawStatus', 'status'),
};

export const severityWords = {
  incident: (v: unknown) => exactWords(v, words.severity, 'rawSeverity', 'severity'),
  alert: (v: unknown) => exactWords(v, words.alertSeverity, 'rawSeverity', 'severity'),
};
