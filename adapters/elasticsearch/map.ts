/**
 * A search hit to a LogEntry: message, timestamp, level (first of the configured level fields,
 * ECS `log.level` included) and service (ECS `service.name` or flat `service`), reading dotted
 * names both as nested objects (ECS as shipped by Beats) and as literal dotted keys.
 */
import type { LogEntry } from '../contract/index.js';
import type { ElasticConfig } from './config.js';
import { documentUrl } from './discover.js';
import { normalizeLevel } from './levels.js';

export interface EsHit {
  _index: string;
  _id: string;
  _score?: number | null;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}

export function fieldValue(source: Record<string, unknown>, path: string): unknown {
  if (path in source) return source[path];
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function firstOf(source: Record<string, unknown>, fields: readonly string[]): unknown {
  for (const field of fields) {
    const value = fieldValue(source, field);
    if (value !== undefined && value !== null && value !== '') return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Top-level string values become labels, as OpsOrch's adapter does; everything stays in `fields`. */
function labelsOf(source: Record<string, unknown>, skip: ReadonlySet<string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (!skip.has(key) && typeof value === 'string') labels[key] = value;
  }
  return labels;
}

export function toLogEntry(config: ElasticConfig, hit: EsHit): LogEntry | null {
  const source = hit._source ?? {};
  const at = firstOf(source, [config.timestampField]);
  const time = typeof at === 'string' || typeof at === 'number' ? new Date(at) : null;
  if (!time || Number.isNaN(time.getTime())) return null;
  const message = firstOf(source, config.messageFields);
  const rawLevel = firstOf(source, config.levelFields);
  const service = firstOf(source, config.serviceFields);
  const skip = new Set([
    config.timestampField,
    ...config.messageFields,
    ...config.levelFields,
    ...config.serviceFields,
  ]);
  return {
    id: `${hit._index}/${hit._id}`,
    timestamp: time.toISOString(),
    message: typeof message === 'string' ? message : message === undefined ? '' : JSON.stringify(message),
    level: normalizeLevel(rawLevel),
    rawLevel: rawLevel === undefined ? null : String(rawLevel),
    service: typeof service === 'string' ? service : null,
    labels: labelsOf(source, skip),
    url: documentUrl(config, hit._index, hit._id),
    fields: source,
    metadata: { _index: hit._index, _id: hit._id, ...(hit._score == null ? {} : { _score: hit._score }) },
  };
}
