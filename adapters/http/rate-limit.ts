/**
 * How long a provider asked us to wait after a 429. Providers disagree on the header and on its
 * unit: `Retry-After` (RFC 9110: delta seconds or an HTTP date), `ratelimit-reset` (PagerDuty and
 * the IETF draft: delta seconds) and `X-RateLimit-Reset` (Jira Cloud: an ISO 8601 instant; GitHub:
 * Unix epoch seconds; others: delta seconds). The first header that parses wins.
 */

/** Below this a bare number is a delta in seconds; above it, an epoch (a year 2001+ instant). */
const EPOCH_SECONDS_FLOOR = 1_000_000_000;
const EPOCH_MILLIS_FLOOR = 1_000_000_000_000;

export interface HeaderSource {
  get(name: string): string | null;
}

/** Milliseconds to wait before retrying, or undefined when the response names no reset. */
export function retryDelayMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  for (const name of ['retry-after', 'ratelimit-reset', 'x-ratelimit-reset']) {
    const raw = headers.get(name)?.trim();
    if (!raw) continue;
    const delay = parseReset(raw, now);
    if (delay !== undefined) return Math.max(0, delay);
  }
  return undefined;
}

function parseReset(raw: string, now: number): number | undefined {
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const value = Number(raw);
    if (value >= EPOCH_MILLIS_FLOOR) return value - now;
    if (value >= EPOCH_SECONDS_FLOOR) return value * 1000 - now;
    return value * 1000;
  }
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : at - now;
}
