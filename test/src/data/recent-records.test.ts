import { describe, expect, it } from 'vitest';
import { RecentRecords } from '../../../src/data/recent-records.js';

describe('RecentRecords', () => {
  it('answers a record for the visibility and provider it was read for only', () => {
    const recent = new RecentRecords<{ title: string }>(10);
    const record = { title: 'checkout down' };
    recent.set('r-', 'pagerduty', 'P1', record);
    expect(recent.get('r-', 'pagerduty', 'P1')).toBe(record);
    expect(recent.get('r-\u0001svc-a', 'pagerduty', 'P1')).toBeUndefined();
    expect(recent.get('r-', 'jira', 'P1')).toBeUndefined();
    expect(recent.get('r-', 'pagerduty', 'P2')).toBeUndefined();
  });

  it('keeps the latest read, and forgets a record whose read failed', () => {
    const recent = new RecentRecords<{ title: string }>(10);
    recent.set('r-', 'mock', 'inc-1', { title: 'before' });
    recent.set('r-', 'mock', 'inc-1', { title: 'after' });
    expect(recent.get('r-', 'mock', 'inc-1')).toEqual({ title: 'after' });
    recent.set('r-', 'mock', 'inc-1', null);
    expect(recent.get('r-', 'mock', 'inc-1')).toBeUndefined();
    expect(recent.size).toBe(0);
  });

  it('holds no more than its bound, the least recently read going first, and nothing at 0', () => {
    const recent = new RecentRecords<{ n: number }>(2);
    recent.set('v', 'mock', 'a', { n: 1 });
    recent.set('v', 'mock', 'b', { n: 2 });
    expect(recent.get('v', 'mock', 'a')).toEqual({ n: 1 });
    recent.set('v', 'mock', 'c', { n: 3 });
    expect(recent.size).toBe(2);
    expect(recent.get('v', 'mock', 'b')).toBeUndefined();
    expect(recent.get('v', 'mock', 'a')).toEqual({ n: 1 });
    expect(recent.get('v', 'mock', 'c')).toEqual({ n: 3 });

    const off = new RecentRecords<{ n: number }>(0);
    off.set('v', 'mock', 'a', { n: 1 });
    expect(off.get('v', 'mock', 'a')).toBeUndefined();
    expect(off.size).toBe(0);
  });
});
