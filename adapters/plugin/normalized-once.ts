/**
 * A normalizer that keeps what it made of a held value (`held-answers.ts`): a record read again is
 * the same frozen object, so it is normalized once, not on every refresh of the list that shows it
 * (normalizing an incident cost about as much as parsing it). What it keeps is frozen as the value
 * is, shared by every request that reads it, and goes when the value does (a `WeakMap` keyed by
 * it). A value that is not frozen (read for the first time, or by a host without held answers) is
 * normalized on every call.
 */
import { deepFreeze } from '../contract/index.js';

export function normalizedOnce<R>(normalize: (raw: unknown) => R): (raw: unknown) => R {
  const made = new WeakMap<object, R>();
  return (raw) => {
    if (typeof raw !== 'object' || raw === null || !Object.isFrozen(raw)) return normalize(raw);
    let record = made.get(raw);
    if (record === undefined) {
      record = deepFreeze(normalize(raw));
      made.set(raw, record);
    }
    return record;
  };
}
