/**
 * Decisions about one published event that every subscriber asking the same question shares: the
 * first asker's reads answer for all of them, so 10,000 subscribers of one filter cost one
 * decision per event instead of 10,000. What a decision may depend on is its key (the question and
 * what the asker may see), so a decision made for one caller never reaches another with fewer
 * rights. Decisions go when their event is no longer referenced.
 */
export class EventVerdicts {
  private readonly byEvent = new WeakMap<object, Map<string, Promise<boolean>>>();

  /** `decide()`'s answer about `event` for `key`, made once per event and key. */
  of(event: object, key: string, decide: () => Promise<boolean>): Promise<boolean> {
    let byKey = this.byEvent.get(event);
    if (!byKey) {
      byKey = new Map();
      this.byEvent.set(event, byKey);
    }
    let verdict = byKey.get(key);
    if (!verdict) {
      verdict = decide();
      byKey.set(key, verdict);
    }
    return verdict;
  }
}
