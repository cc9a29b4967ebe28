export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Generated history uses whole seconds, like the tools it imitates. */
export function toSecond(t: number): number {
  return Math.round(t / SECOND) * SECOND;
}

export function ms(isoTime: string): number {
  return Date.parse(isoTime);
}

/**
 * The world's "now": starts at the configured anchor and then moves with the wall clock, so
 * records written by mutations always land after the generated history instead of at a
 * wall-clock time that may be years away from it. Strictly increasing, so two entries written
 * in the same millisecond still order. `startedAt` is the wall-clock moment the anchor stands
 * for: the clock's start by default; the anchor itself for a world anchored at the current
 * minute, whose clock then reads the wall clock instead of lagging it by the minute's seconds.
 */
export interface Clock {
  now(): number;
}

export function createClock(anchor: number, wall: () => number = () => Date.now(), startedAt = wall()): Clock {
  let last = Number.NEGATIVE_INFINITY;
  return {
    now() {
      const t = Math.max(anchor + (wall() - startedAt), last + 1);
      last = t;
      return t;
    },
  };
}
