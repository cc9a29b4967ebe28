/**
 * The protocol has no cursors and OpsOrch providers return lists in whatever order they hold them
 * (OpsOrch's mock plugins: Go map order, different on every call, and a `limit` cuts that order at
 * random). So the adapter asks for the whole filtered list, orders it here by a total key, and pages
 * it with keyset cursors: a cursor is the last record's key, and the next page starts after it,
 * whatever was created or removed meanwhile.
 */
import { badInput, type Page, type PageRequest } from '../contract/index.js';

/** A total order: the first component sorts, the record's ID breaks ties. */
export type SortKey = readonly [number | string, string];

function compare(a: SortKey, b: SortKey): number {
  const [pa, ia] = a;
  const [pb, ib] = b;
  if (pa !== pb) {
    if (typeof pa === 'number' && typeof pb === 'number') return pa - pb;
    return String(pa).localeCompare(String(pb));
  }
  return ia.localeCompare(ib);
}

/** Newest first by an ISO timestamp. */
export function newest<T extends { id: string }>(at: (item: T) => string): (item: T) => SortKey {
  return (item) => [-Date.parse(at(item)), item.id];
}

/** By display name (services, teams, plans), the order the gateway merges these lists in. */
export function byName<T extends { id: string; name: string }>(item: T): SortKey {
  return [item.name, item.id];
}

function encode(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decode(cursor: string): SortKey {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    (typeof value[0] === 'number' || typeof value[0] === 'string') &&
    typeof value[1] === 'string'
  ) {
    return [value[0], value[1]];
  }
  throw badInput(`invalid cursor ${JSON.stringify(cursor)}`);
}

/** One page of `items` (already filtered) in `keyOf` order, after the request's cursor. */
export function keysetPage<T>(items: readonly T[], request: PageRequest, keyOf: (item: T) => SortKey): Page<T> {
  if (!Number.isInteger(request.first) || request.first < 1) throw badInput('first must be a positive integer');
  const keyed = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => compare(a.key, b.key));
  let start = 0;
  if (request.after !== undefined) {
    const after = decode(request.after);
    start = keyed.findIndex((k) => compare(k.key, after) > 0);
    if (start < 0) start = keyed.length;
  }
  const slice = keyed.slice(start, start + request.first);
  return {
    edges: slice.map(({ item, key }) => ({ cursor: encode(key), node: item })),
    hasNextPage: start + slice.length < keyed.length,
    totalCount: keyed.length,
  };
}

/** True when an ISO timestamp lies in [start, end]; an absent window lets everything through. */
export function within(at: string | null | undefined, range: { start: string; end: string } | undefined): boolean {
  if (!range) return true;
  if (!at) return false;
  const t = Date.parse(at);
  return t >= Date.parse(range.start) && t <= Date.parse(range.end);
}
