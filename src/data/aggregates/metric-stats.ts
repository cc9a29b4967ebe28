/** Summary statistics of a metric series' points, computed by the gateway (null values skipped). */
import type { MetricPoint } from '../../../adapters/contract/index.js';

export interface MetricStats {
  latest: number | null;
  min: number | null;
  max: number | null;
  avg: number | null;
  p95: number | null;
  count: number;
}

export function metricStats(points: readonly MetricPoint[]): MetricStats {
  const valued = points.filter(
    (p): p is MetricPoint & { value: number } => p.value !== null && Number.isFinite(p.value),
  );
  if (valued.length === 0) return { latest: null, min: null, max: null, avg: null, p95: null, count: 0 };
  const values = valued.map((p) => p.value);
  const sorted = [...values].sort((a, b) => a - b);
  const newest = valued.reduce((a, b) => (Date.parse(b.timestamp) >= Date.parse(a.timestamp) ? b : a));
  return {
    latest: newest.value,
    min: sorted[0] ?? null,
    max: sorted.at(-1) ?? null,
    avg: values.reduce((a, b) => a + b, 0) / values.length,
    // Nearest rank: the smallest value with at least 95% of the values at or below it.
    p95: sorted[Math.ceil(0.95 * sorted.length) - 1] ?? null,
    count: values.length,
  };
}
