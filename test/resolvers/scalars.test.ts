/** DateTime output is UTC in `toISOString()` form, whether or not the provider wrote it that way. */
import fc from 'fast-check';
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

  it('answers as Date does, or refuses as Date does, for any one character changed in a canonical timestamp', () => {
    const outcome = (serialize: () => unknown) => {
      try {
        return serialize();
      } catch {
        return 'refused';
      }
    };
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        fc.nat(23),
        fc.constantFrom(...'0123456789-:.TZtz +/'),
        (date, at, char) => {
          const iso = date.toISOString();
          const value = iso.slice(0, at) + char + iso.slice(at + 1);
          expect(outcome(() => DateTime.serialize(value))).toBe(outcome(() => viaDate(value)));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('serializes Date objects and rejects what is not a timestamp', () => {
    expect(DateTime.serialize(new Date(Date.UTC(2026, 10, 20, 12)))).toBe('2026-11-20T12:00:00.000Z');
    expect(() => DateTime.serialize('2026-13-01T00:00:00.000Z')).toThrow(/cannot serialize/);
    expect(() => DateTime.serialize('yesterday')).toThrow(/cannot serialize/);
  });
});
