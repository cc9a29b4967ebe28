/** DateTime output is UTC in `toISOString()` form, whether or not the provider wrote it that way. */
import { describe, expect, it } from 'vitest';
import { DateTime } from '../../resolvers/scalars.js';

const viaDate = (value: string) => new Date(value).toISOString();

describe('DateTime serialization', () => {
  it('returns what Date would for canonical, rolled-over and offset timestamps alike', () => {
    const values = [
      '2026-11-20T12:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2000-02-29T00:00:00.000Z',
      '2026-02-29T00:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2026-04-31T08:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-11-20T12:00:00Z',
      '2026-11-20T13:00:00.000+01:00',
    ];
    for (const value of values) expect(DateTime.serialize(value), value).toBe(viaDate(value));
  });

  it('serializes Date objects and rejects what is not a timestamp', () => {
    expect(DateTime.serialize(new Date(Date.UTC(2026, 10, 20, 12)))).toBe('2026-11-20T12:00:00.000Z');
    expect(() => DateTime.serialize('2026-13-01T00:00:00.000Z')).toThrow(/cannot serialize/);
    expect(() => DateTime.serialize('yesterday')).toThrow(/cannot serialize/);
  });
});
