/**
 * Log levels as logging libraries and ECS write them, in both directions: a record's raw word to the
 * normalized level, and a normalized level to every word that means it (for `terms` filters, which
 * compare keyword fields exactly, so each spelling is listed in its usual casings).
 */
import type { LogLevel } from '../contract/index.js';

const WORDS: Record<Exclude<LogLevel, 'UNKNOWN'>, string[]> = {
  TRACE: ['trace', 'finest', 'verbose'],
  DEBUG: ['debug', 'dbg', 'fine', 'finer'],
  INFO: ['info', 'information', 'informational', 'notice'],
  WARN: ['warn', 'warning'],
  ERROR: ['error', 'err', 'severe'],
  FATAL: ['fatal', 'critical', 'crit', 'alert', 'emergency', 'emerg', 'panic'],
};

const BY_WORD = new Map<string, LogLevel>(
  Object.entries(WORDS).flatMap(([level, words]) => words.map((w) => [w, level as LogLevel] as const)),
);

/** Syslog severities (RFC 5424) as numbers, which some shippers write instead of words. */
const SYSLOG: LogLevel[] = ['FATAL', 'FATAL', 'FATAL', 'ERROR', 'WARN', 'INFO', 'INFO', 'DEBUG'];

export function normalizeLevel(raw: unknown): LogLevel {
  if (typeof raw === 'number' && Number.isInteger(raw)) return SYSLOG[raw] ?? 'UNKNOWN';
  if (typeof raw !== 'string') return 'UNKNOWN';
  return BY_WORD.get(raw.trim().toLowerCase()) ?? 'UNKNOWN';
}

/** Every spelling of the given levels: lower, UPPER and Capitalized. */
export function levelWords(levels: readonly LogLevel[]): string[] {
  const out = new Set<string>();
  for (const level of levels) {
    if (level === 'UNKNOWN') continue;
    for (const word of WORDS[level]) {
      out
        .add(word)
        .add(word.toUpperCase())
        .add(word[0]?.toUpperCase() + word.slice(1));
    }
  }
  return [...out];
}
