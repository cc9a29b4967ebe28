/**
 * Values the gateway instances sharing a pub/sub share (the read cache's second tier), each with
 * its own expiry, in namespaces that are emptied at once. Emptying moves a namespace on to a new
 * generation: what was stored in an earlier one is never read again and expires on its own, and a
 * value fetched before a change but stored after it lands in the generation the change ended.
 * Claims say which instance reads a value, so the others wait for its answer instead of reading it
 * too; the claimant announces when it is done, so they wait on a notice rather than poll.
 */
export interface SharedStore {
  /** The values under `names` in `namespace` (undefined where none), and the generation read. */
  get(namespace: string, names: readonly string[]): Promise<{ generation: string; values: (string | undefined)[] }>;
  /**
   * Stores in `generation` (the one `get` returned): nothing stored reaches a later generation.
   * Then ends the caller's claims on those of `settled` (what it read) it did not store, and
   * announces all of them to every instance (`onSettled`), after the values, so a waiter told finds
   * what was stored, and reads at once what was not.
   */
  set(
    namespace: string,
    generation: string,
    entries: readonly SharedValue[],
    settled?: readonly string[],
  ): Promise<void>;
  /**
   * Claims `names` in `generation` for `ttlMs` each, for the caller alone: true where it now holds
   * the claim, false where another caller's has not run out yet.
   */
  claim(namespace: string, generation: string, names: readonly string[], ttlMs: number): Promise<boolean[]>;
  /** Calls `listener` with the names any instance (this one too) settled in `namespace`; returns its removal. */
  onSettled(listener: (namespace: string, names: readonly string[]) => void): () => void;
  /** Ends the current generation of each namespace. */
  clear(namespaces: readonly string[]): Promise<void>;
}

export interface SharedValue {
  name: string;
  value: string;
  ttlMs: number;
}
