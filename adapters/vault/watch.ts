/**
 * Rotation: the secrets read so far are read again every `refreshIntervalMs` (sooner when Vault
 * leased one for less), and the keys whose values changed are announced. Only a digest of each
 * value is kept, never the value, and at most `maxWatchedSecrets` keys are watched.
 */
import { createHash } from 'node:crypto';
import type { AdapterLogger } from '../contract/index.js';
import type { SecretKey } from './keys.js';
import { pick } from './keys.js';
import type { KvStore } from './kv.js';

interface Watched {
  parsed: SecretKey;
  digest: string;
}

export class SecretWatcher {
  private readonly watched = new Map<string, Watched>();
  private readonly listeners = new Set<(keys: readonly string[]) => void>();
  private timer: NodeJS.Timeout | undefined;
  private leaseMs = Number.POSITIVE_INFINITY;
  private warnedFull = false;
  private closed = false;

  constructor(
    private readonly kv: KvStore,
    private readonly intervalMs: number,
    private readonly max: number,
    private readonly logger: AdapterLogger,
  ) {}

  get size(): number {
    return this.watched.size;
  }

  /** Records what a key answered; the first read of a key starts watching it. */
  remember(key: string, parsed: SecretKey, value: string, leaseSeconds: number): void {
    if (this.intervalMs === 0 || this.closed) return;
    if (!this.watched.has(key) && this.watched.size >= this.max) {
      if (!this.warnedFull) {
        this.warnedFull = true;
        this.logger.warn({ max: this.max }, 'Vault: too many secrets to watch; later ones are not refreshed');
      }
      return;
    }
    this.watched.set(key, { parsed, digest: digest(value) });
    if (leaseSeconds > 0) this.leaseMs = Math.min(this.leaseMs, leaseSeconds * 1000);
    if (!this.timer) this.schedule();
  }

  onChange(listener: (keys: readonly string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.refresh(), Math.max(100, Math.min(this.intervalMs, this.leaseMs)));
    this.timer.unref();
  }

  /** One read per path, however many fields of it are watched. */
  async refresh(): Promise<void> {
    this.leaseMs = Number.POSITIVE_INFINITY;
    const byPath = new Map<string, [string, Watched][]>();
    for (const entry of this.watched) {
      const list = byPath.get(entry[1].parsed.path) ?? [];
      list.push(entry);
      byPath.set(entry[1].parsed.path, list);
    }
    const changed: string[] = [];
    for (const [path, entries] of byPath) {
      try {
        const secret = await this.kv.read(path);
        if (secret && secret.leaseSeconds > 0) this.leaseMs = Math.min(this.leaseMs, secret.leaseSeconds * 1000);
        for (const [key, watched] of entries) {
          let now: string;
          try {
            now = secret ? digest(pick(key, watched.parsed, secret.data)) : '';
          } catch {
            now = '';
          }
          // A secret deleted since is left as it was: providers keep the value they have.
          if (now && now !== watched.digest) {
            watched.digest = now;
            changed.push(key);
          }
        }
      } catch (err) {
        this.logger.warn({ path, err: (err as Error).message }, 'Vault: could not re-read a watched secret');
      }
    }
    if (changed.length) {
      this.logger.info({ keys: changed }, 'Vault: secrets changed');
      for (const listener of this.listeners) listener(changed);
    }
    this.schedule();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.listeners.clear();
  }
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
