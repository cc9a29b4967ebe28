/** Cursors walk every list to its end without gaps or repeats, in the same order as one big page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gql, gqlData } from '../../../helpers/graphql.js';

type Connection = {
  totalCount: number | null;
  edges: { cursor: string; node: { id: string } }[];
  nodes: { id: string }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};

const LISTS = [
  'incidents',
  'alerts',
  'tickets',
  'services',
  'teams',
  'deployments',
  'orchestrationPlans',
  'orchestrationRuns',
];

describe('Relay pagination', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
  });
  afterAll(() => gateway.stop());

  async function page(field: string, first: number, after?: string): Promise<Connection> {
    const data = await gqlData<Record<string, Connection>>(
      gateway.url,
      `query($first: Int, $after: String) { list: ${field}(first: $first, after: $after) {
        totalCount edges { cursor node { id } } nodes { id }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
      { first, after },
    );
    return data.list as Connection;
  }

  it.each(LISTS)('%s: pages of 3 add up to the whole list', async (field) => {
    const whole = await page(field, 100);
    expect(whole.nodes.length).toBeGreaterThan(3);
    expect(whole.totalCount).toBe(whole.nodes.length);

    const walked: string[] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 100; guard += 1) {
      const current = await page(field, 3, after);
      expect(current.nodes.map((n) => n.id)).toEqual(current.edges.map((e) => e.node.id));
      expect(current.pageInfo.hasPreviousPage).toBe(after !== undefined);
      expect(current.pageInfo.startCursor).toBe(current.edges[0]?.cursor ?? null);
      expect(current.pageInfo.endCursor).toBe(current.edges.at(-1)?.cursor ?? null);
      walked.push(...current.nodes.map((n) => n.id));
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor ?? undefined;
    }
    expect(walked).toEqual(whole.nodes.map((n) => n.id));
    expect(new Set(walked).size).toBe(walked.length);
  });

  it('any edge cursor resumes right after that edge', async () => {
    const whole = await page('incidents', 10);
    const fifth = whole.edges[4];
    const rest = await page('incidents', 5, fifth?.cursor);
    expect(rest.nodes.map((n) => n.id)).toEqual(whole.nodes.slice(5, 10).map((n) => n.id));
  });

  it('orders newest first, deterministically', async () => {
    const data = await gqlData<{ incidents: { nodes: { createdAt: string }[] } }>(
      gateway.url,
      '{ incidents(first: 100) { nodes { createdAt } } }',
    );
    const times = data.incidents.nodes.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const again = await gqlData<typeof data>(gateway.url, '{ incidents(first: 100) { nodes { createdAt } } }');
    expect(again).toEqual(data);
  });

  it('walks an incident timeline with cursors', async () => {
    const data = await gqlData<{ incidents: { nodes: { id: string; timeline: { totalCount: number } }[] } }>(
      gateway.url,
      '{ incidents(first: 100) { nodes { id timeline(first: 1) { totalCount } } } }',
    );
    const longest = data.incidents.nodes.reduce((a, b) => (b.timeline.totalCount > a.timeline.totalCount ? b : a));
    const { incident } = await gqlData<{ incident: { id: string; timeline: Connection } }>(
      gateway.url,
      'query($id: ID!) { incident(id: $id) { id timeline(first: 100) { totalCount nodes { id } edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }',
      { id: longest.id },
    );
    expect(incident.timeline.nodes.length).toBeGreaterThan(2);
    const walked: string[] = [];
    let after: string | null = null;
    do {
      const result: { incident: { timeline: Connection } } = await gqlData(
        gateway.url,
        'query($id: ID!, $after: String) { incident(id: $id) { timeline(first: 2, after: $after) { totalCount nodes { id } edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }',
        { id: incident.id, after },
      );
      walked.push(...result.incident.timeline.nodes.map((n) => n.id));
      after = result.incident.timeline.pageInfo.hasNextPage ? result.incident.timeline.pageInfo.endCursor : null;
    } while (after);
    expect(walked).toEqual(incident.timeline.nodes.map((n) => n.id));
  });

  it('rejects a cursor from another list or a forged one', async () => {
    const services = await page('services', 2);
    const fromOtherProvider = Buffer.from(JSON.stringify(['elsewhere', '2'])).toString('base64url');
    for (const after of [fromOtherProvider, 'not-a-cursor!', Buffer.from('[1]').toString('base64url')]) {
      const result = await gql(
        gateway.url,
        'query($after: String) { incidents(first: 2, after: $after) { nodes { id } } }',
        { after },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    expect(services.pageInfo.endCursor).toBeTruthy();
  });
});
