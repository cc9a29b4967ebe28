/**
 * The per-request provider budget and deadline, through the real server: past the budget the
 * remaining fields are null with PROVIDER_BUDGET_EXCEEDED and the provider is never asked; past
 * the deadline a slow or hanging provider's fields fail with REQUEST_TIMEOUT while the rest of the
 * query keeps its data.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';

describe('provider budget', () => {
  let gateway: TestGateway;
  let calls: CallLog;
  beforeAll(async () => {
    const counted = countingAdapter(await mockAdapter());
    calls = counted.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }]);
  });
  afterAll(() => gateway.stop());
  beforeEach(() => calls.reset());

  it('refuses the request for 1,100 records before the provider is asked for them', async () => {
    // 11 aliases of `nodes` (at most 100 IDs each): 1,100 distinct records in one request.
    const variables = Object.fromEntries(
      Array.from({ length: 11 }, (_, a) => [
        `ids${a}`,
        Array.from({ length: 100 }, (_, i) => toGlobalId('Incident', 'mock', `INC-${a}-${i}`)),
      ]),
    );
    const names = Object.keys(variables);
    const query = `query(${names.map((n) => `$${n}: [ID!]!`).join(', ')}) { ${names.map((n) => `${n}: nodes(ids: $${n}) { id }`).join(' ')} }`;
    const result = await gql(gateway.url, query, variables);
    const refused = result.errors?.filter((e) => e.extensions?.code === 'PROVIDER_BUDGET_EXCEEDED') ?? [];
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.extensions).toMatchObject({
      limit: 'OPSORCH_MAX_PROVIDER_CALLS',
      max: 1_000,
      provider: 'mock',
      capability: 'incident',
    });
    expect(refused[0]?.message).toMatch(/over the limit of 1000 \(OPSORCH_MAX_PROVIDER_CALLS\); mock was not called/);
    const asked = calls.calls.reduce((sum, c) => sum + c.items, 0);
    expect(asked).toBeLessThanOrEqual(1_000);
  });

  it('answers the fields within the budget and nulls the rest', async () => {
    const tight = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { maxProviderCalls: 2 },
    });
    try {
      const result = await gql<Record<string, { totalCount: number } | null>>(
        tight.url,
        '{ incidents(first: 1) { totalCount } alerts(first: 1) { totalCount } tickets(first: 1) { totalCount } }',
      );
      const answered = Object.values(result.data ?? {}).filter((v) => v !== null);
      expect(answered).toHaveLength(2);
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['PROVIDER_BUDGET_EXCEEDED']);
    } finally {
      await tight.stop();
    }
  });
});

describe('request deadline', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    const hanging = await mockAdapter();
    // A provider that never answers and ignores its abort signal.
    const hangingTickets: Adapter = {
      ...hanging,
      capabilities: { ticket: { ...hanging.capabilities.ticket!, query: () => new Promise(() => undefined) } },
    };
    gateway = await startTestGateway(
      [
        { name: 'mock', adapter: await mockAdapter(), capabilities: ['incident', 'service', 'team'] },
        // Answers in 8 s unless aborted.
        { name: 'slow', adapter: await mockAdapter({ latencyMs: 8_000 }), capabilities: ['alert'] },
        { name: 'hanging', adapter: hangingTickets, capabilities: ['ticket'] },
      ],
      { limits: { requestTimeoutMs: 300 } },
    );
  });
  afterAll(() => gateway.stop());

  it('fails the slow and the hanging provider at the deadline and keeps the rest of the data', async () => {
    const result = await gql<{ incidents: { totalCount: number } | null; alerts: null; tickets: null }>(
      gateway.url,
      '{ incidents(first: 1) { totalCount } alerts(first: 1) { totalCount } tickets(first: 1) { totalCount } }',
    );
    expect(result.data?.incidents?.totalCount).toBeGreaterThan(0);
    expect(result.data?.alerts).toBeNull();
    expect(result.data?.tickets).toBeNull();
    const byProvider = Object.fromEntries(result.errors?.map((e) => [e.extensions?.provider, e]) ?? []);
    expect(byProvider.slow?.extensions).toMatchObject({
      code: 'REQUEST_TIMEOUT',
      limit: 'OPSORCH_REQUEST_TIMEOUT_MS',
      max: 300,
      capability: 'alert',
    });
    expect(byProvider.hanging?.extensions).toMatchObject({ code: 'REQUEST_TIMEOUT', capability: 'ticket' });
    expect(byProvider.slow?.message).toBe(
      "the request's deadline of 300 ms (OPSORCH_REQUEST_TIMEOUT_MS) passed before slow answered alert",
    );
  });
});
