/**
 * Relay connections over the data floor's pages: arguments checked, the cursor decoded into a
 * position, the page read, and each edge's cursor made from its record. Every list field of the
 * schema goes through `connection`.
 */
import { keysetPage, type ListOrder, type Page, positionOf } from '../../adapters/contract/index.js';
import type { ListCounts } from '../data/aggregates/counts.js';
import { type Position, positionsFor } from '../data/merge.js';
import type { ConnectionNode } from '../data/models.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { badUserInput } from './errors.js';

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

/** What a list read receives: how many records, after which position. */
export interface ListRequest {
  first: number;
  after?: Position;
}

type Stamped = { id: string; provider: string };

/** One page of a list as a connection: `read` gets the checked page size and position. */
export async function connection<T extends { id: string }, S extends T & Stamped, V extends string = string>(
  args: ConnectionArgs,
  order: ListOrder<T>,
  read: (request: ListRequest) => Promise<Page<S> & { counts?: () => Promise<ListCounts<V>> }>,
): Promise<ConnectionNode<S, V>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  const after = args.after == null ? undefined : decodeCursor(args.after, order);
  const page = await read(after ? { first, after } : { first });
  return {
    nodes: page.nodes,
    hasNextPage: page.hasNextPage,
    totalCount: page.totalCount ?? null,
    hasPreviousPage: after !== undefined,
    cursorOf: (node) => encodeCursor({ provider: node.provider, ...positionOf(order, node) }),
    ...(page.counts ? { counts: page.counts } : {}),
  };
}

/** A list the gateway already holds in full (a timeline), from one provider. */
export function connectionOf<T extends { id: string }, S extends T & Stamped>(
  items: readonly S[],
  args: ConnectionArgs,
  order: ListOrder<T>,
  provider: string,
): Promise<ConnectionNode<S>> {
  return connection<T, S>(args, order, async ({ first, after }) => {
    const [position] = positionsFor(after, [provider]);
    return keysetPage<S>(items, position ? { first, after: position } : { first }, order);
  });
}

export function emptyConnection<T, S extends string = never>(): ConnectionNode<T, S> {
  return { nodes: [], hasNextPage: false, hasPreviousPage: false, totalCount: 0, cursorOf: () => '' };
}
