/**
 * Keeps the read caches of gateway instances that share a pub/sub in step: a change one instance
 * learns of (a write through it, a webhook it received, a poll it ran) drops the cached reads it
 * touched on every instance, so the next refresh shows it whichever instance answers. Without
 * peers (one instance, in-memory pub/sub) only the local cache is concerned.
 */
import { CAPABILITIES, type Capability } from '../../adapters/contract/index.js';
import type { PeerChannel } from '../events/pubsub.js';
import type { Logger } from '../logger.js';
import type { ReadCache } from './read-cache.js';

interface Forget {
  type: 'cache.forget';
  provider: string;
  capability?: Capability;
}

export class CacheInvalidation {
  private readonly stopListening: () => void;

  constructor(
    private readonly cache: ReadCache,
    private readonly peers: PeerChannel | undefined,
    private readonly logger: Logger,
  ) {
    this.stopListening =
      peers?.onMessage((message) => {
        const forget = asForget(message);
        if (forget) cache.forgetProvider(forget.provider, forget.capability);
      }) ?? (() => undefined);
  }

  /** Drops what a change of `provider` (of one of its capabilities, if known) made stale, everywhere. */
  forget(provider: string, capability?: Capability): void {
    this.cache.forgetProvider(provider, capability);
    const { peers } = this;
    if (!peers) return;
    const message: Forget = { type: 'cache.forget', provider, ...(capability ? { capability } : {}) };
    // The shared entries go first: a peer that drops its own when told and reads again must not
    // find the old ones shared. The change itself has happened: failing at either only leaves
    // the others' entries to expire with their TTL.
    this.cache
      .forgetShared(provider, capability)
      .catch((err: unknown) => {
        this.logger.warn({ err, provider }, 'could not drop the cached reads the gateway instances share');
      })
      .then(() => peers.send(message))
      .catch((err: unknown) => {
        this.logger.warn({ err, provider }, 'could not tell the other gateway instances to drop cached reads');
      });
  }

  stop(): void {
    this.stopListening();
  }
}

function asForget(message: unknown): Forget | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, provider, capability } = message as Record<string, unknown>;
  if (type !== 'cache.forget' || typeof provider !== 'string') return null;
  if (capability === undefined) return { type, provider };
  return CAPABILITIES.includes(capability as Capability)
    ? { type, provider, capability: capability as Capability }
    : null;
}
