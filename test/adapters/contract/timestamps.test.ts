/**
 * Timestamps read by character codes: every string reads as `Date.parse` reads it, the UTC form
 * plugins and the gateway write by the fast path, everything else by `Date.parse` itself.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_READ_TIMESTAMPS,
  readTimestamps,
  timestampMillis,
  utcForm,
  utcMillis,
} from '../../../adapters/contract/timestamps.js';

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const same = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

describe('timestampMillis', () => {
  it('reads every date of years around leap-year rules, months and days out of range included, as Date.parse does', () => {
    let fast = 0;
    const mismatches: string[] = [];
    for (const year of [0, 1, 1600, 1899, 1900, 1969, 1970, 2000, 2024, 2026, 2100, 9999]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          for (const time of ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60', '13:51:01']) {
            for (const fraction of ['', '.', '.5', '.12', '.123', '.028958793', '.9999']) {
              const value = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${time}${fraction}Z`;
              if (!Number.isNaN(utcMillis(value))) fast += 1;
              if (!same(timestampMillis(value), Date.parse(value))) mismatches.push(value);
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Most of them are the fast path's: the sweep tests it, not only Date.parse against itself.
    expect(fast).toBeGreaterThan(40_000);
  });

  it.each([
    '2026-12-01T13:51:01.028+01:00',
    '2026-12-01T13:51:01',
    '2026-12-01',
    '2026-12-01 13:51:01Z',
    '2026-12-01T13:51:01.5aZ',
    '2026-12-01T13:51:01z',
    '+002026-12-01T13:51:01Z',
    'Tue, 01 Dec 2026 13:51:01 GMT',
    'yesterday',
    '',
  ])('reads %s as Date.parse does, by Date.parse', (value) => {
    expect(Number.isNaN(utcMillis(value))).toBe(true);
    expect(same(timestampMillis(value), Date.parse(value))).toBe(true);
  });

  it('holds at most its bound of timestamps read, and reads alike past it and a second time', () => {
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 1_001).toISOString();
    const count = MAX_READ_TIMESTAMPS + 100;
    for (let i = 0; i < count; i++) {
      expect(utcMillis(at(i))).toBe(Date.UTC(2026, 0, 1) + i * 1_001);
      expect(readTimestamps()).toBeLessThanOrEqual(MAX_READ_TIMESTAMPS);
    }
    for (let i = 0; i < count; i += 97) expect(utcMillis(at(i))).toBe(Date.UTC(2026, 0, 1) + i * 1_001);
    // What does not read as the UTC form reads as NaN the second time too.
    expect(Number.isNaN(utcMillis('2026-02-30T00:00:00.000Z'))).toBe(true);
    expect(Number.isNaN(utcMillis('2026-02-30T00:00:00.000Z'))).toBe(true);
    // A string longer than the form's longest is read, not held.
    const before = readTimestamps();
    expect(utcMillis(`2026-12-01T13:51:01.${'1'.repeat(40)}Z`)).toBe(Date.parse('2026-12-01T13:51:01.111Z'));
    expect(readTimestamps()).toBe(before);
  });

  it("writes a timestamp's UTC form as toISOString does, the same string for the same text", () => {
    for (const value of [
      '2026-12-01T13:51:01Z',
      '2026-12-01T13:51:01.5Z',
      '2026-12-01T13:51:01.12Z',
      '2026-12-01T13:51:01.028Z',
      '2026-12-01T13:51:01.028958793Z',
      `2026-12-01T13:51:01.${'7'.repeat(45)}Z`,
    ]) {
      const form = utcForm(value);
      expect(form).toBe(new Date(Date.parse(value)).toISOString());
      // Another string of the same text, as each JSON answer parses anew, reads the same.
      expect(utcForm(JSON.parse(JSON.stringify(value)) as string)).toBe(form);
      expect(utcMillis(form as string)).toBe(Date.parse(value));
    }
    for (const value of ['2026-02-30T00:00:00.000Z', '2026-12-01T13:51:01+01:00', '2026-12-01T13:51:01.Z', 'soon'])
      expect(utcForm(value)).toBeNull();
  });
});
