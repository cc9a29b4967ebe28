/**
 * One list from the providers of a capability, paged by key. A cursor is the position of the last
 * record a client saw (its provider, sort key and native ID); every provider is asked for its first
 * `first` records after that position, and the gateway merges them in the list's order, ties broken
 * by provider then ID. That is enough to know the first `first` records of the merged list, so a
 * page costs one call per provider, and since positions are keys, records created or removed while
 * a client pages never cause a duplicate or a skip.
 */
import {
  type Capability,
  LIST_ORDERS,
  type ListOrder,
  type ListPosition,
  type Page,
} from '../../adapters/contract/index.js';
import { badUserInput } from '../graphql/errors.js';

/** Where a client stands in a list the gateway serves: the last record it saw. */
export interface Position {
  provider: string;
  key: string;
  id: string;
}

type Stamped = { id: string; provider: string };

/** Each list operation's order, as the adapter contract asks providers to keep it. */
const ORDERS: Record<string, ListOrder<never>> = {
  'incident:query': LIST_ORDERS.incidents,
  'alert:query': LIST_ORDERS.alerts,
  'ticket:query': LIST_ORDERS.tickets,
  'deployment:query': LIST_ORDERS.deployments,
  'orchestration:queryRuns': LIST_ORDERS.runs,
  'orchestration:queryPlans': LIST_ORDERS.plans,
  'service:query': LIST_ORDERS.services,
  'team:query': LIST_ORDERS.teams,
};

export function orderOf<T extends { id: string }>(capability: Capability, operation: string): ListOrder<T> {
  const order = ORDERS[`${capability}:${operation}`];
  if (!order) throw new Error(`no list order for ${capability}:${operation}`);
  return order as unknown as ListOrder<T>;
}

const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Between records with equal keys: provider, then ID. */
const compareTies = (a: Stamped, b: Stamped): number =>
  compareNames(a.provider, b.provider) || compareNames(a.id, b.id);

/** The order of a merged list: the list's order, then provider, then ID. */
function mergedOrder<T extends { id: string }>(order: ListOrder<T>): (a: T & Stamped, b: T & Stamped) => number {
  return (a, b) => order.compareKeys(order.key(a), order.key(b)) || compareTies(a, b);
}

/**
 * What each provider is asked to resume after. Records with the cursor's key come before the
 * cursor's record in providers named before its provider, after it in those named after it.
 */
export function positionsFor(after: Position | undefined, providers: readonly string[]): (ListPosition | undefined)[] {
  if (!after) return providers.map(() => undefined);
  if (!providers.includes(after.provider)) throw badUserInput('cursor belongs to another list', 'after');
  return providers.map((provider) => {
    const byName = compareNames(provider, after.provider);
    if (byName === 0) return { key: after.key, id: after.id };
    return byName < 0 ? { key: after.key } : { key: after.key, id: '' };
  });
}

/** The first `first` records of the providers' pages (each in the list's order), in merged order. */
export function mergePages<T extends { id: string }, S extends T & Stamped>(
  pages: readonly Page<S>[],
  first: number,
  order: ListOrder<T>,
): Page<S> {
  const compare = mergedOrder(order);
  // One provider's page is normally in order already: checking costs one comparison per record.
  const all =
    pages.length === 1
      ? inOrder((pages[0] as Page<S>).nodes, order, compare)
      : pages.flatMap((page) => page.nodes).sort(compare);
  const totals = pages.map((page) => page.totalCount ?? null);
  return {
    nodes: all.slice(0, first),
    hasNextPage: all.length > first || pages.some((page) => page.hasNextPage),
    totalCount: totals.every((t): t is number => t !== null) ? totals.reduce((a, b) => a + b, 0) : null,
    incomplete: pages.some((page) => page.incomplete === true),
  };
}

/**
 * `items` as they are when they are in merged order, else sorted. With the order's `rank`, each
 * record's key is read once rather than twice (a timestamp parsed per comparison was most of what
 * a plugin-backed list spent on its order).
 */
function inOrder<T extends { id: string }, S extends T & Stamped>(
  items: readonly S[],
  order: ListOrder<T>,
  compare: (a: S, b: S) => number,
): readonly S[] {
  const { rank } = order;
  if (!rank) {
    for (let i = 1; i < items.length; i++) {
      if (compare(items[i - 1] as S, items[i] as S) > 0) return [...items].sort(compare);
    }
    return items;
  }
  let previous = items.length > 0 ? rank(order.key(items[0] as S)) : 0;
  for (let i = 1; i < items.length; i++) {
    const current = rank(order.key(items[i] as S));
    // As `compareKeys`: ranks apart by NaN (both keys unreadable) are equal keys.
    const byKey = previous - current;
    if (byKey > 0 || (!(byKey < 0) && compareTies(items[i - 1] as S, items[i] as S) > 0)) {
      return [...items].sort(compare);
    }
    previous = current;
  }
  return items;
}
