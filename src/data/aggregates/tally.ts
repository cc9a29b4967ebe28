/**
 * Counts of a list by dimension (status, severity), over every provider serving it, with as few
 * provider calls as the provider allows:
 * - the first scan page (one call) holds the whole list: counted from it;
 * - else, when the provider counts (`totalCount`), one batched call of one `first: 1` query per
 *   value the filter allows, each value's count read from its answer;
 * - else a bounded scan, `approximate` when it stopped before the end.
 * A provider's counts are used only when they add up to its total; a caller whose credential hides
 * records gets none (`ListSource.page`), since the provider would count those too.
 */
import type { ListSource, Stamped } from '../loaders.js';
import { scanProvider } from './scan.js';

export interface Dimension<T> {
  /** The filter field that narrows the list to some values, e.g. `statuses`. */
  filter: string;
  /** Every value the filter allows, in display order. */
  values: readonly string[];
  of(record: T): string;
}

export interface Tally {
  total: number;
  /** Per dimension (in the order given), every allowed value's count. */
  counts: Map<string, number>[];
  approximate: boolean;
}

export async function tally<T extends { id: string }>(
  source: ListSource<T>,
  dimensions: readonly Dimension<T>[],
  maxRecords: number,
): Promise<Tally> {
  const perProvider = await Promise.all(
    source.providers.map((provider) => tallyProvider(source, provider, dimensions, maxRecords)),
  );
  return {
    total: perProvider.reduce((sum, t) => sum + t.total, 0),
    counts: dimensions.map((d, i) => {
      const merged = new Map<string, number>(d.values.map((v) => [v, 0]));
      for (const t of perProvider) {
        for (const [value, count] of t.counts[i] ?? []) merged.set(value, (merged.get(value) ?? 0) + count);
      }
      return merged;
    }),
    approximate: perProvider.some((t) => t.approximate),
  };
}

async function tallyProvider<T extends { id: string }>(
  source: ListSource<T>,
  provider: string,
  dimensions: readonly Dimension<T>[],
  maxRecords: number,
): Promise<Tally> {
  // One page first: small lists (most filtered ones) are counted from it.
  const head = await scanProvider(source, provider, Math.min(maxRecords, 100));
  if (head.complete) return countRecords(head.nodes, dimensions, true);
  if (head.totalCount !== null) {
    const counted = await providerCounts(source, provider, dimensions, head.totalCount);
    if (counted) return counted;
  }
  const walked = await scanProvider(source, provider, maxRecords);
  const tallied = countRecords(walked.nodes, dimensions, walked.complete);
  // The provider's total stays exact even when the per-value counts are not.
  return head.totalCount !== null ? { ...tallied, total: head.totalCount } : tallied;
}

/** One `first: 1` query per allowed value, in one batched call; null unless every count is known and adds up. */
async function providerCounts<T extends { id: string }>(
  source: ListSource<T>,
  provider: string,
  dimensions: readonly Dimension<T>[],
  total: number,
): Promise<Tally | null> {
  const pages = await Promise.all(
    dimensions.map((d) =>
      Promise.all(d.values.map((value) => source.page(provider, { first: 1 }, { [d.filter]: [value] }))),
    ),
  );
  const counts = pages.map((perValue, i) => {
    const values = dimensions[i]?.values ?? [];
    return new Map(values.map((value, j) => [value, perValue[j]?.totalCount ?? Number.NaN]));
  });
  const addsUp = counts.every((m) => [...m.values()].reduce((a, b) => a + b, 0) === total);
  return addsUp ? { total, counts, approximate: false } : null;
}

function countRecords<T>(nodes: readonly Stamped<T>[], dimensions: readonly Dimension<T>[], complete: boolean): Tally {
  return {
    total: nodes.length,
    counts: dimensions.map((d) => {
      const counts = new Map<string, number>(d.values.map((v) => [v, 0]));
      for (const node of nodes) {
        const value = d.of(node);
        if (counts.has(value)) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      return counts;
    }),
    approximate: !complete,
  };
}
