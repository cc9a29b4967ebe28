/**
 * Counters and histograms counted by the gateway per label set and handed to prom-client when
 * `/metrics` is scraped. prom-client's own `inc` and `observe` build a labels object, check every
 * label name and hash the label set into a string on each event; a provider call paid that twice
 * (its count and its batch size) and every GraphQL request twice more. Here an event finds its
 * label set by a key of its values and adds to plain numbers; the label objects are built once
 * per label set. Label sets are bounded by what produces them (configured providers and their
 * operations, operation names capped at the edge), as prom-client's own series were.
 */
import { Counter, type CounterConfiguration, Histogram, type HistogramConfiguration } from 'prom-client';

/** One label set's tally, with the labels object prom-client exports it under. */
interface Tally<L extends string> {
  readonly labels: Record<L, string>;
  count: number;
  sum: number;
  /** Events per bucket, not cumulative (histograms only); above the last bound none. */
  readonly buckets: number[];
}

/** Label values one level per label, the last level holding the tallies. */
type Level<L extends string> = Map<string, Level<L> | Tally<L>>;

class Tallies<L extends string> {
  private readonly root: Level<L> = new Map();
  private readonly all: Tally<L>[] = [];

  constructor(
    private readonly labelNames: readonly L[],
    private readonly bucketCount: number,
  ) {}

  /**
   * The tally of the label set `values` (in `labelNames` order), made on its first event. Found a
   * level per label, so an event builds no key: a joined key cost more than the rest together.
   */
  of(values: readonly string[]): Tally<L> {
    let level = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      const value = values[i] as string;
      let next = level.get(value) as Level<L> | undefined;
      if (!next) {
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    const value = values[last] as string;
    let tally = level.get(value) as Tally<L> | undefined;
    if (!tally) {
      const labels = {} as Record<L, string>;
      this.labelNames.forEach((name, i) => {
        labels[name] = values[i] as string;
      });
      tally = { labels, count: 0, sum: 0, buckets: new Array<number>(this.bucketCount).fill(0) };
      level.set(value, tally);
      this.all.push(tally);
    }
    return tally;
  }

  /** Every label set, in the order first seen. */
  values(): readonly Tally<L>[] {
    return this.all;
  }
}

export interface TalliedCounter {
  /** Adds `by` (default 1) to the series of these label values, in the counter's `labelNames` order. */
  inc(values: readonly string[], by?: number): void;
}

/** A prom-client counter whose counts are kept here and set on it at each scrape. */
export function talliedCounter<L extends string>(
  config: Omit<CounterConfiguration<L>, 'collect' | 'labelNames'> & { labelNames: readonly L[] },
): TalliedCounter {
  const tallies = new Tallies<L>(config.labelNames, 0);
  new Counter<L>({
    ...config,
    collect() {
      this.reset();
      for (const { labels, count } of tallies.values()) this.inc(labels, count);
    },
  });
  return {
    inc(values, by = 1) {
      tallies.of(values).count += by;
    },
  };
}

export interface TalliedHistogram {
  /** Observes `value` in the series of these label values, in the histogram's `labelNames` order. */
  observe(values: readonly string[], value: number): void;
}

/** prom-client's record of one series, which its own export turns into bucket, sum and count lines. */
interface HistogramSeries {
  labels: Record<string, string>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * A prom-client histogram whose observations are counted here and written into it at each scrape,
 * in the form its `observe` leaves them, so its own export writes the lines.
 */
export function talliedHistogram<L extends string>(
  config: Omit<HistogramConfiguration<L>, 'collect' | 'labelNames' | 'buckets'> & {
    labelNames: readonly L[];
    buckets: readonly number[];
  },
): TalliedHistogram {
  // In the order given, as prom-client reads them (the gateway's are ascending).
  const bounds = config.buckets;
  const tallies = new Tallies<L>(config.labelNames, bounds.length);
  new Histogram<L>({
    ...config,
    buckets: [...bounds],
    collect() {
      const series: Record<string, HistogramSeries> = {};
      let n = 0;
      for (const { labels, count, sum, buckets } of tallies.values()) {
        const bucketValues: Record<number, number> = {};
        bounds.forEach((bound, i) => {
          bucketValues[bound] = buckets[i] as number;
        });
        series[String(n++)] = { labels, bucketValues, sum, count };
      }
      (this as unknown as { hashMap: Record<string, HistogramSeries> }).hashMap = series;
    },
  });
  return {
    observe(values, value) {
      if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
      const tally = tallies.of(values);
      tally.count += 1;
      tally.sum += value;
      // prom-client's bucket: the first bound at or above the value.
      for (let i = 0; i < bounds.length; i++) {
        if (value <= (bounds[i] as number)) {
          tally.buckets[i] = (tally.buckets[i] as number) + 1;
          break;
        }
      }
    },
  };
}
