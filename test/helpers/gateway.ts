/**
 * Starts the real gateway (Express, Apollo, graphql-ws) on a free loopback port around adapters a
 * test chooses, and stops it afterwards.
 */
import type { Adapter, Capability } from '../../adapters/contract/index.js';
import { CAPABILITIES } from '../../adapters/contract/index.js';
import { createMockAdapter } from '../../adapters/mock/index.js';
import type { PubSub } from '../../src/events/pubsub.js';
import { type Gateway, startGateway } from '../../src/http/server.js';
import { createLogger } from '../../src/logger.js';
import { AdapterRegistry, type ProviderInstance } from '../../src/providers/registry.js';

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export interface TestProvider {
  name: string;
  adapter: Adapter;
  capabilities?: Capability[];
}

export interface TestGateway extends Gateway {
  registry: AdapterRegistry;
}

export async function startTestGateway(
  providers: TestProvider[],
  options: {
    pubsub?: PubSub;
    batching?: boolean;
    maxDepth?: number;
    serviceAliases?: Record<string, Record<string, string[]>>;
  } = {},
): Promise<TestGateway> {
  const instances: ProviderInstance[] = providers.map((p) => ({
    name: p.name,
    kind: p.adapter.kind,
    adapter: p.adapter,
    capabilities: p.capabilities ?? CAPABILITIES.filter((c) => p.adapter.capabilities[c]),
  }));
  const registry = new AdapterRegistry(instances, options.serviceAliases);
  const gateway = await startGateway({
    config: { host: '127.0.0.1', port: 0, playground: true, maxDepth: options.maxDepth ?? 12, shutdownGraceMs: 5000 },
    registry,
    logger: testLogger,
    ...(options.pubsub ? { pubsub: options.pubsub } : {}),
    ...(options.batching === undefined ? {} : { batching: options.batching }),
  });
  return {
    ...gateway,
    registry,
    async stop() {
      await gateway.stop();
      await registry.close();
    },
  };
}

/** The seeded mock world, anchored at a fixed instant so expectations are stable. */
export const MOCK_NOW = '2026-11-20T12:00:00.000Z';

export async function mockAdapter(config: Record<string, unknown> = {}): Promise<Adapter> {
  return createMockAdapter({ now: MOCK_NOW, ...config }, { name: 'mock', logger: testLogger });
}
