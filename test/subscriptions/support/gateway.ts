/**
 * The real gateway on a free loopback port with the live-timeline settings a test chooses
 * (polling interval, webhook secrets, keep-alive, a shared pub/sub).
 */
import type { Adapter, Capability } from '../../../adapters/contract/index.js';
import { CAPABILITIES } from '../../../adapters/contract/index.js';
import type { PubSub } from '../../../src/events/pubsub.js';
import { type LiveStats, startGateway } from '../../../src/http/server.js';
import type { GatewayConfig } from '../../../src/providers/config.js';
import { AdapterRegistry } from '../../../src/providers/registry.js';
import { type TestGateway, testLogger } from '../../helpers/gateway.js';

export interface LiveOptions {
  pubsub?: PubSub;
  pollIntervalMs?: number;
  wsKeepAliveMs?: number;
  webhooks?: GatewayConfig['webhooks'];
}

export async function startLiveGateway(
  providers: { name: string; adapter: Adapter; capabilities?: Capability[] }[],
  options: LiveOptions = {},
): Promise<TestGateway> {
  const registry = new AdapterRegistry(
    providers.map((p) => ({
      name: p.name,
      kind: p.adapter.kind,
      adapter: p.adapter,
      capabilities: p.capabilities ?? CAPABILITIES.filter((c) => p.adapter.capabilities[c]),
    })),
  );
  const gateway = await startGateway({
    config: {
      host: '127.0.0.1',
      port: 0,
      playground: false,
      maxDepth: 12,
      shutdownGraceMs: 5000,
      pollIntervalMs: options.pollIntervalMs ?? 0,
      wsKeepAliveMs: options.wsKeepAliveMs ?? 12_000,
      webhooks: options.webhooks ?? { pagerdutySecrets: [] },
    },
    registry,
    logger: testLogger,
    ...(options.pubsub ? { pubsub: options.pubsub } : {}),
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

/** The live counts as `/readyz` reports them over HTTP. */
export async function readyLive(gateway: { url: string }): Promise<LiveStats> {
  const response = await fetch(gateway.url.replace(/\/graphql$/, '/readyz'));
  const body = (await response.json()) as { live: LiveStats };
  return body.live;
}
