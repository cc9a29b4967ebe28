import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CACHE_OFF } from '../../../src/data/read-cache.js';
import { MAX_OPERATION_NAMES } from '../../../src/http/metrics.js';
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

  it('labels operations by at most MAX_OPERATION_NAMES names, counting those past it as "other"', async () => {
    // Clients name their operations: each new name would be a label set for as long as the gateway runs.
    const sent = MAX_OPERATION_NAMES + 50;
    for (let i = 0; i < sent; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, j) => gqlData(gateway.url, `query Named${i + j} { __typename }`)),
      );
    }
    const { samples } = await scrape(gateway);
    const requests = samples.filter((s) => s.name === 'opsorch_graphql_requests_total');
    const names = new Set(requests.map((s) => s.labels.operation));
    expect(names.has('other')).toBe(true);
    expect([...names].filter((name) => name !== 'other' && name !== 'anonymous').length).toBe(MAX_OPERATION_NAMES);
    const labelled = requests.filter((s) => s.labels.operation?.startsWith('Named')).reduce((n, s) => n + s.value, 0);
    expect(labelled + total(samples, 'opsorch_graphql_requests_total', { operation: 'other' })).toBe(sent);
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
