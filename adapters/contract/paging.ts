import { badInput } from './errors.js';
import type { Page, PageRequest } from './models.js';

/**
 * Pages an already filtered and ordered in-memory list with offset cursors. For adapters whose
 * provider returns whole lists (or for fakes and the mock world).
 */
export function pageOf<T>(items: readonly T[], request: PageRequest): Page<T> {
  const start = request.after === undefined ? 0 : decodeOffset(request.after);
  const slice = items.slice(start, start + request.first);
  return {
    edges: slice.map((node, i) => ({ cursor: String(start + i + 1), node })),
    hasNextPage: start + slice.length < items.length,
    totalCount: items.length,
  };
}

function decodeOffset(cursor: string): number {
  const offset = Number(cursor);
  if (!Number.isSafeInteger(offset) || offset < 0) throw badInput(`invalid cursor ${JSON.stringify(cursor)}`);
  return offset;
}

/** Newest first by an ISO timestamp, then by ID, so equal timestamps still order deterministically. */
export function newestFirst<T extends { id: string }>(at: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const diff = Date.parse(at(b)) - Date.parse(at(a));
    if (diff !== 0) return diff;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
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
