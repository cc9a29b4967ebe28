/** Every Node type round-trips through node(id) and nodes(ids), routed by its opaque global ID. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graphql/ids.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, gqlData } from '../helpers/graphql.js';

const SAMPLES = /* GraphQL */ `{
  incidents(first: 1) { nodes { id timeline(first: 1) { nodes { id } } } }
  alerts(first: 1) { nodes { id } }
  tickets(first: 1) { nodes { id } }
  services(first: 1) { nodes { id } }
  teams(first: 1) { nodes { id } }
  deployments(first: 1) { nodes { id } }
  orchestrationPlans(first: 1) { nodes { id } }
  orchestrationRuns(first: 1) { nodes { id } }
}`;

type Ids = Record<string, { nodes: { id: string; timeline?: { nodes: { id: string }[] } }[] }>;

describe('node(id) and nodes(ids)', () => {
  let gateway: TestGateway;
  let samples: [string, string][];

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    const data = await gqlData<Ids>(gateway.url, SAMPLES);
    const first = (field: string) => data[field]?.nodes[0]?.id as string;
    samples = [
      ['Incident', first('incidents')],
      ['TimelineEntry', data.incidents?.nodes[0]?.timeline?.nodes[0]?.id as string],
      ['Alert', first('alerts')],
      ['Ticket', first('tickets')],
      ['Service', first('services')],
      ['Team', first('teams')],
      ['Deployment', first('deployments')],
      ['OrchestrationPlan', first('orchestrationPlans')],
      ['OrchestrationRun', first('orchestrationRuns')],
    ];
  });
  afterAll(() => gateway.stop());

  it('round-trips every Node type', async () => {
    for (const [typename, id] of samples) {
      expect(id, typename).toBeTruthy();
      const data = await gqlData<{
        node: { __typename: string; id: string; url?: string; source: { provider: string; nativeId: string } };
      }>(
        gateway.url,
        `query($id: ID!) { node(id: $id) { __typename id ... on ${typename} { url source { provider nativeId } } } }`,
        { id },
      );
      expect(data.node.__typename).toBe(typename);
      expect(data.node.id).toBe(id);
      expect(data.node.source.provider).toBe('mock');
    }
  });

  it('answers nodes(ids) in order, with null for records that do not exist', async () => {
    const missing = toGlobalId('Incident', 'mock', 'PDOESNOTEXIST');
    const ids = [...samples.map(([, id]) => id), missing];
    const data = await gqlData<{ nodes: ({ id: string } | null)[] }>(
      gateway.url,
      'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids },
    );
    expect(data.nodes.map((n) => n?.id ?? null)).toEqual([...samples.map(([, id]) => id), null]);
  });

  it('IDs are opaque: no provider or native ID in plain sight', () => {
    for (const [, id] of samples) expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('rejects a malformed ID or an ID of the wrong kind with BAD_USER_INPUT', async () => {
    for (const id of ['garbage', Buffer.from('Nope:mock:1').toString('base64url'), '%%%']) {
      const result = await gql(gateway.url, 'query($id: ID!) { node(id: $id) { id } }', { id });
      expect(result.errors?.[0]?.extensions?.code, id).toBe('BAD_USER_INPUT');
    }
    const alertId = samples.find(([t]) => t === 'Alert')?.[1];
    const wrongKind = await gql(gateway.url, 'query($id: ID!) { incident(id: $id) { id } }', { id: alertId });
    expect(wrongKind.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrongKind.errors?.[0]?.message).toMatch(/is an? Alert, not an? Incident/);
  });

  it('answers an unknown record by its root field with NOT_FOUND, naming the provider', async () => {
    const result = await gql(gateway.url, 'query($id: ID!) { incident(id: $id) { id } }', {
      id: toGlobalId('Incident', 'mock', 'PNOPE'),
    });
    expect(result.data).toEqual({ incident: null });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      provider: 'mock',
      capability: 'incident',
    });
  });
});
