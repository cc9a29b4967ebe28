import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../../adapters/contract/index.js';
import { normalizedOnce } from '../../../adapters/plugin/normalized-once.js';
import { incident } from '../../../adapters/plugin/records.js';

const raw = () => ({
  id: 'inc-1',
  title: 'Checkout latency',
  status: 'open',
  severity: 'sev2',
  createdAt: '2026-12-03T10:00:00.123456789Z',
  updatedAt: '2026-12-03T10:05:00Z',
  fields: { team: 'team-velocity' },
});

describe('normalizedOnce', () => {
  it('normalizes a held (frozen) answer once and hands out the same frozen record', () => {
    let calls = 0;
    const normalize = normalizedOnce((value: unknown) => {
      calls += 1;
      return incident(value);
    });
    const held = deepFreeze(raw());
    const first = normalize(held);
    expect(normalize(held)).toBe(first);
    expect(calls).toBe(1);
    expect(first).toMatchObject({ id: 'inc-1', status: 'TRIGGERED', team: 'team-velocity' });
    expect(Object.isFrozen(first) && Object.isFrozen(first.assignees)).toBe(true);
  });

  it('normalizes an answer that is not held on every call, leaving the record the caller’s', () => {
    let calls = 0;
    const normalize = normalizedOnce((value: unknown) => {
      calls += 1;
      return incident(value);
    });
    const fresh = raw();
    const first = normalize(fresh);
    const second = normalize(fresh);
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(calls).toBe(2);
    expect(Object.isFrozen(first)).toBe(false);
  });

  it('keeps nothing when normalizing throws', () => {
    let calls = 0;
    const normalize = normalizedOnce((value: unknown) => {
      calls += 1;
      return incident(value);
    });
    const bad = deepFreeze({ title: 'no id' });
    expect(() => normalize(bad)).toThrow();
    expect(() => normalize(bad)).toThrow();
    expect(calls).toBe(2);
  });
});
