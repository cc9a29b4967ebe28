import { describe, expect, it } from 'vitest';
import { GRID_CACHE_SIZE, timeGrid, timeGridsKept } from '../../../../adapters/mock/world/time-grid.js';

const start = Date.parse('2026-11-20T11:00:00.000Z');

describe('timeGrid', () => {
  it('gives each point its RFC 3339 timestamp, step seconds apart', () => {
    expect(timeGrid(start, 90, 3)).toEqual([
      '2026-11-20T11:00:00.000Z',
      '2026-11-20T11:01:30.000Z',
      '2026-11-20T11:03:00.000Z',
    ]);
    expect(timeGrid(start + 250, 0.5, 2)).toEqual(['2026-11-20T11:00:00.250Z', '2026-11-20T11:00:00.750Z']);
  });

  it('gives the same window the same grid, and keeps at most its bound of grids', () => {
    const first = timeGrid(start, 60, 5);
    expect(timeGrid(start, 60, 5)).toBe(first);
    for (let i = 1; i <= GRID_CACHE_SIZE + 5; i++) {
      const grid = timeGrid(start + i * 1000, 60, 2);
      expect(grid).toEqual([
        new Date(start + i * 1000).toISOString(),
        new Date(start + i * 1000 + 60_000).toISOString(),
      ]);
      expect(timeGridsKept()).toBeLessThanOrEqual(GRID_CACHE_SIZE);
    }
    expect(timeGridsKept()).toBe(GRID_CACHE_SIZE);
    // Evicted, then made anew with the same timestamps.
    const again = timeGrid(start, 60, 5);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('keeps the grid used last when it must evict', () => {
    for (let i = 0; i < GRID_CACHE_SIZE; i++) timeGrid(start + i * 1000, 30, 2);
    const kept = timeGrid(start, 30, 2);
    timeGrid(start - 1000, 30, 2);
    expect(timeGrid(start, 30, 2)).toBe(kept);
  });
});
