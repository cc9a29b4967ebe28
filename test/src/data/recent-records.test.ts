import { describe, expect, it } from 'vitest';
import { RecentRecords } from '../../../src/data/recent-records.js';

const MIB = 1 << 20;

describe('RecentRecords', () => {
  it('answers a record for the visibility and provider it was read for only', () => {
    const recent = new RecentRecords<{ title: string }>(10, MIB);
    const record = { title: 'checkout down' };
    recent.set('r-', 'pagerduty', 'P1', record);
    expect(recent.get('r-', 'pagerduty', 'P1')).toBe(record);
    expect(recent.get('r-\u0001svc-a', 'pagerduty', 'P1')).toBeUndefined();
    expect(recent.get('r-', 'jira', 'P1')).toBeUndefined();
    expect(recent.get('r-', 'pagerduty', 'P2')).toBeUndefined();
  });

  it('keeps the latest read, and forgets a record whose read failed', () => {
    const recent = new RecentRecords<{ title: string }>(10, MIB);
    recent.set('r-', 'mock', 'inc-1', { title: 'before' });
    recent.set('r-', 'mock', 'inc-1', { title: 'after' });
    expect(recent.get('r-', 'mock', 'inc-1')).toEqual({ title: 'after' });
    recent.set('r-', 'mock', 'inc-1', null);
    expect(recent.get('r-', 'mock', 'inc-1')).toBeUndefined();
    expect(recent.size).toBe(0);
  });

  it('holds no more than its bound, the least recently read going first, and nothing at 0', () => {
    const recent = new RecentRecords<{ n: number }>(2, MIB);
    recent.set('v', 'mock', 'a', { n: 1 });
    recent.set('v', 'mock', 'b', { n: 2 });
    expect(recent.get('v', 'mock', 'a')).toEqual({ n: 1 });
    recent.set('v', 'mock', 'c', { n: 3 });
    expect(recent.size).toBe(2);
    expect(recent.get('v', 'mock', 'b')).toBeUndefined();
    expect(recent.get('v', 'mock', 'a')).toEqual({ n: 1 });
    expect(recent.get('v', 'mock', 'c')).toEqual({ n: 3 });

    const off = new RecentRecords<{ n: number }>(0, MIB);
    off.set('v', 'mock', 'a', { n: 1 });
    expect(off.get('v', 'mock', 'a')).toBeUndefined();
    expect(off.size).toBe(0);
  });

  it('holds records within its byte bound, the least recently read going first, and none larger than an eighth of it', () => {
    const recent = new RecentRecords<{ description: string }>(1_000, 80_000);
    const record = (n: number) => ({ description: `${n}`.padEnd(9_000, '.') });
    for (let n = 0; n < 20; n++) recent.set('v', 'mock', `inc-${n}`, record(n));
    expect(recent.bytes).toBeLessThanOrEqual(80_000);
    expect(recent.size).toBeLessThan(20);
    expect(recent.size).toBeGreaterThan(5);
    expect(recent.get('v', 'mock', 'inc-19')).toEqual(record(19));
    expect(recent.get('v', 'mock', 'inc-0')).toBeUndefined();

    recent.set('v', 'mock', 'inc-19', { description: 'x'.repeat(10_001) });
    expect(recent.get('v', 'mock', 'inc-19')).toBeUndefined();
    expect(recent.bytes).toBeLessThanOrEqual(80_000);
  });
});
