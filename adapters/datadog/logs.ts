/**
 * Logs through `POST /api/v2/logs/events/search`, following `meta.page.after` cursors until the
 * limit is reached, newest first. The search is built from escaped parts (see syntax.ts); Datadog
 * search syntax passes through only in raw mode, when the config allows it.
 */
import {
  AdapterError,
  badInput,
  type CallContext,
  type LogEntry,
  type LogLevel,
  type LogQuery,
  type LogResult,
} from '../contract/index.js';
import { type HttpClient, pageCounter } from '../http/index.js';
import { logLevel } from '../plugin/enums.js';
import type { DatadogConfig } from './config.js';
import { badProvider } from './metrics.js';
import { escapeSearchValue, searchField, searchText } from './syntax.js';

/** Datadog's log statuses for each level. */
const STATUSES: Record<Exclude<LogLevel, 'UNKNOWN'>, string[]> = {
  TRACE: ['trace'],
  DEBUG: ['debug'],
  INFO: ['info', 'notice', 'ok'],
  WARN: ['warn'],
  ERROR: ['error'],
  FATAL: ['critical', 'alert', 'emergency'],
};

export function buildLogSearch(config: DatadogConfig, query: LogQuery): string {
  const parts: string[] = [];
  const text = query.query?.trim();
  if (text && query.raw) {
    if (!config.allowRawQuery) {
      throw new AdapterError('FORBIDDEN', 'raw queries are not allowed by this provider (config key allowRawQuery)');
    }
    parts.push(`(${text})`);
  } else if (text) {
    parts.push(searchText(text));
  }
  const statuses = (query.levels ?? []).flatMap((l) => (l === 'UNKNOWN' ? [] : STATUSES[l]));
  if (statuses.length) parts.push(`status:(${statuses.join(' OR ')})`);
  if (query.scope?.service) parts.push(`service:${escapeSearchValue(query.scope.service)}`);
  if (query.scope?.environment) parts.push(`env:${escapeSearchValue(query.scope.environment)}`);
  if (query.scope?.team) parts.push(`team:${escapeSearchValue(query.scope.team)}`);
  for (const filter of query.filters ?? []) {
    const field = searchField(filter.field);
    const value = escapeSearchValue(filter.value);
    if (filter.op === 'EQ') parts.push(`${field}:${value}`);
    else if (filter.op === 'NEQ') parts.push(`-${field}:${value}`);
    else if (filter.op === 'CONTAINS') parts.push(`${field}:*${value}*`);
    else throw badInput('Datadog log search has no regular expressions; use CONTAINS');
  }
  return parts.join(' ') || '*';
}

interface LogsResponse {
  data?: {
    id: string;
    attributes?: {
      timestamp?: string;
      status?: string;
      service?: string;
      message?: string;
      host?: string;
      tags?: string[];
      attributes?: Record<string, unknown>;
    };
  }[];
  meta?: { page?: { after?: string } };
}

export async function searchLogs(
  http: HttpClient,
  config: DatadogConfig,
  query: LogQuery,
  ctx: CallContext,
): Promise<LogResult> {
  const search = buildLogSearch(config, query);
  const from = Date.parse(query.start);
  const to = Date.parse(query.end);
  const entries: LogEntry[] = [];
  let cursor: string | undefined;
  const nextPage = pageCounter('Datadog', 'logs', config.maxPages);
  do {
    nextPage();
    const body = await http.post<LogsResponse>(
      '/api/v2/logs/events/search',
      {
        filter: {
          query: search,
          from: query.start,
          to: query.end,
          ...(config.logIndexes ? { indexes: config.logIndexes } : {}),
        },
        sort: '-timestamp',
        page: { limit: Math.min(config.logPageSize, query.limit - entries.length), ...(cursor ? { cursor } : {}) },
      },
      { ...(ctx.signal ? { signal: ctx.signal } : {}), read: true },
    );
    if (!Array.isArray(body?.data)) throw badProvider('a log search');
    for (const log of body.data) {
      // A log without a timestamp has no place in a newest-first list; Datadog always sends one.
      if (!Number.isNaN(Date.parse(log.attributes?.timestamp ?? ''))) entries.push(toEntry(config, log, from, to));
    }
    cursor = body.meta?.page?.after || undefined;
  } while (cursor && entries.length < query.limit);
  const params = new URLSearchParams({ query: search, from_ts: String(from), to_ts: String(to), live: 'false' });
  return {
    entries: entries.slice(0, query.limit),
    url: `${config.ui}/logs?${params}`,
    truncated: cursor !== undefined,
  };
}

function toEntry(
  config: DatadogConfig,
  log: NonNullable<LogsResponse['data']>[number],
  from: number,
  to: number,
): LogEntry {
  const a = log.attributes ?? {};
  const labels: Record<string, string> = {};
  for (const t of a.tags ?? []) {
    const at = t.indexOf(':');
    if (at > 0) labels[t.slice(0, at)] = t.slice(at + 1);
  }
  const params = new URLSearchParams({ event: log.id, from_ts: String(from), to_ts: String(to), live: 'false' });
  return {
    id: log.id,
    timestamp: new Date(a.timestamp as string).toISOString(),
    message: a.message ?? '',
    level: a.status === 'ok' ? 'INFO' : logLevel.read(a.status),
    rawLevel: a.status ?? null,
    service: a.service ?? null,
    labels,
    url: `${config.ui}/logs?${params}`,
    fields: a.attributes ?? {},
    metadata: { source: config.source, host: a.host ?? null, tags: a.tags ?? [] },
  };
}
