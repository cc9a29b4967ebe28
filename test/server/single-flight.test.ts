import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../adapters/contract/index.js';
import { startGateway } from '../../src/http/server.js';
import { AdapterRegistry } from '../../src/providers/registry.js';
import { type CallLog, countingAdapter } from '../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway, testLogger } from '../helpers/gateway.js';
import { gqlData } from '../helpers/graphql.js';

/** Long enough that two requests sent together certainly overlap at the provider. */
const LATENCY_MS = 150;

const PAGE = `query Page($id: ID!) {
  incident(id: $id) { title timeline(first: 5) { totalCount } service { name team { name } } }
}`;

async function firstIncidentId(url: string): Promise<string> {
  const data = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
    url,
    '{ incidents(first: 1) { edges { node { id } } } }',
  );
  return data.incidents.edges[0]?.node.id as string;
}

describe('single-flight of provider reads across requests', () => {
  let gateway: TestGateway;
  let log: CallLog;

  beforeAll(async () => {
    const counted = countingAdapter(await mockAdapter({ latencyMs: LATENCY_MS }));
    log = counted.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }]);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('makes one provider call for two identical requests in flight together', async () => {
    const id = await firstIncidentId(gateway.url);
    log.reset();
    const [a, b] = await Promise.all([gqlData(gateway.url, PAGE, { id }), gqlData(gateway.url, PAGE, { id })]);
    expect(a).toEqual(b);
    expect(log.count('incident', 'getMany')).toBe(1);
    expect(log.count('incident', 'timelines')).toBe(1);
    expect(log.count('service', 'query')).toBe(1);
    expect(log.count('team', 'query')).toBe(1);
  });

  it('calls the provider again once the first call has settled', async () => {
    const id = await firstIncidentId(gateway.url);
    log.reset();
    await gqlData(gateway.url, PAGE, { id });
    await gqlData(gateway.url, PAGE, { id });
    expect(log.count('incident', 'getMany')).toBe(2);
  });

  it('is off with singleFlight: false, so each request makes its own calls', async () => {
    const counted = countingAdapter(await mockAdapter({ latencyMs: LATENCY_MS }));
    const registry = new AdapterRegistry([
      { name: 'mock', kind: 'mock', adapter: counted.adapter, capabilities: [...CAPABILITIES] },
    ]);
    const plain = await startGateway({
      config: { host: '127.0.0.1', port: 0, playground: false, shutdownGraceMs: 1000 },
      registry,
      logger: testLogger,
      singleFlight: false,
    });
    try {
      const id = await firstIncidentId(plain.url);
      counted.log.reset();
      await Promise.all([gqlData(plain.url, PAGE, { id }), gqlData(plain.url, PAGE, { id })]);
      expect(counted.log.count('incident', 'getMany')).toBe(2);
    } finally {
      await plain.stop();
      await registry.close();
    }
  });
});
