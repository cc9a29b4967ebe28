/**
 * Connections page by key: a client walking a list while incidents are created and resolved between
 * its page requests sees every record that stayed in the list exactly once, and none twice. Offset
 * cursors fail this: a record created on top repeats the last one seen, one that leaves the list
 * above the cursor skips the next one. Through the real server, over the mock, the real OpsOrch
 * incident plugin, and a list merged from two providers.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginAdapter } from '../../../adapters/plugin/index.js';
import { mockAdapter, startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';
import { OPSORCH_BIN } from '../../helpers/opsorch.js';

type Page = {
  incidents: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};

const LIST = `query($first: Int, $after: String, $filter: IncidentFilter) {
  incidents(first: $first, after: $after, filter: $filter) { nodes { id } pageInfo { hasNextPage endCursor } }
}`;

const OPEN = { statuses: ['TRIGGERED', 'ACKNOWLEDGED'] };

async function whole(url: string, filter?: object): Promise<string[]> {
  const data = await gqlData<Page>(url, LIST, { first: 100, filter });
  expect(data.incidents.pageInfo.hasNextPage).toBe(false);
  return data.incidents.nodes.map((n) => n.id);
}

async function create(url: string, title: string): Promise<string> {
  const data = await gqlData<{ incidentCreate: { incident: { id: string } | null; userErrors: unknown[] } }>(
    url,
    'mutation($title: String!) { incidentCreate(input: { title: $title, severity: HIGH }) { incident { id } userErrors { message } } }',
    { title },
  );
  expect(data.incidentCreate.userErrors).toEqual([]);
  return (data.incidentCreate.incident as { id: string }).id;
}

async function resolve(url: string, id: string): Promise<void> {
  const result = await gql<{ incidentResolve: { userErrors: unknown[] } }>(
    url,
    'mutation($id: ID!) { incidentResolve(input: { id: $id }) { incident { id status } userErrors { message } } }',
    { id },
  );
  expect(result.errors).toBeUndefined();
  expect(result.data?.incidentResolve.userErrors).toEqual([]);
}

/**
 * Walks the list in pages of `size`. After every page, creates an incident (it lands on top),
 * resolves the first record of that page (already seen) and the record two places past it (not
 * seen yet). Returns what was walked and what left the list before the client reached it.
 */
async function walkWhileLive(
  url: string,
  filter: object | undefined,
  size: number,
): Promise<{ before: string[]; walked: string[]; created: string[]; resolvedUnseen: string[] }> {
  const before = await whole(url, filter);
  expect(before.length).toBeGreaterThan(size * 2);
  const walked: string[] = [];
  const created: string[] = [];
  const resolvedUnseen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const data: Page = await gqlData<Page>(url, LIST, { first: size, after, filter });
    const ids = data.incidents.nodes.map((n) => n.id);
    walked.push(...ids);
    if (!data.incidents.pageInfo.hasNextPage) break;
    after = data.incidents.pageInfo.endCursor;

    created.push(await create(url, `created while paging ${page}`));
    await resolve(url, ids[0] as string);
    const unseen = before[before.indexOf(ids.at(-1) as string) + 2];
    if (unseen !== undefined && !resolvedUnseen.includes(unseen)) {
      await resolve(url, unseen);
      resolvedUnseen.push(unseen);
    }
  }
  return { before, walked, created, resolvedUnseen };
}

describe('paging while incidents come and go: mock provider', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
  });
  afterAll(() => gateway.stop());

  it('open incidents: no duplicates, no skips, while incidents are created and resolved between pages', async () => {
    const { before, walked, created, resolvedUnseen } = await walkWhileLive(gateway.url, OPEN, 1);
    expect(resolvedUnseen.length).toBeGreaterThan(0);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(before.filter((id) => !resolvedUnseen.includes(id)));
    // What was created went on top, ahead of every cursor: the next walk starts with it.
    const now = await whole(gateway.url, OPEN);
    expect(now.slice(0, created.length).sort()).toEqual([...created].sort());
  });
});

describe('paging while incidents come and go: two providers merged', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([
      { name: 'pd-eu', adapter: await mockAdapter({ seed: 1 }) },
      { name: 'pd-us', adapter: await mockAdapter({ seed: 2 }), capabilities: ['incident'] },
    ]);
  });
  afterAll(() => gateway.stop());

  it('open incidents of both: no duplicates, no skips, while both change between pages', async () => {
    const { before, walked, resolvedUnseen } = await walkWhileLive(gateway.url, OPEN, 2);
    const providerOf = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1];
    expect(new Set(before.map(providerOf)).size).toBe(2);
    expect(new Set(resolvedUnseen.map(providerOf)).size).toBe(2);
    expect(new Set(walked).size).toBe(walked.length);
    expect(walked).toEqual(before.filter((id) => !resolvedUnseen.includes(id)));
  });
});

describe('paging while incidents come and go: the real OpsOrch incident plugin', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    const adapter = createPluginAdapter(
      { path: join(OPSORCH_BIN, 'incidentplugin'), capabilities: ['incident'] },
      { name: 'opsorch', logger: testLogger },
    );
    gateway = await startTestGateway([{ name: 'opsorch', adapter, capabilities: ['incident'] }]);
  });
  afterAll(() => gateway.stop());

  it('every incident once, newest first, though the plugin answers in a different order each call', async () => {
    const { before, walked } = await walkWhileLive(gateway.url, undefined, 4);
    expect(new Set(walked).size).toBe(walked.length);
    // Resolving keeps an incident in an unfiltered list, so the walk is exactly the list it started from.
    expect(walked).toEqual(before);
    const data = await gqlData<{ incidents: { nodes: { createdAt: string }[] } }>(
      gateway.url,
      '{ incidents(first: 100) { nodes { createdAt } } }',
    );
    const times = data.incidents.nodes.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
