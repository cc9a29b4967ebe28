/**
 * The read cache's second tier: entries the gateway instances sharing `OPSORCH_PUBSUB_URL` share,
 * so a directory one instance read (or refreshed) is not read again by every other instance. One
 * namespace per provider instance and capability, which is what a change drops.
 *
 * The shared store is a help, never a dependency: a lookup that fails or takes longer than
 * `timeoutMs` counts as a miss and the read goes to the provider; a store that fails is dropped.
 * Failures are logged once per outage, not once per read. An entry larger than `maxEntryBytes`
 * stays local.
 */
import type { Capability } from '../../adapters/contract/index.js';
import type { SharedStore, SharedValue } from '../events/shared-store.js';
import type { Logger } from '../logger.js';

export interface SharedEntry {
  value: unknown;
  storedAt: number;
  expiresAt?: number;
}

export interface SharedReadCacheOptions {
  timeoutMs: number;
  maxEntryBytes: number;
}

export const SHARED_READ_CACHE_DEFAULTS: SharedReadCacheOptions = { timeoutMs: 250, maxEntryBytes: 1 << 20 };

/** What a lookup found, and the generation the entries fetched instead are stored in. */
export interface SharedLookup {
  generation: string;
  entries: (SharedEntry | undefined)[];
}

export class SharedReadCache {
  private failing = false;

  constructor(
    private readonly store: SharedStore,
    private readonly logger: Logger,
    private readonly options: SharedReadCacheOptions = SHARED_READ_CACHE_DEFAULTS,
  ) {}

  /** The entries stored under `names`, or undefined when the store did not answer in time. */
  async lookup(provider: string, capability: Capability, names: readonly string[]): Promise<SharedLookup | undefined> {
    const found = await this.inTime(this.store.get(namespaceOf(provider, capability), names));
    return found && { generation: found.generation, entries: found.values.map(parse) };
  }

  /**
   * Claims the refresh of `names` in `generation` for `ttlMs`: true where this instance is to read
   * it, false where another instance claimed it first and will share what it reads. When the
   * store does not answer in time, every name is this instance's to read.
   */
  async claim(
    provider: string,
    capability: Capability,
    generation: string,
    names: readonly string[],
    ttlMs: number,
  ): Promise<boolean[]> {
    const claimed = await this.inTime(this.store.claim(namespaceOf(provider, capability), generation, names, ttlMs));
    return claimed ?? names.map(() => true);
  }

  /**
   * Shares `entries` in `generation`, each for `ttlMs`. Never rejects: a failure is logged, and
   * the others read from the provider.
   */
  share(
    provider: string,
    capability: Capability,
    generation: string,
    entries: readonly { name: string; entry: SharedEntry; ttlMs: number }[],
  ): Promise<void> {
    const values: SharedValue[] = [];
    for (const { name, entry, ttlMs } of entries) {
      const value = JSON.stringify(entry);
      if (ttlMs <= 0 || Buffer.byteLength(value) > this.options.maxEntryBytes) continue;
      values.push({ name, value, ttlMs: Math.ceil(ttlMs) });
    }
    return this.store.set(namespaceOf(provider, capability), generation, values).then(
      () => this.recovered(),
      (err: unknown) => this.failed(err),
    );
  }

  /** Drops what every instance shares of these capabilities of `provider`. */
  async forget(provider: string, capabilities: readonly Capability[]): Promise<void> {
    await this.store.clear(capabilities.map((capability) => namespaceOf(provider, capability)));
  }

  /** What `answer` resolves to, or undefined when it fails or takes longer than `timeoutMs`. */
  private async inTime<T>(answer: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.options.timeoutMs);
    });
    try {
      const found = await Promise.race([answer, late]);
      if (found === undefined) {
        this.failed(new Error(`no answer within ${this.options.timeoutMs} ms`));
        return undefined;
      }
      this.recovered();
      return found;
    } catch (err) {
      this.failed(err);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private failed(err: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn({ err }, 'the shared read cache is unavailable: reading from providers until it answers again');
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info('the shared read cache answers again');
  }
}

function namespaceOf(provider: string, capability: Capability): string {
  return `${provider}/${capability}`;
}

/** An entry as stored, or undefined for anything else (another version's, or damaged). */
function parse(raw: string | undefined): SharedEntry | undefined {
  if (raw === undefined) return undefined;
  try {
    const entry = JSON.parse(raw) as Partial<SharedEntry>;
    if (typeof entry.storedAt !== 'number' || !('value' in entry)) return undefined;
    return entry as SharedEntry;
  } catch {
    return undefined;
  }
}
