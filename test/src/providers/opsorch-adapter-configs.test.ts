/**
 * Config compatibility with OpsOrch's own adapters: the configs their READMEs and sources document
 * (`OPSORCH_LOG_PROVIDER=elastic` with `addresses` / `username` / `password` / `indexPattern`;
 * `OPSORCH_<CAP>_PROVIDER=datadog` with `apiKey` / `appKey` / `site` / `source`) start the matching
 * provider here unchanged, through the same environment variables and registry `npm start` uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterFactories } from '../../../adapters/index.js';
import { loadConfig } from '../../../src/providers/config.js';
import { type AdapterRegistry, buildRegistry } from '../../../src/providers/registry.js';
import { seedLogs, WINDOW } from '../../fakes/elasticsearch/seed.js';
import { type ElasticFake, startElasticFake } from '../../fakes/elasticsearch/server.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';

let elastic: ElasticFake;
const registries: AdapterRegistry[] = [];
const gateways: TestGateway[] = [];

beforeAll(async () => {
  elastic = await startElasticFake({ accepted: [`Basic ${Buffer.from('elastic:changeme').toString('base64')}`] });
  seedLogs(elastic);
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
  for (const r of registries) await r.close();
  await elastic.stop();
});

async function registryFor(env: Record<string, string>): Promise<AdapterRegistry> {
  const registry = await buildRegistry(loadConfig(env), adapterFactories, testLogger, env);
  registries.push(registry);
  return registry;
}

describe("OpsOrch's documented adapter configs", () => {
  it('OPSORCH_LOG_PROVIDER=elastic with the elastic adapter README config searches logs', async () => {
    const env = {
      OPSORCH_LOG_PROVIDER: 'elastic',
      OPSORCH_LOG_CONFIG: JSON.stringify({
        addresses: [elastic.url],
        username: 'elastic',
        password: 'changeme',
        indexPattern: 'logs-*',
      }),
    };
    const registry = await registryFor(env);
    expect(registry.instances.map((i) => [i.kind, i.capabilities])).toEqual([['elasticsearch', ['log']]]);
    const gateway = await startTestGateway(
      registry.instances.map((i) => ({ name: i.name, adapter: i.adapter, capabilities: [...i.capabilities] })),
    );
    gateways.push(gateway);
    const data = await gqlData<{ logs: { entries: { message: string }[] } }>(
      gateway.url,
      'query($q: LogQueryInput!) { logs(query: $q) { entries { message } } }',
      { q: { ...WINDOW, limit: 2, query: 'ledger' } },
    );
    expect(data.logs.entries.map((e) => e.message)).toEqual(['ledger balanced', 'ledger write failed: disk full']);
  });

  it('OPSORCH_<CAP>_PROVIDER=datadog with the datadog adapter README config serves every capability it names', async () => {
    const config = JSON.stringify({
      apiKey: 'dd-api-key',
      appKey: 'dd-app-key',
      site: 'datadoghq.com',
      source: 'datadog',
    });
    const env: Record<string, string> = {};
    for (const cap of ['METRIC', 'LOG', 'ALERT', 'INCIDENT']) {
      env[`OPSORCH_${cap}_PROVIDER`] = 'datadog';
      env[`OPSORCH_${cap}_CONFIG`] = config;
    }
    const registry = await registryFor(env);
    // One config shared by the four capabilities is one provider instance, as in OpsOrch Core.
    expect(registry.instances.map((i) => [i.kind, [...i.capabilities].sort()])).toEqual([
      ['datadog', ['alert', 'incident', 'log', 'metric']],
    ]);
  });
});
