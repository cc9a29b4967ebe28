/**
 * Log lines are not stored: each (service, minute) has its own generator seeded from the world
 * seed and its coordinates, so any query over any window sees the same lines, and lines get
 * noisier while an incident hurts the service.
 */
import { type LogEntry, type LogLevel, type LogResult, matchesText } from '../../contract/index.js';
import { type Impact, impactAt, impactsOf } from './impact.js';
import { KIBANA } from './links.js';
import { lineFacts } from './log-line-facts.js';
import type { World } from './model.js';
import { createRng, HEX, hash32, mixInts, type Rng, rngFor } from './rng.js';
import type { ServiceRecord } from './services.js';
import { iso, MINUTE } from './time.js';

export interface LogSearch {
  services: readonly ServiceRecord[];
  start: number;
  end: number;
  levels?: readonly LogLevel[];
  query?: string;
  limit: number;
}

const PATHS = [
  '/v1/orders',
  '/v1/cart',
  '/v1/items',
  '/v1/users/me',
  '/v1/search',
  '/v1/payments',
  '/v1/tokens',
  '/healthz',
];
const DEPENDENCIES = ['orders-db', 'redis', 'kafka', 'payments-api', 'auth', 'catalog'];

const TEMPLATES: Record<'DEBUG' | 'INFO' | 'WARN' | 'ERROR', readonly ((r: Rng) => string)[]> = {
  DEBUG: [
    (r) => `opening connection to ${r.pick(DEPENDENCIES)}`,
    (r) => `cache miss for key item:${r.int(1000, 99999)}`,
    () => 'exported 128 spans to the collector',
  ],
  INFO: [
    (r) => `GET ${r.pick(PATHS)} 200 in ${r.int(4, 180)}ms`,
    (r) => `POST ${r.pick(PATHS)} 201 in ${r.int(12, 240)}ms`,
    (r) => `processed batch of ${r.int(10, 500)} events`,
    (r) => `cache hit ratio ${r.int(82, 99)}%`,
  ],
  WARN: [
    (r) => `slow request: GET ${r.pick(PATHS)} took ${r.int(800, 2500)}ms`,
    (r) => `retrying call to ${r.pick(DEPENDENCIES)} (attempt 2/3)`,
    (r) => `connection pool at ${r.int(80, 95)}% capacity`,
  ],
  ERROR: [
    (r) => `request failed: 500 on POST ${r.pick(PATHS)}`,
    (r) => `upstream ${r.pick(DEPENDENCIES)} returned 503`,
  ],
};

/** Newest first, at most `limit` lines, deterministic for the same world and search. */
export function searchLogs(world: World, search: LogSearch): LogResult {
  const end = Math.min(search.end, world.clock.now());
  const streams = search.services.map((record) => ({
    record,
    key: hash32(world.seed, 'logs', record.service.name),
    pod: `${record.service.name}-${rngFor(world.seed, 'pod', record.service.name).chars(HEX, 9)}`,
    impacts: impactsOf(world, record.service.name),
  }));
  const levels = search.levels?.length ? new Set(search.levels) : undefined;
  const entries: LogEntry[] = [];
  const lastMinute = Math.floor(end / MINUTE);
  const firstMinute = Math.floor(search.start / MINUTE);
  // Lines are drawn cheaply first; text and the full entry are only built for lines that can match.
  for (let minute = lastMinute; minute >= firstMinute && entries.length <= search.limit; minute--) {
    const bucket: { line: RawLine; stream: (typeof streams)[number]; message: string }[] = [];
    for (const stream of streams) {
      for (const line of rawLines(stream.key, minute, stream.impacts)) {
        if (line.at < search.start || line.at > end) continue;
        if (levels && !levels.has(line.level)) continue;
        const message = messageOf(line);
        if (!matchesText(search.query, message, stream.record.service.name, stream.pod)) continue;
        bucket.push({ line, stream, message });
      }
    }
    bucket.sort((a, b) => b.line.at - a.line.at || a.line.seed - b.line.seed);
    for (const { line, stream, message } of bucket) entries.push(entryOf(stream.record, stream.pod, line, message));
  }
  return {
    entries: entries.slice(0, search.limit),
    truncated: entries.length > search.limit,
    url: discoverUrl(search),
  };
}

interface RawLine {
  at: number;
  level: LogLevel;
  /** Seeds everything else about the line, so it is the same whichever filters built it. */
  seed: number;
  impact: Impact | undefined;
}

function rawLines(key: number, minute: number, impacts: readonly Impact[]): RawLine[] {
  const rng = createRng(mixInts(key, minute));
  const impact = impactAt(impacts, minute * MINUTE + 30_000);
  const w = impact?.weight ?? 0;
  const weights: [LogLevel, number][] = [
    ['DEBUG', 8],
    ['INFO', impact ? 70 * (1 - 0.6 * w) : 75],
    ['WARN', impact ? 10 + 20 * w : 10],
    ['ERROR', impact ? 3 + 35 * w : 3],
    ['FATAL', impact?.symptom.kind === 'memory' ? 3 * w : 0],
  ];
  const count = rng.int(2, 4) + (impact ? Math.round(4 + 8 * w) : 0);
  const lines: RawLine[] = [];
  for (let i = 0; i < count; i++) {
    const at = minute * MINUTE + rng.int(0, MINUTE - 1);
    lines.push({ at, level: rng.weighted(weights), seed: rng.int(0, 0x7fffffff), impact });
  }
  return lines;
}

function messageOf(line: RawLine): string {
  const rng = createRng(line.seed);
  const { impact, level } = line;
  if (impact && (level === 'ERROR' || level === 'FATAL' || (level === 'WARN' && rng.chance(0.5)))) {
    return rng.pick(impact.symptom.errorLogs);
  }
  const family = level === 'FATAL' ? 'ERROR' : level === 'TRACE' || level === 'UNKNOWN' ? 'DEBUG' : level;
  return rng.pick(TEMPLATES[family])(rng);
}

function entryOf(record: ServiceRecord, podPrefix: string, line: RawLine, message: string): LogEntry {
  const { service } = record;
  const facts = lineFacts(line.seed, line.at);
  const pod = `${podPrefix}-${facts.podSuffix}`;
  return {
    id: facts.id,
    timestamp: facts.timestamp,
    message,
    level: line.level,
    rawLevel: line.level.toLowerCase(),
    service: service.name,
    labels: { service: service.name, environment: service.environment ?? 'production', pod, team: service.team ?? '' },
    url: facts.url,
    fields: { trace_id: facts.traceId, 'host.name': pod },
  };
}

/** The same search in Kibana Discover: KQL inside rison inside the URL hash, each layer escaped. */
export function discoverUrl(search: LogSearch): string {
  const kqlString = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const clauses: string[] = [];
  if (search.services.length > 0)
    clauses.push(`service:(${search.services.map((s) => kqlString(s.service.name)).join(' or ')})`);
  if (search.levels?.length)
    clauses.push(`log.level:(${search.levels.map((l) => kqlString(l.toLowerCase())).join(' or ')})`);
  if (search.query) clauses.push(kqlString(search.query));
  const rison = (s: string) => `'${s.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
  const g = `(time:(from:${rison(iso(search.start))},to:${rison(iso(search.end))}))`;
  const a = `(index:'logs-*',query:(language:kuery,query:${rison(clauses.join(' and '))}))`;
  return `${KIBANA}/app/discover#/?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(a)}`;
}
