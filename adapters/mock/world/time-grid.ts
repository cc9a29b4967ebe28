/**
 * The RFC 3339 timestamps of a metric query's evenly spaced points. A console asks for the same
 * window again and again (every refresh of a page, each of its series), and formatting every
 * point's time anew was a third of the mock's metric work, done on the caller's event loop after
 * the injected latency. Grids are immutable and shared; the last few are kept.
 */
import { iso, SECOND } from './time.js';

/**
 * Grids kept: a page asks one window for several series. At most 8 × 11,000 timestamps (the
 * mock's points per series), about 5 MB, in the worst case.
 */
export const GRID_CACHE_SIZE = 8;

const grids = new Map<string, readonly string[]>();

/** `count` timestamps from `start` (ms), `step` seconds apart. */
export function timeGrid(start: number, step: number, count: number): readonly string[] {
  const key = `${start}/${step}/${count}`;
  let grid = grids.get(key);
  if (grid) {
    // Most recently used last, so the first key is the one to evict.
    grids.delete(key);
  } else {
    grid = Object.freeze(Array.from({ length: count }, (_, i) => iso(start + i * step * SECOND)));
    if (grids.size >= GRID_CACHE_SIZE) grids.delete(grids.keys().next().value as string);
  }
  grids.set(key, grid);
  return grid;
}

/** How many grids are kept now (for the bound's test). */
export function timeGridsKept(): number {
  return grids.size;
}
