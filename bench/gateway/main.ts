/**
 * The gateway exactly as `src/main.ts` builds it (config from the environment, registry, server),
 * with one more adapter kind, `bench-mock`, that `src/main.ts` cannot offer without a plugin
 * process, whose pipe would distort the overhead figures.
 */
import { adapterFactories } from '../../adapters/index.js';
import { RedisPubSub } from '../../src/events/redis.js';
import { startGateway } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { loadConfig } from '../../src/providers/config.js';
import { buildRegistry } from '../../src/providers/registry.js';
import { createBenchAdapter } from './bench-adapter.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const registry = await buildRegistry(config, { ...adapterFactories, 'bench-mock': createBenchAdapter }, logger);
const pubsub = config.pubsubUrl ? await RedisPubSub.connect(config.pubsubUrl) : undefined;
const gateway = await startGateway({
  config,
  registry,
  logger,
  ...(pubsub ? { pubsub } : {}),
  batching: config.dataloader,
  singleFlight: config.singleFlight,
});
// The soak compares live memory, not the moment a collection happened to run: it sends SIGUSR2
// for a full collection before it reads the heap.
const { gc } = globalThis;
if (gc) process.on('SIGUSR2', () => gc());
process.once('SIGTERM', async () => {
  await gateway.stop();
  await registry.close();
  process.exit(0);
});
