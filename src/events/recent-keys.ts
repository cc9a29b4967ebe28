/**
 * Remembers event keys for a while, so the same event reported by two sources (a mutation and the
 * provider's own push, a webhook and a poll, a webhook PagerDuty retried) is published once. It
 * holds at most `maxKeys`: past that, the oldest key is forgotten before its time, so a burst of
 * distinct events costs a bounded amount of memory and at worst lets one old duplicate through.
 */
export class RecentKeys {
  /** Insertion order is expiry order, because every key lives for the same time. */
  private readonly expiries = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.expiries.size;
  }

  /** True the first time a key is seen within the window. */
  claim(key: string, now = Date.now()): boolean {
    for (const [k, expiry] of this.expiries) {
      if (expiry > now) break;
      this.expiries.delete(k);
    }
    if (this.expiries.has(key)) return false;
    if (this.expiries.size >= this.maxKeys) {
      const oldest = this.expiries.keys().next();
      if (!oldest.done) this.expiries.delete(oldest.value);
    }
    this.expiries.set(key, now + this.ttlMs);
    return true;
  }
}
