/**
 * How long each loader's reads have lately taken, from batch sent to answered: an exponentially
 * weighted mean per loader (one per capability, operation and provider instance, so the map holds
 * at most what the registry serves). Reads sent together leave slowest first by it: a request
 * waits for its slowest read, and every write to a local plugin's pipe can run that plugin before
 * the next write leaves, so the slow read should not be the one waiting behind the others.
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
