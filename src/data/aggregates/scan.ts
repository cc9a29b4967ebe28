/**
 * A bounded walk over a list, one provider at a time: pages of at most `PAGE` records, following
 * each provider's own keyset position, until the list ends or `maxRecords` records of that provider
 * were read. Aggregates that need the records themselves (timestamps, statuses a provider cannot
 * count) are computed over it; a walk cut short, by the bound or where the adapter's reach ended
 * (`Page.incomplete`), says so, and its figures are then those of the records it read only.
 */
import { positionOf } from '../../../adapters/contract/index.js';
import type { ListSource, Stamped } from '../loaders.js';

/** The largest page the contract's providers are asked for. */
export const SCAN_PAGE = 100;

export interface ProviderScan<T> {
  provider: string;
  nodes: Stamped<T>[];
  /** False when the walk stopped before the end of the provider's list: at the bound, or at the adapter's reach. */
  complete: boolean;
  /** The provider's own count of the whole list from its first page, when it gave one. */
  totalCount: number | null;
}

/** Walks one provider's list, `narrow` added to the filter. */
export async function scanProvider<T extends { id: string }>(
  source: ListSource<T>,
  provider: string,
  maxRecords: number,
  narrow?: Record<string, unknown>,
): Promise<ProviderScan<T>> {
  const nodes: Stamped<T>[] = [];
  let totalCount: number | null = null;
  let cut = false;
  for (let pageNo = 0; ; pageNo += 1) {
    const last = nodes.at(-1);
    const first = Math.min(SCAN_PAGE, maxRecords - nodes.length);
    const page = await source.page(
      provider,
      { first, ...(last ? { after: positionOf(source.order, last) } : {}) },
      narrow,
    );
    if (pageNo === 0) totalCount = page.totalCount ?? null;
    nodes.push(...page.nodes);
    // The last page the adapter can reach has no next page even when the list goes on past it.
    cut ||= page.incomplete === true;
    if (!page.hasNextPage) return { provider, nodes, complete: !cut, totalCount };
    // A page the caller may see none of leaves no position to resume from.
    if (nodes.length >= maxRecords || page.nodes.length === 0) return { provider, nodes, complete: false, totalCount };
  }
}

/** Walks every provider's list at once, each within its own bound. */
export function scan<T extends { id: string }>(source: ListSource<T>, maxRecords: number): Promise<ProviderScan<T>[]> {
  return Promise.all(source.providers.map((provider) => scanProvider(source, provider, maxRecords)));
}
