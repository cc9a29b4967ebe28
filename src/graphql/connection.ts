/**
 * Relay connections over adapter pages. The gateway cursor wraps the adapter's cursor with the
 * provider that issued it, so a cursor from one provider is never replayed against another.
 */
import type { PageRequest } from '../../adapters/contract/index.js';
import type { StampedPage } from '../data/loaders.js';
import type { ConnectionNode } from '../data/models.js';
import { badUserInput } from './errors.js';

export const MAX_PAGE_SIZE = 100;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export function pageRequest(args: ConnectionArgs, provider: string): PageRequest {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`, 'first');
  }
  if (args.after == null) return { first };
  return { first, after: decodeCursor(args.after, provider) };
}

export function encodeCursor(provider: string, cursor: string): string {
  return Buffer.from(JSON.stringify([provider, cursor]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, provider: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[1] !== 'string') {
    throw badUserInput(`malformed cursor ${JSON.stringify(cursor)}`, 'after');
  }
  if (decoded[0] !== provider) {
    throw badUserInput(`cursor ${JSON.stringify(cursor)} belongs to another list`, 'after');
  }
  return decoded[1];
}

export function toConnection<T>(page: StampedPage<T>, args: ConnectionArgs): ConnectionNode<T & { provider: string }> {
  return {
    edges: page.edges.map((e) => ({ cursor: encodeCursor(page.provider, e.cursor), node: e.node })),
    hasNextPage: page.hasNextPage,
    hasPreviousPage: args.after != null,
    totalCount: page.totalCount,
  };
}

/** Pages a list the gateway already holds in full (e.g. a timeline), with offset cursors. */
export function connectionOf<T>(items: readonly T[], args: ConnectionArgs, provider: string): ConnectionNode<T> {
  const request = pageRequest(args, provider);
  const start = request.after === undefined ? 0 : Number(request.after);
  if (!Number.isSafeInteger(start) || start < 0) throw badUserInput('malformed cursor', 'after');
  const slice = items.slice(start, start + request.first);
  return {
    edges: slice.map((node, i) => ({ cursor: encodeCursor(provider, String(start + i + 1)), node })),
    hasNextPage: start + slice.length < items.length,
    hasPreviousPage: args.after != null,
    totalCount: items.length,
  };
}

export function emptyConnection<T>(): ConnectionNode<T> {
  return { edges: [], hasNextPage: false, hasPreviousPage: false, totalCount: 0 };
}
