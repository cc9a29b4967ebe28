/**
 * OpsOrch Core and the gateway over one shared set of OpsOrch's own plugin processes: both read the
 * same records, with the same timestamps, and each sees the other's writes. `rest` asks Core,
 * `gq` asks the gateway.
 */
import type { Capability } from '../../adapters/contract/index.js';
import { createPluginAdapter } from '../../adapters/plugin/index.js';
import { toGlobalId } from '../../src/graphql/ids.js';
import { loadConfig } from '../../src/providers/config.js';
import { buildRegistry } from '../../src/providers/registry.js';
import { startTestGateway, type TestGateway, type TestGatewayOptions, testLogger } from './gateway.js';
import { gqlData } from './graphql.js';
import { startCore } from './opsorch-core.js';
import { sharePlugins } from './shared-plugins.js';

export type Json = Record<string, unknown>;

export interface OpsOrchPair {
  gateway: TestGateway;
  coreUrl: string;
  /** Core's REST answer; GET without a body, POST with one. Fails on a non-2xx answer. */
  rest<T = Json[]>(path: string, body?: unknown): Promise<T>;
  gq<T>(query: string, variables?: Json): Promise<T>;
  /** The global ID the gateway gives a plugin record. */
  gid(type: Parameters<typeof toGlobalId>[0], capability: Capability, nativeId: string): string;
  stop(): Promise<void>;
}

export async function startOpsOrchPair(options: TestGatewayOptions = {}): Promise<OpsOrchPair> {
  const shared = await sharePlugins();
  const core = await startCore(shared.env);
  const registry = await buildRegistry(loadConfig(shared.env), { plugin: createPluginAdapter }, testLogger);
  const gateway = await startTestGateway(
    registry.instances.map((i) => ({ name: i.name, adapter: i.adapter, capabilities: i.capabilities })),
    options,
  );
  const provider = (capability: Capability): string => {
    const found = registry.instances.find((i) => i.capabilities.includes(capability));
    if (!found) throw new Error(`no provider for ${capability}`);
    return found.name;
  };
  return {
    gateway,
    coreUrl: core.base,
    async rest<T>(path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${core.base}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status >= 300) throw new Error(`Core ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    gq: <T>(query: string, variables?: Json) => gqlData<T>(gateway.url, query, variables),
    gid: (type, capability, nativeId) => toGlobalId(type, provider(capability), nativeId),
    async stop() {
      await gateway.stop();
      await core.stop();
      await shared.stop();
    },
  };
}
