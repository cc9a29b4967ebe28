/** Several providers of one capability: lists merge in order and page across all of them, IDs route back to each. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../../../adapters/contract/index.js';
import { AdapterError } from '../../../../adapters/contract/index.js';
import { type CallLog, countingAdapter } from '../../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gql, gqlData } from '../../../helpers/graphql.js';

type Incident = { id: string; createdAt: string; status: string; source: { provider: string; nativeId: string } };
type Page = {
  incidents: {
    totalCount: number | null;
    nodes: Incident[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
};

const QUERY = `query($first: Int, $after: String, $filter: IncidentFilter) {
  incidents(first: $first, after: $after, filter: $filter) {
    totalCount nodes { id createdAt status source { provider nativeId } } pageInfo { hasNextPage endCursor }
  }
}`;

describe('one capability, several providers', () => {
  let gateway: TestGateway;
  let eu: CallLog;
  let us: CallLog;

  beforeAll(async () => {
    const euCounted = countingAdapter(await mockAdapter({ seed: 1 }));
    const usCounted = countingAdapter(await mockAdapter({ seed: 2 }));
    eu = euCounted.log;
    us = usCounted.log;
    gateway = await startTestGateway([
      { name: 'pd-eu', adapter: euCounted.adapter },
      { name: 'pd-us', adapter: usCounted.adapter, capabilities: ['incident'] },
    ]);
  });
  afterAll(() => gateway.stop());

  it('merges both providers newest first, with the total of both', async () => {
    const { incidents } = await gqlData<Page>(gateway.url, QUERY, { first: 100 });
    const providers = new Set(incidents.nodes.map((i) => i.source.provider));
    expect(providers).toEqual(new Set(['pd-eu', 'pd-us']));
    expect(incidents.totalCount).toBe(incidents.nodes.length);
    const times = incidents.nodes.map((i) => Date.parse(i.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('walks the merged list with cursors, one call per provider per page, without gaps or repeats', async () => {
    const whole = (await gqlData<Page>(gateway.url, QUERY, { first: 100 })).incidents.nodes.map((i) => i.id);
    const walked: string[] = [];
    let after: string | null = null;
    let pages = 0;
    eu.reset();
    us.reset();
    do {
      const result: Page = await gqlData<Page>(gateway.url, QUERY, { first: 7, after });
      walked.push(...result.incidents.nodes.map((i) => i.id));
      after = result.incidents.pageInfo.hasNextPage ? result.incidents.pageInfo.endCursor : null;
      pages += 1;
    } while (after && pages < 50);
    expect(walked).toEqual(whole);
    expect(eu.count('incident', 'query')).toBe(pages);
    expect(us.count('incident', 'query')).toBe(pages);
  });

  it('applies filters in every provider', async () => {
    const { incidents } = await gqlData<Page>(gateway.url, QUERY, { first: 100, filter: { statuses: ['RESOLVED'] } });
    expect(incidents.nodes.length).toBeGreaterThan(0);
    expect(incidents.nodes.every((i) => i.status === 'RESOLVED')).toBe(true);
    expect(new Set(incidents.nodes.map((i) => i.source.provider)).size).toBe(2);
  });

  it('routes every ID back to the provider that issued it', async () => {
    const { incidents } = await gqlData<Page>(gateway.url, QUERY, { first: 100 });
    const fromUs = incidents.nodes.find((i) => i.source.provider === 'pd-us') as Incident;
    const fromEu = incidents.nodes.find((i) => i.source.provider === 'pd-eu') as Incident;
    const data = await gqlData<{ nodes: { source: { provider: string; nativeId: string } }[] }>(
      gateway.url,
      'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Incident { source { provider nativeId } } } }',
      { ids: [fromUs.id, fromEu.id] },
    );
    expect(data.nodes).toEqual([{ source: fromUs.source }, { source: fromEu.source }]);
  });

  it('rejects a merged cursor naming a provider it does not know', async () => {
    const forged = Buffer.from(JSON.stringify(['*', JSON.stringify({ 'pd-mars': '3' })])).toString('base64url');
    const result = await gql(gateway.url, QUERY, { first: 5, after: forged });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('a failing provider in a merged list', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    const down: Adapter = {
      kind: 'broken',
      capabilities: {
        incident: {
          query: async () => {
            throw new AdapterError('PROVIDER_ERROR', 'upstream answered 503 Service Unavailable');
          },
          getMany: async (ids) => ids.map(() => new AdapterError('PROVIDER_ERROR', 'down')),
          create: async () => {
            throw new AdapterError('PROVIDER_ERROR', 'down');
          },
          update: async () => {
            throw new AdapterError('PROVIDER_ERROR', 'down');
          },
          timelines: async (ids) => ids.map(() => new AdapterError('PROVIDER_ERROR', 'down')),
          appendTimeline: async () => {
            throw new AdapterError('PROVIDER_ERROR', 'down');
          },
        },
      },
      checkHealth: async () => ({ status: 'DOWN' }),
    };
    gateway = await startTestGateway([
      { name: 'mock', adapter: await mockAdapter() },
      { name: 'pd-us', adapter: down },
    ]);
  });
  afterAll(() => gateway.stop());

  it('fails only that list, naming the provider, rather than showing half of it as the whole', async () => {
    const result = await gql<{ incidents: null; services: { totalCount: number } }>(
      gateway.url,
      '{ incidents { totalCount } services { totalCount } }',
    );
    expect(result.data?.incidents).toBeNull();
    expect(result.data?.services.totalCount).toBeGreaterThan(0);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_ERROR',
      provider: 'pd-us',
      capability: 'incident',
    });
  });
});
