import { badInput } from './errors.js';
import type {
  Alert,
  Deployment,
  Incident,
  ListPosition,
  OrchestrationPlan,
  OrchestrationRun,
  Page,
  PageRequest,
  Service,
  Team,
  Ticket,
  TimelineEntry,
} from './models.js';
import { timestampMillis } from './timestamps.js';

/**
 * A list's order: by a sort key, then by native ID (ascending, by code unit), so records with
 * equal keys still order the same way on every call and every provider.
 */
export interface ListOrder<T extends { id: string }> {
  key(record: T): string;
  /** Negative when a record with key `a` comes before one with key `b`. */
  compareKeys(a: string, b: string): number;
  /** Whether a cursor's key can be one of this list's keys. */
  validKey(key: string): boolean;
  /**
   * A number per key that orders as `compareKeys` does (ascending, NaN for equal), so a sort
   * reads each key once instead of once per comparison.
   */
  rank?(key: string): number;
}

const millis = (at: string): number => {
  const ms = timestampMillis(at);
  // A record without a valid timestamp sorts as the oldest rather than breaking the order.
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
};

/** Newest first by an ISO timestamp. */
export function newestFirst<T extends { id: string }>(at: (record: T) => string): ListOrder<T> {
  return {
    key: at,
    compareKeys: (a, b) => {
      // Equal keys are common (records made together, copies of one record): no parsing needed.
      if (a === b) return 0;
      const diff = millis(b) - millis(a);
      return Number.isNaN(diff) ? 0 : diff;
    },
    validKey: (key) => !Number.isNaN(timestampMillis(key)),
    rank: (key) => -millis(key),
  };
}

const collator = new Intl.Collator('en');

/** Alphabetical by name, for records without a timestamp (services, teams, runbooks). */
export function byName<T extends { id: string; name: string }>(): ListOrder<T> {
  return { key: (r) => r.name, compareKeys: (a, b) => collator.compare(a, b), validKey: () => true };
}

/** The order of every list in the contract; adapters page in it, the gateway merges in it. */
export const LIST_ORDERS = {
  incidents: newestFirst<Incident>((i) => i.createdAt),
  timeline: newestFirst<TimelineEntry>((e) => e.at),
  alerts: newestFirst<Alert>((a) => a.startsAt),
  tickets: newestFirst<Ticket>((t) => t.createdAt),
  deployments: newestFirst<Deployment>((d) => d.startedAt),
  runs: newestFirst<OrchestrationRun>((r) => r.startedAt),
  plans: byName<OrchestrationPlan>(),
  services: byName<Service>(),
  teams: byName<Team>(),
} as const;

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareInOrder<T extends { id: string }>(order: ListOrder<T>, a: T, b: T): number {
  return order.compareKeys(order.key(a), order.key(b)) || compareIds(a.id, b.id);
}

/** A sorted copy. */
export function sortInOrder<T extends { id: string }>(items: readonly T[], order: ListOrder<T>): T[] {
  const { rank } = order;
  if (!rank) return [...items].sort((a, b) => compareInOrder(order, a, b));
  const ranked = items.map((item) => ({ item, rank: rank(order.key(item)) }));
  ranked.sort((a, b) => {
    const diff = a.rank - b.rank;
    return (Number.isNaN(diff) ? 0 : diff) || compareIds(a.item.id, b.item.id);
  });
  return ranked.map((r) => r.item);
}

/** Whether a record comes after a position in the list's order. */
export function isAfter<T extends { id: string }>(order: ListOrder<T>, record: T, position: ListPosition): boolean {
  const byKey = order.compareKeys(order.key(record), position.key);
  if (byKey !== 0) return byKey > 0;
  return position.id !== undefined && compareIds(record.id, position.id) > 0;
}

export function positionOf<T extends { id: string }>(order: ListOrder<T>, record: T): Required<ListPosition> {
  return { key: order.key(record), id: record.id };
}

/**
 * Refuses a page size that would make a caller's "next page" loop spin forever, and a position
 * whose key cannot be one of the list's.
 */
export function checkPageRequest<T extends { id: string }>(request: PageRequest, order: ListOrder<T>): void {
  if (!Number.isInteger(request.first) || request.first < 1) throw badInput('first must be a positive integer');
  const { after } = request;
  if (after && (typeof after.key !== 'string' || !order.validKey(after.key) || typeof (after.id ?? '') !== 'string')) {
    throw badInput(`invalid position ${JSON.stringify(after)}`);
  }
}

/**
 * Pages a list the adapter holds in full (a provider that returns whole lists, the mock world):
 * sorts it in the list's order and takes the records after the position. Exact whatever was added
 * or removed since the previous page.
 */
export function keysetPage<T extends { id: string }>(
  items: readonly T[],
  request: PageRequest,
  order: ListOrder<T>,
): Page<T> {
  checkPageRequest(request, order);
  const sorted = sortInOrder(items, order);
  const { after } = request;
  const rest = after ? sorted.filter((item) => isAfter(order, item, after)) : sorted;
  return { nodes: rest.slice(0, request.first), hasNextPage: rest.length > request.first, totalCount: items.length };
}

/** Case-insensitive substring match of free text against any of the given strings. */
export function matchesText(query: string | undefined, ...haystack: (string | null | undefined)[]): boolean {
  if (!query) return true;
  const needle = query.toLowerCase();
  return haystack.some((h) => h?.toLowerCase().includes(needle));
}

/** Runs a per-item function over a batch, turning a throw into that item's Error. */
export async function settleEach<I, O>(items: readonly I[], fn: (item: I) => Promise<O> | O): Promise<(O | Error)[]> {
  return Promise.all(
    items.map(async (item) => {
      try {
        return await fn(item);
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
    }),
  );
}
