import { describe, expect, it } from 'vitest';
import { stamp, stampMember } from '../../../src/data/stamp.js';

describe('stamp', () => {
  it('copies the record with its provider, leaving the record as it was', () => {
    const record = { id: 'INC-1', title: 'Checkout down', fields: { region: 'eu' } };
    const stamped = stamp(record, 'pagerduty');
    expect(stamped).toEqual({ id: 'INC-1', title: 'Checkout down', fields: { region: 'eu' }, provider: 'pagerduty' });
    expect(record).toEqual({ id: 'INC-1', title: 'Checkout down', fields: { region: 'eu' } });
    expect(stamped.fields).toBe(record.fields);
  });

  it("puts the provider over a provider key of the record's own", () => {
    expect(stamp({ id: 'x', provider: 'upstream-name' }, 'jira').provider).toBe('jira');
  });

  it('keeps a __proto__ key from a provider as a plain key, as a spread does', () => {
    const record = JSON.parse('{"id":"x","__proto__":{"polluted":true}}') as { id: string };
    const stamped = stamp(record, 'mock');
    expect(Object.getPrototypeOf(stamped)).toBe(Object.prototype);
    expect((stamped as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(stamped).sort()).toEqual(['__proto__', 'id', 'provider']);
  });

  it('stamps a frozen record once per provider, frozen like it; a record that is not frozen on every call', () => {
    const held = Object.freeze({ id: 'INC-1', title: 'Checkout down' });
    const first = stamp(held, 'opsorch');
    expect(first).toEqual({ provider: 'opsorch', id: 'INC-1', title: 'Checkout down' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(stamp(held, 'opsorch')).toBe(first);
    const other = stamp(held, 'elsewhere');
    expect(other.provider).toBe('elsewhere');
    expect(stamp(held, 'opsorch').provider).toBe('opsorch');
    const fresh = { id: 'INC-2' };
    expect(stamp(fresh, 'mock')).not.toBe(stamp(fresh, 'mock'));
    expect(Object.isFrozen(stamp(fresh, 'mock'))).toBe(false);
  });

  it('stamps a member with its provider and team, over keys of its own', () => {
    const member = { name: 'Ada', url: null, provider: 'elsewhere', teamId: 'old' };
    expect(stampMember(member, 'pagerduty', 'T1')).toEqual({
      name: 'Ada',
      url: null,
      provider: 'pagerduty',
      teamId: 'T1',
    });
    expect(member.teamId).toBe('old');
  });
});
