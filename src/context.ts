/**
 * What every resolver receives: the request's own loaders (so caching never leaks between
 * requests), the registry, the pub/sub and a logger tagged with the request ID.
 */

import { type LoaderOptions, Loaders } from './loaders.js';
import type { Logger } from './logger.js';
import type { PubSub } from './pubsub.js';
import type { AdapterRegistry } from './registry.js';

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
 * as it lives and may never touch either, and most requests never log at their own level.
 */
export function createContext(deps: ContextDeps, requestId: string, signal?: AbortSignal): GatewayContext {
  let logger: Logger | undefined;
  let loaders: Loaders | undefined;
  return {
    requestId,
    registry: deps.registry,
    pubsub: deps.pubsub,
    get logger() {
      logger ??= deps.logger.child({ requestId });
      return logger;
    },
    get loaders() {
      loaders ??= new Loaders(deps.registry, { requestId, ...(signal ? { signal } : {}) }, deps.loaderOptions);
      return loaders;
    },
  };
}
