/**
 * One list from several providers of a capability: each provider pages its own records in the
 * capability's order, the gateway merges the pages, and the cursor remembers where it stopped in
 * every provider. Taking the first `first` of each provider's sorted page is enough to know the
 * first `first` of the merged list, so a page costs one call per provider, never more.
 */
import type { Capability } from '../../adapters/contract/index.js';
import { badUserInput } from '../graphql/errors.js';

export interface ProviderPage<T> {
  provider: string;
  edges: { cursor: string; node: T }[];
  hasNextPage: boolean;
  totalCount: number | null;
}

/** Where the merged list stopped in each provider: the cursor of the last record taken from it. */
export type Positions = Record<string, string>;

type Ordered = { id: string; provider: string } & Record<string, unknown>;

const newestBy =
  (field: string) =>
  (a: Ordered, b: Ordered): number =>
    Date.parse(String(b[field])) - Date.parse(String(a[field]));
const byName = (a: Ordered, b: Ordered): number => String(a.name).localeCompare(String(b.name));

/** Each list's order, as the adapter contract asks providers to sort it. */
const ORDER: Record<string, (a: Ordered, b: Ordered) => number> = {
  'incident:query': newestBy('createdAt'),
  'alert:query': newestBy('startsAt'),
  'ticket:query': newestBy('createdAt'),
  'deployment:query': newestBy('startedAt'),
  'orchestration:queryRuns': newestBy('startedAt'),
  'orchestration:queryPlans': byName,
  'service:query': byName,
  'team:query': byName,
};

export function orderOf(capability: Capability, op: string): (a: Ordered, b: Ordered) => number {
  const order = ORDER[`${capability}:${op}`];
  if (!order) throw new Error(`no merge order for ${capability}:${op}`);
  // Ties break on provider and ID, so every run merges the same way.
  return (a, b) => order(a, b) || a.provider.localeCompare(b.provider) || a.id.localeCompare(b.id);
}

export function decodePositions(cursor: string | undefined, providers: readonly string[]): Positions {
  if (cursor === undefined) return {};
  let decoded: unknown;
  try {
    decoded = JSON.parse(cursor);
  } catch {
    decoded = undefined;
  }
  const valid =
    typeof decoded === 'object' &&
    decoded !== null &&
    !Array.isArray(decoded) &&
    Object.entries(decoded).every(([p, c]) => providers.includes(p) && typeof c === 'string');
  if (!valid) throw badUserInput('malformed cursor', 'after');
  return decoded as Positions;
}

export function mergePages<T extends Ordered>(
  pages: readonly ProviderPage<T>[],
  start: Positions,
  first: number,
  compare: (a: T, b: T) => number,
): { edges: { cursor: string; node: T }[]; hasNextPage: boolean; totalCount: number | null } {
  const positions: Positions = { ...start };
  const heads = pages.map(() => 0);
  const edges: { cursor: string; node: T }[] = [];
  while (edges.length < first) {
    let pick = -1;
    pages.forEach((page, i) => {
      const candidate = page.edges[heads[i] as number];
      const best = pick < 0 ? undefined : pages[pick]?.edges[heads[pick] as number];
      if (candidate && (!best || compare(candidate.node, best.node) < 0)) pick = i;
    });
    if (pick < 0) break;
    const page = pages[pick] as ProviderPage<T>;
    const edge = page.edges[heads[pick] as number] as { cursor: string; node: T };
    heads[pick] = (heads[pick] as number) + 1;
    positions[page.provider] = edge.cursor;
    edges.push({ cursor: JSON.stringify(positions), node: edge.node });
  }
  const totals = pages.map((p) => p.totalCount);
  return {
    edges,
    hasNextPage: pages.some((page, i) => (heads[i] as number) < page.edges.length || page.hasNextPage),
    totalCount: totals.every((t): t is number => t !== null) ? totals.reduce((a, b) => a + b, 0) : null,
  };
}
