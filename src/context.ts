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

export function createContext(deps: ContextDeps, requestId: string, signal?: AbortSignal): GatewayContext {
  return {
    requestId,
    registry: deps.registry,
    pubsub: deps.pubsub,
    logger: deps.logger.child({ requestId }),
    loaders: new Loaders(deps.registry, { requestId, ...(signal ? { signal } : {}) }, deps.loaderOptions),
  };
}
