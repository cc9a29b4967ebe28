import { LRUCache } from 'lru-cache';
import { describe, expect, it } from 'vitest';
import { fitsIn } from '../../src/largest-entry.js';

describe('fitsIn', () => {
  it('keeps an entry of up to an eighth of the bound, and none larger', () => {
    const cache = new LRUCache<string, string>({ max: 10, maxSize: 800 });
    expect(fitsIn(cache, 100)).toBe(true);
    expect(fitsIn(cache, 101)).toBe(false);
    expect(fitsIn(new LRUCache<string, string>({ max: 10, maxSize: 801 }), 100)).toBe(true);
  });
});
