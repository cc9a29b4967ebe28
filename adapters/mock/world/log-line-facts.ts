/**
 * What a log line's seed and time fix about its entry: its ID, pod suffix, trace ID, timestamp and
 * Discover link. A console asks the same recent minutes on every refresh, and drawing these anew
 * (52 random characters, an RFC 3339 timestamp and an escaped URL per line) was half of the mock's
 * log work, done on the caller's event loop after the injected latency. The last lines are kept.
 */
import { LRUCache } from 'lru-cache';
import { KIBANA } from './links.js';
import { BASE64URL, createRng, HEX, mixInts } from './rng.js';
import { iso } from './time.js';

export interface LineFacts {
  at: number;
  id: string;
  /** The pod's last segment, after the service's pod prefix. */
  podSuffix: string;
  traceId: string;
  timestamp: string;
  url: string;
}

/** Lines kept: a page shows 50, a few consoles a few hundred; each entry is about 300 bytes. */
export const LINE_FACTS_CACHE_SIZE = 2_000;

const kept = new LRUCache<number, LineFacts>({ max: LINE_FACTS_CACHE_SIZE });

/** The facts of the line drawn with `seed` at `at` (ms); the same for the same line, cached or not. */
export function lineFacts(seed: number, at: number): LineFacts {
  const known = kept.get(seed);
  if (known && known.at === at) return known;
  const rng = createRng(mixInts(seed, 0x5eed));
  const id = rng.chars(BASE64URL, 20);
  const podSuffix = rng.pick(['x2k9q', 'b7w4m', 'p3n8z']);
  const traceId = rng.chars(HEX, 32);
  const timestamp = iso(at);
  const url = `${KIBANA}/app/discover#/doc/logs-*/logs-production-${timestamp.slice(0, 10).replace(/-/g, '.')}?id=${encodeURIComponent(id)}`;
  const facts: LineFacts = Object.freeze({ at, id, podSuffix, traceId, timestamp, url });
  kept.set(seed, facts);
  return facts;
}

/** How many lines are kept now (for the bound's test). */
export function lineFactsKept(): number {
  return kept.size;
}
