/**
 * Named, expiring leases: which gateway instance does a job that must run once across all of them
 * (polling one incident's timeline). A holder renews while it works; when it dies, the lease runs
 * out and another instance takes over.
 */
import type { Redis } from 'ioredis';

export interface Leases {
  /** Takes the lease or renews it for `ttlMs`; false while another instance holds it. */
  hold(name: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once, if this instance holds it. */
  release(name: string): Promise<void>;
}

/** One process is the only instance there is. */
export const localLeases: Leases = {
  hold: async () => true,
  release: async () => undefined,
};

const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export class RedisLeases implements Leases {
  constructor(
    private readonly redis: Redis,
    /** Unique per gateway process, so one instance never renews another's lease. */
    private readonly owner: string,
    private readonly prefix: string,
  ) {}

  async hold(name: string, ttlMs: number): Promise<boolean> {
    const held = await this.redis.eval(HOLD, 1, `${this.prefix}${name}`, this.owner, String(Math.ceil(ttlMs)));
    return held === 1;
  }

  async release(name: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, `${this.prefix}${name}`, this.owner);
  }
}
