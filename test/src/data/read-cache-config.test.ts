import { describe, expect, it } from 'vitest';
import { readCacheFromEnv } from '../../../src/data/read-cache-config.js';

const fail = (message: string) => new Error(message);

describe('readCacheFromEnv', () => {
  it('caches directory data for a minute by default, records not at all', () => {
    expect(readCacheFromEnv({}, fail)).toEqual({
      maxEntries: 10_000,
      maxBytes: 64 * 1024 * 1024,
      refreshAhead: 64,
      fillWaitMs: 500,
      directory: { ttlMs: 60_000, staleMs: 30_000 },
      records: { ttlMs: 0, staleMs: 0 },
      providers: {},
    });
  });

  it('reads TTLs in seconds, per provider instance too, and never gives records a stale window', () => {
    const options = readCacheFromEnv(
      {
        OPSORCH_CACHE_TTL_S: '300',
        OPSORCH_CACHE_STALE_S: '0',
        OPSORCH_CACHE_RECORD_TTL_S: '10',
        OPSORCH_CACHE_MAX_ENTRIES: '500',
        OPSORCH_CACHE_MAX_BYTES: '8388608',
        OPSORCH_CACHE_REFRESH_AHEAD: '0',
        OPSORCH_CACHE_FILL_WAIT_MS: '0',
        OPSORCH_CACHE_PROVIDER_TTLS: '{"pagerduty":{"directory":900,"records":5},"jira":{"records":0}}',
      },
      fail,
    );
    expect(options).toEqual({
      maxEntries: 500,
      maxBytes: 8_388_608,
      refreshAhead: 0,
      fillWaitMs: 0,
      directory: { ttlMs: 300_000, staleMs: 0 },
      records: { ttlMs: 10_000, staleMs: 0 },
      providers: { pagerduty: { directoryTtlMs: 900_000, recordTtlMs: 5_000 }, jira: { recordTtlMs: 0 } },
    });
  });

  it.each([
    [{ OPSORCH_CACHE_TTL_S: '1m' }, /OPSORCH_CACHE_TTL_S="1m" must be a whole number/],
    [{ OPSORCH_CACHE_RECORD_TTL_S: '-1' }, /OPSORCH_CACHE_RECORD_TTL_S/],
    [{ OPSORCH_CACHE_MAX_ENTRIES: '1.5' }, /OPSORCH_CACHE_MAX_ENTRIES/],
    [{ OPSORCH_CACHE_MAX_BYTES: '64MiB' }, /OPSORCH_CACHE_MAX_BYTES="64MiB" must be a whole number/],
    [{ OPSORCH_CACHE_MAX_BYTES: '1000' }, /OPSORCH_CACHE_MAX_BYTES="1000" must be a whole number from 1048576 to /],
    [{ OPSORCH_CACHE_REFRESH_AHEAD: 'yes' }, /OPSORCH_CACHE_REFRESH_AHEAD/],
    [
      { OPSORCH_CACHE_FILL_WAIT_MS: '20000' },
      /OPSORCH_CACHE_FILL_WAIT_MS="20000" must be a whole number from 0 to 10000/,
    ],
    [{ OPSORCH_CACHE_PROVIDER_TTLS: 'pagerduty=5' }, /OPSORCH_CACHE_PROVIDER_TTLS .*not JSON/],
    [{ OPSORCH_CACHE_PROVIDER_TTLS: '{"pd":{"record":5}}' }, /OPSORCH_CACHE_PROVIDER_TTLS .*pd/],
  ])('refuses %o with a clear message', (env, message) => {
    expect(() => readCacheFromEnv(env, fail)).toThrow(message);
  });
});
