import { z } from 'zod';

const positiveInt = (key: string) =>
  z.int({ error: `"${key}" must be a positive integer` }).positive({ error: `"${key}" must be a positive integer` });

const schema = z.strictObject({
  seed: z.int({ error: '"seed" must be an integer' }).default(42),
  now: z.iso
    .datetime({ offset: true, error: '"now" must be an ISO 8601 date-time, e.g. 2026-11-21T10:00:00Z' })
    .optional(),
  live: z.boolean({ error: '"live" must be a boolean' }).default(false),
  liveIntervalMs: positiveInt('liveIntervalMs').default(5000),
  latencyMs: z
    .number({ error: '"latencyMs" must be a non-negative number' })
    .nonnegative({ error: '"latencyMs" must be a non-negative number' })
    .default(0),
  secrets: z.record(z.string(), z.string(), { error: '"secrets" must be an object of string values' }).default({}),
});

export interface MockConfig {
  seed: number;
  /** ms since the epoch. */
  now: number;
  /** No `now` configured: the world is anchored at the current minute and its clock is the wall clock. */
  followsWallClock: boolean;
  live: boolean;
  liveIntervalMs: number;
  latencyMs: number;
  secrets: Record<string, string>;
}

/** Validates the adapter config, throwing an Error whose message names the offending key. */
export function parseConfig(config: Record<string, unknown>, wallClock: () => number = Date.now): MockConfig {
  const result = schema.safeParse(config ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      throw new Error(
        `mock config: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
      );
    }
    if (issue.path.length === 0) throw new Error('mock config: must be an object');
    const key = String(issue.path[0]);
    const message = issue.message.includes(`"${key}"`) ? issue.message : `"${issue.path.join('.')}" ${issue.message}`;
    throw new Error(`mock config: ${message}`);
  }
  const { now, ...rest } = result.data;
  // Default to the current minute, so two adapters built a few seconds apart share one world.
  if (now !== undefined) return { ...rest, now: Date.parse(now), followsWallClock: false };
  return { ...rest, now: Math.floor(wallClock() / 60_000) * 60_000, followsWallClock: true };
}
