/**
 * How much of what is written to the mock world it keeps. `npm start` serves the mock to anyone who
 * can reach the gateway, and every mutation and live tick adds to it: unbounded, writes alone would
 * grow the process until it died. Timelines and channels let go of their oldest entries; incidents,
 * tickets and runs, which other records point at, are refused past their bound instead. Far above
 * what the seeded world holds (tens of each) and what a demo or a test writes.
 */
import { badInput } from '../../contract/index.js';

export const WORLD_BOUNDS = {
  incidents: 2_000,
  tickets: 2_000,
  runs: 2_000,
  /** Entries one incident's timeline keeps. */
  timelineEntries: 1_000,
  messages: 2_000,
  /** Keys one incident's or ticket's `fields` holds. */
  fields: 100,
} as const;

/** Drops the oldest entries of `list` past `max`. */
export function keepNewest<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}

/** Refuses a new record of `kind` when the world already holds `max` of them. */
export function checkRoom(kind: string, held: number, max: number): void {
  if (held >= max) {
    throw badInput(`the mock world holds its limit of ${max} ${kind}s; restart the gateway for a fresh world`);
  }
}

/** `fields` merged with `added`, refused past `WORLD_BOUNDS.fields` keys. */
export function mergedFields<F extends Record<string, unknown>>(fields: F | undefined, added: F): F {
  const merged = { ...fields, ...added };
  const keys = Object.keys(merged).length;
  if (keys > WORLD_BOUNDS.fields) {
    throw badInput(`fields would hold ${keys} keys; the mock keeps at most ${WORLD_BOUNDS.fields}`);
  }
  return merged;
}
