/**
 * What every resolver receives: the request's own loaders (so caching never leaks between
 * requests), the registry, the pub/sub and a logger tagged with the request ID.
 */

import { type LoaderOptions, Loaders } from '../data/loaders.js';
import type { PubSub } from '../events/pubsub.js';
import type { Logger } from '../logger.js';
import type { AdapterRegistry } from '../providers/registry.js';

export interface GatewayContext {
  requestId: string;
  registry: AdapterRegistry;
  loaders: Loaders;
  pubsub: PubSub;
  logger: Logger;
}

export interface ContextDeps {
  registry: AdapterRegistry;
  pubsub: PubSub;
  logger: Logger;
  loaderOptions: LoaderOptions;
}

/**
 * The logger and loaders are made on first use: an idle subscription holds a context for as long
 * as it lives and may never touch either, and most requests never log at their own level. They are
 * getters on the prototype because Apollo Server copies a request's context with `Object.assign`,
 * which would call getters defined on the object itself.
 */
class LazyContext implements GatewayContext {
  readonly registry: AdapterRegistry;
  readonly pubsub: PubSub;
  private madeLogger: Logger | undefined;
  private madeLoaders: Loaders | undefined;

  constructor(
    private readonly deps: ContextDeps,
    readonly requestId: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.registry = deps.registry;
    this.pubsub = deps.pubsub;
  }

  get logger(): Logger {
    this.madeLogger ??= this.deps.logger.child({ requestId: this.requestId });
    return this.madeLogger;
  }

  get loaders(): Loaders {
    this.madeLoaders ??= new Loaders(
      this.deps.registry,
      { requestId: this.requestId, ...(this.signal ? { signal: this.signal } : {}) },
      this.deps.loaderOptions,
    );
    return this.madeLoaders;
  }
}

export function createContext(deps: ContextDeps, requestId: string, signal?: AbortSignal): GatewayContext {
  return new LazyContext(deps, requestId, signal);
}
