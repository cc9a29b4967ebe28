/**
 * Remembers event keys for a while, so the same event reported by two sources (a mutation and the
 * provider's own push, a webhook and a poll, a webhook PagerDuty retried) is published once.
 */
export class RecentKeys {
  /** Insertion order is expiry order, because every key lives for the same time. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  /** True the first time a key is seen within the window. */
  claim(key: string, now = Date.now()): boolean {
    for (const [k, expiry] of this.expiries) {
      if (expiry > now) break;
      this.expiries.delete(k);
    }
    if (this.expiries.has(key)) return false;
    this.expiries.set(key, now + this.ttlMs);
    return true;
  }
}
