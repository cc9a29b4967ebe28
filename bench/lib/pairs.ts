/**
 * A load alone and beside a disturbance, in alternating pairs. One pair's p99s move with the
 * machine's minute (the hanging-provider ratio gave 1.2x and 1.85x in two runs of the same code), so
 * a figure takes the median of its pairs' ratios and lists every pair.
 */
import type { LoadResult } from './load.js';
import { median, ratio } from './stats.js';

/** Pairs a figure runs: three, one with `--quick`. */
export const pairsFor = (options: { quick: boolean }) => (options.quick ? 1 : 3);

export interface Pair {
  alone: LoadResult;
  beside: LoadResult;
}

/** What runs beside the second load of each pair: started before it, stopped after it. */
export interface Disturbance {
  stop(): Promise<void>;
}

export async function alternatePairs(
  count: number,
  run: () => Promise<LoadResult>,
  disturb: () => Disturbance,
): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let pair = 0; pair < count; pair++) {
    const alone = await run();
    const disturbance = disturb();
    const beside = await run();
    await disturbance.stop();
    pairs.push({ alone, beside });
  }
  return pairs;
}

/** `<prefix>.alone.*`, `<prefix>.<side>.*`, `<prefix>.pairs.p99Ms` and `<prefix>.ratio.p99<Side>OverAlone`. */
export function pairFigures(prefix: string, side: string, pairs: readonly Pair[]): Record<string, number | string> {
  const medianOf = (of: keyof Pair, key: 'p50Ms' | 'p99Ms') => median(pairs.map((p) => p[of][key]));
  const title = side.charAt(0).toUpperCase() + side.slice(1);
  return {
    [`${prefix}.pairs`]: pairs.length,
    [`${prefix}.alone.p50Ms`]: medianOf('alone', 'p50Ms'),
    [`${prefix}.alone.p99Ms`]: medianOf('alone', 'p99Ms'),
    [`${prefix}.${side}.p50Ms`]: medianOf('beside', 'p50Ms'),
    [`${prefix}.${side}.p99Ms`]: medianOf('beside', 'p99Ms'),
    [`${prefix}.pairs.p99Ms`]: pairs.map((p) => `${p.alone.p99Ms}/${p.beside.p99Ms}`).join(' '),
    [`${prefix}.errors`]: pairs.reduce((sum, p) => sum + p.alone.errors + p.beside.errors, 0),
    [`${prefix}.ratio.p99${title}OverAlone`]: median(pairs.map((p) => ratio(p.beside.p99Ms, p.alone.p99Ms))),
  };
}
