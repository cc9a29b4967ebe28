/** Vault's KV version 2 engine: `GET|POST /v1/<mount>/data/<path>`, versions and check-and-set. */
import { AdapterError } from '../contract/index.js';
import type { VaultSession } from './session.js';

export interface KvSecret {
  data: Record<string, unknown>;
  version: number;
  /** Seconds until Vault wants the value read again; 0 for plain KV values. */
  leaseSeconds: number;
}

interface KvAnswer {
  lease_duration?: number;
  data?: { data?: unknown; metadata?: { version?: number } | null } | null;
}

export class KvStore {
  constructor(
    private readonly session: VaultSession,
    private readonly mount: string,
  ) {}

  private url(path: string): string {
    return `/v1/${this.mount}/data/${path.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** The secret's latest version, or null when there is none (never written, or deleted). */
  async read(path: string, signal?: AbortSignal): Promise<KvSecret | null> {
    let answer: KvAnswer;
    try {
      answer = await this.session.request<KvAnswer>('GET', this.url(path), signal ? { signal } : {});
    } catch (err) {
      if (err instanceof AdapterError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
    const data = answer?.data?.data;
    if (data === null) return null;
    if (typeof data !== 'object' || data === undefined || Array.isArray(data)) {
      throw new AdapterError('PROVIDER_ERROR', `Vault answered ${this.mount}/data/${path} without a KV v2 secret`);
    }
    return {
      data: data as Record<string, unknown>,
      version: answer.data?.metadata?.version ?? 0,
      leaseSeconds: answer.lease_duration ?? 0,
    };
  }

  /** Writes a new version only if the current one is still `cas` (0: only if none exists). */
  async write(path: string, data: Record<string, unknown>, cas: number, signal?: AbortSignal): Promise<void> {
    await this.session.request('POST', this.url(path), {
      body: { options: { cas }, data },
      ...(signal ? { signal } : {}),
    });
  }
}
