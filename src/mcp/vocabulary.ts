/**
 * Agents speak OpsOrch's words (`open`, `sev1`, `firing`, `p2`); the schema speaks closed enums.
 * The words are the plugin adapter's vocabulary, so MCP arguments mean what a plugin means.
 */
import * as words from '../../adapters/plugin/enums.js';
import { ToolError } from './tool.js';

type Mapper = (raw: unknown) => string;

function toEnums(values: unknown, mapper: Mapper, argument: string): string[] | undefined {
  if (!Array.isArray(values) || values.length === 0) return undefined;
  return values.map((value) => {
    const mapped = mapper(value);
    if (mapped === 'UNKNOWN' && String(value).toLowerCase() !== 'unknown') {
      throw new ToolError(`${argument}: unknown value ${JSON.stringify(value)}`);
    }
    return mapped;
  });
}

export const incidentStatuses = (v: unknown) => toEnums(v, words.incidentStatus, 'statuses');
export const alertStatuses = (v: unknown) => toEnums(v, words.alertStatus, 'statuses');
export const severities = (v: unknown) => toEnums(v, words.severity, 'severities');
export const ticketStatuses = (v: unknown) => toEnums(v, words.ticketStatus, 'statuses');
export const deploymentStatuses = (v: unknown) => toEnums(v, words.deploymentStatus, 'statuses');
export const runStatuses = (v: unknown) => toEnums(v, words.runStatus, 'statuses');
export const logLevels = (v: unknown) => toEnums(v, words.logLevel, 'expression.severityIn');

export function stepOutcome(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const mapped = words.stepStatus(value);
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
