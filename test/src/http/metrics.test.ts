import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_OFF } from '../../../src/data/read-cache.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { parseExposition, type Sample, total } from '../../helpers/metrics.js';

async function scrape(gateway: TestGateway): Promise<{ status: number; type: string | null; samples: Sample[] }> {
  const response = await fetch(gateway.url.replace(/\/graphql$/, '/metrics'));
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    samples: parseExposition(await response.text()),
  };
}

const INCIDENTS = 'query MetricsTestIncidents { incidents(first: 5) { edges { node { id title service { name } } } } }';

describe('/metrics', () => {
  let gateway: TestGateway;
  let log: CallLog;

  beforeAll(async () => {
    const counted = countingAdapter(await mockAdapter());
    log = counted.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], { cache: CACHE_OFF });
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('serves Prometheus text with process metrics', async () => {
    const { status, type, samples } = await scrape(gateway);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain/);
    expect(total(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts operations by name and outcome', async () => {
    const where = { operation: 'MetricsTestIncidents', type: 'query', outcome: 'ok' };
    const before = total((await scrape(gateway)).samples, 'opsorch_graphql_requests_total', where);
    await gqlData(gateway.url, INCIDENTS);
    await gqlData(gateway.url, INCIDENTS);
    const { samples } = await scrape(gateway);
    expect(total(samples, 'opsorch_graphql_requests_total', where) - before).toBe(2);
    expect(
      total(samples, 'opsorch_graphql_request_duration_seconds_count', { operation: 'MetricsTestIncidents' }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('counts every provider call the loaders make, as the adapter sees them, with batch sizes', async () => {
    const before = (await scrape(gateway)).samples;
    log.reset();
    await gqlData(gateway.url, INCIDENTS);
    const after = (await scrape(gateway)).samples;
    const delta = (name: string, labels: Record<string, string>) =>
      total(after, name, labels) - total(before, name, labels);

    expect(delta('opsorch_provider_calls_total', {})).toBe(log.calls.length);
    for (const capability of ['incident', 'service'] as const) {
      const labels = { provider: 'mock', capability, operation: 'query' };
      expect(delta('opsorch_provider_calls_total', labels)).toBe(log.count(capability, 'query'));
      expect(delta('opsorch_provider_batch_size_count', labels)).toBe(log.count(capability, 'query'));
    }
    expect(delta('opsorch_provider_calls_total', { capability: 'service', operation: 'query' })).toBe(1);
  });
});
