/**
 * Milliseconds of an ISO timestamp, as `Date.parse` reads it. Lists sort and filter by timestamps
 * that are nearly always the gateway's own form or a Go plugin's (`2026-12-01T13:51:01.028Z`,
 * `2026-12-01T13:51:01.028958793Z`); those are read here by character codes, which costs a small
 * fraction of a `Date.parse` call. Anything else goes to `Date.parse`.
 */

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAY_MS = 86_400_000;
const DASH = 0x2d;
const COLON = 0x3a;

/**
 * The number written by the two ASCII digits of `value` at `at`, or -1. Read by character codes
 * and compared unsigned (a code below '0' wraps above 9): each `charCodeAt` is most of what a
 * timestamp's reading costs, so none is read twice and none is read as a one-character string.
 */
function pairAt(value: string, at: number): number {
  const tens = value.charCodeAt(at) - 0x30;
  const ones = value.charCodeAt(at + 1) - 0x30;
  return tens >>> 0 > 9 || ones >>> 0 > 9 ? -1 : tens * 10 + ones;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * Timestamps read lately: what each reads as and, once asked, its UTC form. A list's record is read
 * several times over (its plugin's form normalized, then the normalized form by the adapter's sort,
 * the merge's order check and the DateTime scalar), and the same records come back on every refresh
 * of a list. Finding a string here costs a fraction of reading it, least for the very string held
 * (its hash kept, one comparison by identity): `utcForm` answers that string, the same for the same
 * text while it is held, so the later readings of a normalized record find it at once. Emptied when
 * full; only strings of the lengths the UTC form has are held.
 */
export const MAX_READ_TIMESTAMPS = 4096;
const MAX_HELD_LENGTH = 40;

interface Reading {
  readonly ms: number;
  /** `toISOString()`'s form, held once asked (null when the text does not read). */
  form?: string | null;
}

const read = new Map<string, Reading>();

function held(value: string): Reading {
  const known = read.get(value);
  if (known !== undefined) return known;
  return hold(value, { ms: readUtc(value) });
}

function hold(value: string, reading: Reading): Reading {
  if (read.size >= MAX_READ_TIMESTAMPS) read.clear();
  read.set(value, reading);
  return reading;
}

/**
 * Milliseconds of `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with a date and time that exist (the fraction
 * cut to milliseconds, as `Date.parse` cuts it), or NaN for anything else, including 24:00, 60
 * seconds and days a month does not have, which `Date.parse` reads or rolls over in its own ways.
 */
export function utcMillis(value: string): number {
  const length = value.length;
  if (length < 20 || length > MAX_HELD_LENGTH) return readUtc(value);
  return held(value).ms;
}

/**
 * What `new Date(utcMillis(value)).toISOString()` writes (`YYYY-MM-DDTHH:MM:SS.mmmZ`), without the
 * Date, for a timestamp `utcMillis` reads; null for one it does not.
 */
export function utcForm(value: string): string | null {
  const length = value.length;
  if (length < 20 || length > MAX_HELD_LENGTH) return Number.isNaN(readUtc(value)) ? null : formOf(value);
  const reading = held(value);
  if (reading.form !== undefined) return reading.form;
  if (Number.isNaN(reading.ms)) {
    reading.form = null;
    return null;
  }
  const form = formOf(value);
  reading.form = form;
  if (form !== value) {
    // Held under itself too, so that its own readings find it by identity.
    hold(form, { ms: reading.ms, form });
  }
  return form;
}

/** How many timestamps are held (for the bound's test). */
export function readTimestamps(): number {
  return read.size;
}

/** The UTC form of a value `readUtc` accepted: `YYYY-MM-DDTHH:MM:SS`, then `Z`, or a dot, digits and `Z`. */
function formOf(value: string): string {
  const length = value.length;
  if (length === 24) return value;
  if (length > 24) return `${value.slice(0, 23)}Z`;
  if (length === 20) return `${value.slice(0, 19)}.000Z`;
  return `${value.slice(0, length - 1)}${length === 22 ? '00' : '0'}Z`;
}

function readUtc(value: string): number {
  const length = value.length;
  if (length < 20 || value.charCodeAt(length - 1) !== 0x5a /* Z */) return Number.NaN;
  if (value.charCodeAt(4) !== DASH || value.charCodeAt(7) !== DASH || value.charCodeAt(10) !== 0x54 /* T */) {
    return Number.NaN;
  }
  if (value.charCodeAt(13) !== COLON || value.charCodeAt(16) !== COLON) return Number.NaN;
  const century = pairAt(value, 0);
  const yearOfCentury = pairAt(value, 2);
  const month = pairAt(value, 5);
  const day = pairAt(value, 8);
  const hour = pairAt(value, 11);
  const minute = pairAt(value, 14);
  const second = pairAt(value, 17);
  if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) {
    return Number.NaN;
  }
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  const year = century * 100 + yearOfCentury;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) return Number.NaN;
  let ms = 0;
  if (length > 20) {
    // A fraction: a dot and at least one digit, every one a digit; milliseconds from the first three.
    if (value.charCodeAt(19) !== 0x2e /* . */ || length === 21) return Number.NaN;
    for (let i = 20; i < length - 1; i++) {
      const digit = value.charCodeAt(i) - 0x30;
      if (digit >>> 0 > 9) return Number.NaN;
      if (i < 23) ms = ms * 10 + digit;
    }
    if (length < 24) ms *= length === 22 ? 100 : 10;
  }
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** `Date.parse(value)`, faster for the UTC form above. */
export function timestampMillis(value: string): number {
  const ms = utcMillis(value);
  return Number.isNaN(ms) ? Date.parse(value) : ms;
}
