/** GraphQL arguments into adapter queries: nulls dropped, scopes compacted, time ranges checked. */
import type { Scope, TimeRange } from '../adapters/contract/index.js';
import { badUserInput } from '../src/graphql/errors.js';

type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** Drops GraphQL nulls so adapters see absent keys, never null filters. */
export function compact<T extends object>(input: Nullable<T> | null | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!input) return out;
  for (const [k, v] of Object.entries(input)) {
    if (v !== null && v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function toScope(scope: Nullable<Scope> | null | undefined): Scope | undefined {
  const out = compact(scope);
  return Object.keys(out).length ? out : undefined;
}

export function checkRange(range: TimeRange | null | undefined, argument: string): TimeRange | undefined {
  if (!range) return undefined;
  if (Date.parse(range.start) > Date.parse(range.end)) {
    throw badUserInput(`${argument}: start (${range.start}) is after end (${range.end})`, argument);
  }
  return range;
}

const HOUR = 3_600_000;

/** A window that defaults to the last hour, checked for order. */
export function windowOf(
  start: string | null | undefined,
  end: string | null | undefined,
  argument: string,
): TimeRange {
  const endMs = end ? Date.parse(end) : Date.now();
  const startMs = start ? Date.parse(start) : endMs - HOUR;
  return checkRange(
    { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() },
    argument,
  ) as TimeRange;
}
