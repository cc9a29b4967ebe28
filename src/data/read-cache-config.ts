/**
 * The cross-request cache's settings from the environment. Seconds, like every TTL an operator
 * writes; 0 turns a TTL off.
 *
 * - `OPSORCH_CACHE_TTL_S` (60): services, teams, members and on-call, metric descriptors, plans.
 * - `OPSORCH_CACHE_STALE_S` (30): how long past that TTL a directory answer is still served while
 *   one refresh runs.
 * - `OPSORCH_CACHE_RECORD_TTL_S` (0, off): incidents, alerts, timelines, tickets, deployments and
 *   runs; never served past it.
 * - `OPSORCH_CACHE_MAX_ENTRIES` (10000): least recently used entries go first.
 * - `OPSORCH_CACHE_MAX_BYTES` (67108864, 64 MiB): the memory the answers held take, about; least
 *   recently used entries go first, and an answer larger than an eighth of it is not kept.
 * - `OPSORCH_CACHE_REFRESH_AHEAD` (64): directory loaders (per provider instance, operation and
 *   caller visibility) whose entries read within their TTL are refreshed shortly before it ends;
 *   0 turns refresh-ahead off.
 * - `OPSORCH_CACHE_FILL_WAIT_MS` (500): with instances sharing the cache, the longest a request
 *   that misses waits for another instance's read of the same entry; 0 reads at once.
 * - `OPSORCH_CACHE_PROVIDER_TTLS`: per provider instance, e.g.
 *   `{"pagerduty":{"directory":300,"records":5}}`.
 *
 * `OPSORCH_CACHE_SHARED` is read with the other switches (`src/providers/config.ts`).
 */
import { z } from 'zod';
import { FILL_WAIT_MS, READ_CACHE_MAX_BYTES, REFRESH_AHEAD_LOADERS, type ReadCacheOptions } from './read-cache.js';

type Env = Record<string, string | undefined>;

const seconds = z.number().int().min(0).max(86_400);
const perProvider = z.record(
  z.string(),
  z.object({ directory: seconds.optional(), records: seconds.optional() }).strict(),
);

export function readCacheFromEnv(env: Env, fail: (message: string) => Error): ReadCacheOptions {
  const whole = (variable: string, fallback: number, max: number, min = 0): number => {
    const raw = env[variable]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw fail(`${variable}=${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
    }
    return value;
  };
  const providers: Record<string, { directoryTtlMs?: number; recordTtlMs?: number }> = {};
  const raw = env.OPSORCH_CACHE_PROVIDER_TTLS?.trim();
  if (raw) {
    let parsed: z.infer<typeof perProvider>;
    try {
      parsed = perProvider.parse(JSON.parse(raw));
    } catch (err) {
      const why =
        err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'not JSON';
      throw fail(`OPSORCH_CACHE_PROVIDER_TTLS must be {"<instance>":{"directory":<s>,"records":<s>}} (${why})`);
    }
    for (const [name, ttls] of Object.entries(parsed)) {
      providers[name] = {
        ...(ttls.directory === undefined ? {} : { directoryTtlMs: ttls.directory * 1000 }),
        ...(ttls.records === undefined ? {} : { recordTtlMs: ttls.records * 1000 }),
      };
    }
  }
  return {
    maxEntries: Math.max(1, whole('OPSORCH_CACHE_MAX_ENTRIES', 10_000, 10_000_000)),
    // Below a MiB a directory's answers would hardly fit; above 64 GiB is no bound on this process.
    maxBytes: whole('OPSORCH_CACHE_MAX_BYTES', READ_CACHE_MAX_BYTES, 2 ** 36, 2 ** 20),
    refreshAhead: whole('OPSORCH_CACHE_REFRESH_AHEAD', REFRESH_AHEAD_LOADERS, 100_000),
    fillWaitMs: whole('OPSORCH_CACHE_FILL_WAIT_MS', FILL_WAIT_MS, 10_000),
    directory: {
      ttlMs: whole('OPSORCH_CACHE_TTL_S', 60, 86_400) * 1000,
      staleMs: whole('OPSORCH_CACHE_STALE_S', 30, 86_400) * 1000,
    },
    // A record is never served older than its TTL: no stale window.
    records: { ttlMs: whole('OPSORCH_CACHE_RECORD_TTL_S', 0, 86_400) * 1000, staleMs: 0 },
    providers,
  };
}
