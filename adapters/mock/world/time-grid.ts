/**
 * The RFC 3339 timestamps of a metric query's evenly spaced points. A console asks for the same
 * window again and again (every refresh of a page, each of its series), and formatting every
 * point's time anew was a third of the mock's metric work, done on the caller's event loop after
 * the injected latency. Grids are immutable and shared; the last few are kept.
 */
import { LRUCache } from 'lru-cache';
import { iso, SECOND } from './time.js';

/**
 * Grids kept: a page asks one window for several series. At most 8 × 11,000 timestamps (the
 * mock's points per series), about 5 MB, in the worst case.
 */
export const GRID_CACHE_SIZE = 8;

const grids = new LRUCache<string, readonly string[]>({ max: GRID_CACHE_SIZE });

/** `count` timestamps from `start` (ms), `step` seconds apart. */
export function timeGrid(start: number, step: number, count: number): readonly string[] {
  const key = `${start}/${step}/${count}`;
  let grid = grids.get(key);
  if (!grid) {
    grid = Object.freeze(Array.from({ length: count }, (_, i) => iso(start + i * step * SECOND)));
    grids.set(key, grid);
  }
  return grid;
}

/** How many grids are kept now (for the bound's test). */
export function timeGridsKept(): number {
  return grids.size;
}
