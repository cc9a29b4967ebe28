/**
 * How long the provider has lately taken to answer each loader's reads, from the adapter called to
 * its answer (`ProviderCalls`): an exponentially weighted mean per loader (one per capability,
 * operation and provider instance, so the map holds at most what the registry serves). Not from
 * the batch leaving its loader: that also held the gateway's own work before the call (the cache,
 * the middleware, a queue for the provider) and whatever else had the event loop meanwhile, so on
 * a busy gateway fast reads measured slow. Reads sent together leave slowest first by it: a
 * request waits for its slowest read, and every write to a local plugin's pipe can run that plugin
 * before the next write leaves, so the slow read should not be the one waiting behind the others.
 * The read cache bounds a cold fill's wait on another instance by it too.
 */
const WEIGHT = 0.2;

export class ReadLatencies {
  private readonly means = new Map<string, number>();

  record(loader: string, ms: number): void {
    const mean = this.means.get(loader);
    this.means.set(loader, mean === undefined ? ms : mean + (ms - mean) * WEIGHT);
  }

  /** Milliseconds; 0 for a loader not yet measured. */
  expected(loader: string): number {
    return this.means.get(loader) ?? 0;
  }
}
