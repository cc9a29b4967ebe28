/**
 * The one way suites start the real gateway (Express, Apollo, graphql-ws) on a free loopback port,
 * around adapters a test chooses and with the settings it needs; `stop()` also closes the adapters.
 */
import type { Adapter, Capability } from '../../adapters/contract/index.js';
import { CAPABILITIES } from '../../adapters/contract/index.js';
import { createMockAdapter } from '../../adapters/mock/index.js';
import type { CallMiddleware } from '../../src/data/calls.js';
import { readCacheFromEnv } from '../../src/data/read-cache-config.js';
import type { PubSub } from '../../src/events/pubsub.js';
import { type Gateway, type LiveStats, type SecurityOptions, startGateway } from '../../src/http/server.js';
import type { Limits } from '../../src/limits.js';
import { createLogger } from '../../src/logger.js';
import type { GatewayConfig } from '../../src/providers/config.js';
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

export interface TestGatewayOptions {
  pubsub?: PubSub;
  batching?: boolean;
  singleFlight?: boolean;
  limits?: Partial<Limits>;
  serviceAliases?: Record<string, Record<string, string[]>>;
  /** Timeline polling interval; polling is off unless a test asks for it. */
  pollIntervalMs?: number;
  wsKeepAliveMs?: number;
  sseStallMs?: number;
  providerCallMiddleware?: CallMiddleware[];
  /** Serve the schema as a federation subgraph. */
  federation?: boolean;
  security?: SecurityOptions;
  logger?: typeof testLogger;
  /**
   * The cross-request read cache: as a deployment has it by default (directories cached) unless a
   * test sets it; `CACHE_OFF` for a test of what lies beneath it (provider calls per request).
   */
  cache?: GatewayConfig['cache'];
  /** How long `stop()` lets in-flight requests run (5 s unless a test asks otherwise). */
  shutdownGraceMs?: number;
}

/** The read cache of a deployment that sets no `OPSORCH_CACHE_*`. */
const DEPLOYED_CACHE = readCacheFromEnv({}, (message) => new Error(message));

export async function startTestGateway(
  providers: TestProvider[],
  options: TestGatewayOptions = {},
): Promise<TestGateway> {
  const instances: ProviderInstance[] = providers.map((p) => ({
    name: p.name,
    kind: p.adapter.kind,
    adapter: p.adapter,
    capabilities: p.capabilities ?? CAPABILITIES.filter((c) => p.adapter.capabilities[c]),
  }));
  const registry = new AdapterRegistry(instances, options.serviceAliases);
  const gateway = await startGateway({
    config: {
      host: '127.0.0.1',
      port: 0,
      playground: true,
      shutdownGraceMs: options.shutdownGraceMs ?? 5000,
      pollIntervalMs: options.pollIntervalMs ?? 0,
      wsKeepAliveMs: options.wsKeepAliveMs ?? 12_000,
      ...(options.sseStallMs === undefined ? {} : { sseStallMs: options.sseStallMs }),
      ...(options.limits ? { limits: options.limits } : {}),
      federation: options.federation ?? false,
      cache: options.cache ?? DEPLOYED_CACHE,
    },
    registry,
    logger: options.logger ?? testLogger,
    ...(options.pubsub ? { pubsub: options.pubsub } : {}),
    ...(options.security ? { security: options.security } : {}),
    ...(options.batching === undefined ? {} : { batching: options.batching }),
    ...(options.singleFlight === undefined ? {} : { singleFlight: options.singleFlight }),
    ...(options.providerCallMiddleware ? { providerCallMiddleware: options.providerCallMiddleware } : {}),
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

/** The live counts as `/readyz` reports them over HTTP (with `headers`' credentials, if auth is on). */
export async function readyLive(gateway: { url: string }, headers: Record<string, string> = {}): Promise<LiveStats> {
  const response = await fetch(gateway.url.replace(/\/graphql$/, '/readyz'), { headers });
  const body = (await response.json()) as { live: LiveStats };
  return body.live;
}

/** The seeded mock world, anchored at a fixed instant so expectations are stable. */
export const MOCK_NOW = '2026-11-20T12:00:00.000Z';

export async function mockAdapter(config: Record<string, unknown> = {}): Promise<Adapter> {
  return createMockAdapter({ now: MOCK_NOW, ...config }, { name: 'mock', logger: testLogger });
}
