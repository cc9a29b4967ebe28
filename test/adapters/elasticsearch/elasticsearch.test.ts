/**
 * The Elasticsearch / OpenSearch log provider through the whole gateway (HTTP in, GraphQL out),
 * against fakes that answer as the Elasticsearch 8 and OpenSearch 1 / 2 REST APIs do.
 */
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import rison from 'rison-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCloudId } from '../../../adapters/elasticsearch/cloud-id.js';
import { createElasticsearchAdapter } from '../../../adapters/elasticsearch/index.js';
import { NEWEST, seedLogs, WINDOW } from '../../fakes/elasticsearch/seed.js';
import { type ElasticFake, type Flavor, startElasticFake } from '../../fakes/elasticsearch/server.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';
import { makeCertificates, type TestCertificates } from '../../helpers/tls.js';

const decodeRison = (rison as unknown as { decode(text: string): unknown }).decode;

const API_KEY_ID = 'VuaCfGcBCdbkQm-e5aOx';
const API_KEY = 'ui2lp2axTNmsyakw9tvNnw';
const ENCODED_KEY = Buffer.from(`${API_KEY_ID}:${API_KEY}`).toString('base64');

const fakes: ElasticFake[] = [];
const gateways: TestGateway[] = [];

async function fakeOf(flavor: Flavor, options: Parameters<typeof startElasticFake>[0] = {}): Promise<ElasticFake> {
  const fake = await startElasticFake({ flavor, ...options });
  seedLogs(fake);
  fakes.push(fake);
  return fake;
}

async function gatewayFor(config: Record<string, unknown>): Promise<string> {
  const adapter = await createElasticsearchAdapter(config, { name: 'elastic', logger: testLogger });
  const gateway = await startTestGateway([{ name: 'elastic', adapter }]);
  gateways.push(gateway);
  return gateway.url;
}

afterAll(async () => {
  for (const g of gateways) await g.stop();
  for (const f of fakes) await f.stop();
});

interface Entry {
  timestamp: string;
  message: string;
  level: string;
  rawLevel: string | null;
  service: string | null;
  url: string | null;
  labels: Record<string, string>;
  metadata: Record<string, unknown>;
}
interface Logs {
  logs: { entries: Entry[]; url: string | null; truncated: boolean };
}

const LOGS = /* GraphQL */ `
  query ($q: LogQueryInput!) {
    logs(query: $q) {
      truncated
      url
      entries { timestamp message level rawLevel service url labels metadata }
    }
  }
`;

const logs = (url: string, q: Record<string, unknown>) => gqlData<Logs>(url, LOGS, { q: { ...WINDOW, ...q } });

/** `_g` and `_a` (and `_q`) of a Discover link, decoded. */
function discoverState(link: string): Record<string, Record<string, unknown>> {
  const fragment = new URL(link).hash;
  expect(fragment.startsWith('#/?')).toBe(true);
  const params = new URLSearchParams(fragment.slice(3));
  return Object.fromEntries([...params.entries()].map(([k, v]) => [k, decodeRison(v) as Record<string, unknown>]));
}

describe('Elasticsearch 8', () => {
  let fake: ElasticFake;
  let url: string;

  beforeAll(async () => {
    fake = await fakeOf('elasticsearch-8', { accepted: [`ApiKey ${ENCODED_KEY}`] });
    url = await gatewayFor({
      addresses: [fake.url],
      apiKey: `${API_KEY_ID}:${API_KEY}`,
      indexPattern: 'logs-*',
      kibanaURL: 'https://kibana.acme.test/',
      dataViewId: 'logs-data-view',
      pageSize: 4,
    });
  });

  it('pages with search_after inside a point in time, newest first, and closes it', async () => {
    fake.searches.length = 0;
    const data = await logs(url, { limit: 10, scope: { service: 'checkout' } });
    const entries = data.logs.entries;
    expect(entries).toHaveLength(10);
    expect(data.logs.truncated).toBe(true);
    expect(entries.map((e) => e.timestamp)).toEqual(
      Array.from({ length: 10 }, (_, i) => new Date(NEWEST - i * 2 * 60_000).toISOString()),
    );
    expect(fake.searches.map((s) => s.path)).toEqual(['/_search', '/_search', '/_search']);
    expect(fake.searches.map((s) => s.body.size)).toEqual([4, 4, 2]);
    expect(fake.searches[0]?.body.search_after).toBeUndefined();
    expect(fake.searches[1]?.body.search_after).toHaveLength(2);
    expect(fake.searches.every((s) => (s.body.pit as { id: string }).id)).toBe(true);
    expect(fake.searches[0]?.authorization).toBe(`ApiKey ${ENCODED_KEY}`);
    expect(fake.openPits()).toBe(0);
  });

  it('asks once when a page holds the limit, without a point in time', async () => {
    fake.searches.length = 0;
    const data = await logs(url, { limit: 3, scope: { service: 'ledger' } });
    expect(data.logs.entries.map((e) => e.message)).toEqual([
      'ledger balanced',
      'ledger write failed: disk full',
      'user\'s "quoted" (text) & more!',
    ]);
    expect(data.logs.truncated).toBe(true);
    expect(fake.searches.map((s) => s.path)).toEqual(['/logs-*/_search']);
  });

  it('normalizes levels from ECS log.level (nested or dotted), level and severity, keeping the raw word', async () => {
    const data = await logs(url, { limit: 100 });
    const byMessage = new Map(data.logs.entries.map((e) => [e.message, e]));
    expect(byMessage.get('payment gateway timeout after 1000 ms')).toMatchObject({ level: 'ERROR', rawLevel: 'ERROR' });
    expect(byMessage.get('payment gateway timeout after 1001 ms')).toMatchObject({ level: 'WARN', rawLevel: 'warn' });
    expect(byMessage.get('ledger balanced')).toMatchObject({ level: 'INFO', rawLevel: 'info' });
    expect(byMessage.get('ledger write failed: disk full')).toMatchObject({ level: 'ERROR', rawLevel: 'error' });
    expect(byMessage.get('user\'s "quoted" (text) & more!')).toMatchObject({ level: 'FATAL', rawLevel: 'FATAL' });
    expect(byMessage.get('secret AND admin')).toMatchObject({ level: 'DEBUG', rawLevel: 'debug' });
    expect(byMessage.has('outside the window')).toBe(false);
    expect(byMessage.has('not a log index')).toBe(false);
    expect(data.logs.entries).toHaveLength(16);
    expect(data.logs.truncated).toBe(false);

    const errors = await logs(url, { limit: 100, levels: ['ERROR', 'FATAL'] });
    expect(errors.logs.entries.map((e) => e.level).sort()).toEqual([
      'ERROR',
      'ERROR',
      'ERROR',
      'ERROR',
      'ERROR',
      'FATAL',
    ]);
  });

  it('reads the service from ECS service.name or a flat service field, with the document link', async () => {
    const data = await logs(url, { limit: 100, scope: { environment: 'production' } });
    const services = new Set(data.logs.entries.map((e) => e.service));
    expect(services).toEqual(new Set(['checkout', 'ledger']));
    const first = data.logs.entries[0] as Entry;
    expect(first.url).toBe(
      `https://kibana.acme.test/app/discover#/doc/logs-data-view/${encodeURIComponent(String(first.metadata._index))}?id=${first.metadata._id}`,
    );
  });

  it('applies =, !=, contains and regex field filters on keyword fields', async () => {
    const eq = await logs(url, { limit: 100, filters: [{ field: 'host.name', op: 'EQ', value: 'web-1' }] });
    expect(eq.logs.entries).toHaveLength(6);
    const neq = await logs(url, {
      limit: 100,
      scope: { service: 'checkout' },
      filters: [{ field: 'http.request.method', op: 'NEQ', value: 'POST' }],
    });
    expect(neq.logs.entries).toHaveLength(6);
    const contains = await logs(url, { limit: 100, filters: [{ field: 'trace.id', op: 'CONTAINS', value: 'ace-1' }] });
    expect(contains.logs.entries.map((e) => e.message).sort()).toEqual([
      'payment gateway timeout after 1001 ms',
      'payment gateway timeout after 1010 ms',
      'payment gateway timeout after 1011 ms',
    ]);
    const regex = await logs(url, { limit: 100, filters: [{ field: 'trace.id', op: 'REGEX', value: 'trace-[0-2]' }] });
    expect(regex.logs.entries).toHaveLength(3);
  });

  it('links to Discover with the same time range and query, rison-encoded so any character survives', async () => {
    const text = `timeout 'quoted' (x) !y & #z é`;
    const data = await logs(url, {
      limit: 5,
      query: text,
      levels: ['ERROR'],
      filters: [{ field: 'host.name', op: 'EQ', value: "it's (odd)!" }],
    });
    const link = data.logs.url as string;
    expect(link.startsWith('https://kibana.acme.test/app/discover#/?_g=')).toBe(true);
    const state = discoverState(link);
    expect(state._g?.time).toEqual({ from: WINDOW.start, to: WINDOW.end });
    expect(state._a?.index).toBe('logs-data-view');
    expect(state._a?.sort).toEqual([['@timestamp', 'desc']]);
    const filters = state._a?.filters as { meta: { type: string }; query: unknown }[];
    expect(filters).toHaveLength(1);
    expect(filters[0]?.meta.type).toBe('custom');
    // Discover gets exactly the conditions the search ran (everything but the time range).
    const sent = fake.searches.at(-1)?.body.query as { bool: { filter: unknown[] } };
    expect(filters[0]?.query).toEqual({ bool: { filter: sent.bool.filter.slice(1) } });
    expect(JSON.stringify(filters[0]?.query)).toContain(text);
  });

  it('keeps free text literal: no field targeting, wildcards, boolean operators or DSL', async () => {
    fake.searches.length = 0;
    const attempts = ['message:secret OR *', '*', '{"script":{"source":"1"}}', 'secret AND admin', 'a\\" OR "b'];
    for (const query of attempts) {
      await logs(url, { limit: 100, query });
      const body = fake.searches.at(-1)?.body as { query: { bool: { filter: Record<string, unknown>[] } } };
      const textClause = body.query.bool.filter[1] as { simple_query_string: Record<string, unknown> };
      expect(Object.keys(textClause)).toEqual(['simple_query_string']);
      expect(textClause.simple_query_string).toMatchObject({ query, fields: ['message'], flags: 'PHRASE|WHITESPACE' });
      expect(JSON.stringify(body)).not.toMatch(/"query_string"/);
    }
    // As text, "secret AND admin" finds only the record that says so.
    const literal = await logs(url, { limit: 100, query: 'secret AND admin' });
    expect(literal.logs.entries.map((e) => e.message)).toEqual(['secret AND admin']);
  });

  it('escapes contains values for wildcard and refuses field names that are not plain field names', async () => {
    await logs(url, { limit: 100, filters: [{ field: 'user.name', op: 'CONTAINS', value: 'n*' }] });
    const body = fake.searches.at(-1)?.body as { query: { bool: { filter: Record<string, unknown>[] } } };
    expect(body.query.bool.filter[1]).toEqual({ wildcard: { 'user.name': { value: '*n\\**' } } });
    const starry = await logs(url, { limit: 100, filters: [{ field: 'user.name', op: 'CONTAINS', value: 'n*' }] });
    expect(starry.logs.entries.map((e) => e.message)).toEqual(['secret AND admin']);

    for (const field of ['_id', 'a b', '*', 'x"}}', '']) {
      const before = fake.searches.length;
      const result = await gql(url, LOGS, { q: { ...WINDOW, filters: [{ field, op: 'EQ', value: 'x' }] } });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(fake.searches.length).toBe(before);
    }
  });

  it('refuses raw Lucene syntax unless the config allows it', async () => {
    const result = await gql(url, LOGS, { q: { ...WINDOW, query: 'service:ledger', raw: true } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', provider: 'elastic' });
    expect(result.errors?.[0]?.message).toContain('allowRawQuery');

    const rawUrl = await gatewayFor({ addresses: [fake.url], apiKey: ENCODED_KEY, allowRawQuery: true });
    const data = await logs(rawUrl, { limit: 100, query: 'severity:FATAL', raw: true });
    expect(data.logs.entries.map((e) => e.message)).toEqual(['user\'s "quoted" (text) & more!']);
    expect(fake.searches.at(-1)?.body.query).toMatchObject({
      bool: { filter: [{ range: {} }, { query_string: { query: 'severity:FATAL' } }] },
    });
  });

  it('retries a rejected (429) search and reports a persistent one as RATE_LIMITED', async () => {
    fake.rateLimitNext(1);
    const data = await logs(url, { limit: 2 });
    expect(data.logs.entries).toHaveLength(2);
    fake.rateLimitNext(10);
    const result = await gql(url, LOGS, { q: { ...WINDOW, limit: 2 } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'elastic' });
    fake.rateLimitNext(0);
  });

  it('reports a malformed answer as a provider error instead of empty logs', async () => {
    for (const kind of ['html', 'no-hits'] as const) {
      fake.malformedNext(kind);
      const result = await gql(url, LOGS, { q: { ...WINDOW, limit: 2 } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'elastic' });
      expect(result.data?.logs ?? null).toBeNull();
    }
  });

  it('fails with UNAUTHENTICATED on a wrong key, and never shows the key', async () => {
    const wrong = 'AAAAwrongKeyValue1234';
    const badUrl = await gatewayFor({ addresses: [fake.url], apiKey: `${API_KEY_ID}:${wrong}` });
    const result = await gql(badUrl, LOGS, { q: { ...WINDOW } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', provider: 'elastic' });
    expect(result.errors?.[0]?.message).toContain('missing authentication credentials');
    expect(JSON.stringify(result)).not.toContain(wrong);
    const health = await gqlData<{ providers: { health: { status: string; message: string } }[] }>(
      badUrl,
      '{ providers { health { status message } } }',
    );
    expect(health.providers[0]?.health.status).toBe('DOWN');
    expect(JSON.stringify(health)).not.toContain(wrong);
  });
});

describe('OpenSearch', () => {
  it('2.x: pages in an OpenSearch point in time and links to Dashboards with _q', async () => {
    const fake = await fakeOf('opensearch-2', { accepted: ['Bearer os-token-123456'] });
    const url = await gatewayFor({
      url: fake.url,
      bearerToken: 'os-token-123456',
      indexPattern: 'logs-checkout-*',
      kibanaURL: 'https://dashboards.acme.test',
      ui: 'opensearch-dashboards',
      pageSize: 5,
    });
    const data = await logs(url, { limit: 12, levels: ['WARN'] });
    expect(data.logs.entries).toHaveLength(8);
    expect(data.logs.entries.every((e) => e.level === 'WARN' && e.service === 'checkout')).toBe(true);
    expect(data.logs.truncated).toBe(false);
    expect(fake.requests.filter((r) => r.path.endsWith('/_search/point_in_time'))).toHaveLength(2);
    expect(fake.openPits()).toBe(0);
    const state = discoverState(data.logs.url as string);
    expect(state._q?.filters).toEqual(state._a?.filters);
  });

  it('1.x (no point in time): pages with search_after on the index, hits carrying _type', async () => {
    const fake = await fakeOf('opensearch-1', {
      accepted: [`Basic ${Buffer.from('reader:pw-opensearch-1').toString('base64')}`],
    });
    const url = await gatewayFor({ url: fake.url, username: 'reader', password: 'pw-opensearch-1', pageSize: 5 });
    const data = await logs(url, { limit: 12, scope: { service: 'checkout' } });
    expect(data.logs.entries).toHaveLength(12);
    expect(new Set(data.logs.entries.map((e) => e.timestamp)).size).toBe(12);
    expect(fake.searches.map((s) => s.path)).toEqual(['/logs-*/_search', '/logs-*/_search', '/logs-*/_search']);
    expect(fake.searches.every((s) => s.body.pit === undefined)).toBe(true);
    expect(data.logs.url).toBeNull();
  });
});

describe('several nodes', () => {
  /** A node that takes connections and drops them at once, counting them. */
  async function droppingNode(): Promise<{ url: string; connections: () => number }> {
    let connections = 0;
    const server = createNetServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
  }
  /** A node that answers every request 503, as one leaving the cluster does. */
  async function unavailableNode(): Promise<{ url: string; requests: () => number }> {
    let requests = 0;
    const server = createHttpServer((_req, res) => {
      requests += 1;
      res.writeHead(503, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(
        JSON.stringify({ error: { type: 'unavailable_shards_exception', reason: 'shutting down' }, status: 503 }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
  }
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers) await close();
  });

  it('spreads searches over every address, round-robin', async () => {
    const [a, b] = [await fakeOf('elasticsearch-8'), await fakeOf('elasticsearch-8')];
    const url = await gatewayFor({ addresses: [a.url, b.url] });
    for (let i = 0; i < 4; i++) expect((await logs(url, { limit: 1 })).logs.entries).toHaveLength(1);
    expect([a.searches.length, b.searches.length]).toEqual([2, 2]);
  });

  it('sends a search to the next node when one is down or answers 503, and leaves the bad one alone after', async () => {
    const up = await fakeOf('elasticsearch-8');
    const down = await droppingNode();
    const url = await gatewayFor({ addresses: [down.url, up.url] });
    for (let i = 0; i < 4; i++) expect((await logs(url, { limit: 2 })).logs.entries).toHaveLength(2);
    expect(up.searches).toHaveLength(4);
    // Tried once, then dead for a while: later searches do not pay for it.
    expect(down.connections()).toBe(1);

    const unavailable = await unavailableNode();
    const url2 = await gatewayFor({ addresses: [unavailable.url, up.url] });
    up.searches.length = 0;
    for (let i = 0; i < 3; i++) expect((await logs(url2, { limit: 2 })).logs.entries).toHaveLength(2);
    expect(up.searches).toHaveLength(3);
    expect(unavailable.requests()).toBe(1);
  });

  it('fails with a provider error, once per node, when every node is down', async () => {
    const [one, two] = [await droppingNode(), await droppingNode()];
    const url = await gatewayFor({ addresses: [one.url, two.url] });
    const result = await gql(url, LOGS, { q: { ...WINDOW, limit: 1 } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'elastic' });
    expect([one.connections(), two.connections()]).toEqual([1, 1]);
  });

  it('stops paging at maxPages with TOO_MANY_PAGES when the cluster answers the same page forever', async () => {
    const broken = await fakeOf('elasticsearch-8');
    broken.ignoreSearchAfter = true;
    const url = await gatewayFor({ addresses: [broken.url], pageSize: 2, maxPages: 3, pointInTime: false });
    const result = await gql(url, LOGS, { q: { ...WINDOW, limit: 50 } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_PAGES', provider: 'elastic' });
    expect(result.errors?.[0]?.message).toContain('after 3 pages');
    expect(broken.searches).toHaveLength(3);
  });
});

describe('connection', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeCertificates(['IP:127.0.0.1']);
  });
  afterAll(() => certs.cleanup());

  it('trusts a private CA given as caFile, and refuses the cluster without it', async () => {
    const fake = await fakeOf('elasticsearch-8', { tls: { key: certs.key, cert: certs.cert } });
    const trusted = await gatewayFor({ addresses: [fake.url], caFile: certs.caFile });
    expect((await logs(trusted, { limit: 1 })).logs.entries).toHaveLength(1);
    const untrusted = await gatewayFor({ addresses: [fake.url] });
    const result = await gql(untrusted, LOGS, { q: { ...WINDOW, limit: 1 } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'elastic' });
  });

  it("starts from OpsOrch's own documented config unchanged (addresses, username, password, indexPattern)", async () => {
    const fake = await fakeOf('elasticsearch-8', {
      accepted: [`Basic ${Buffer.from('elastic:changeme').toString('base64')}`],
    });
    const url = await gatewayFor({
      addresses: [fake.url],
      username: 'elastic',
      password: 'changeme',
      indexPattern: 'logs-*',
    });
    expect((await logs(url, { limit: 3 })).logs.entries).toHaveLength(3);
  });

  it('derives the cluster and Kibana from an Elastic Cloud ID', () => {
    const cloudID = `prod:${Buffer.from('eu-west-1.aws.found.io:443$es0123abcd$kb4567ef').toString('base64')}`;
    expect(decodeCloudId(cloudID)).toEqual({
      elasticsearch: 'https://es0123abcd.eu-west-1.aws.found.io',
      kibana: 'https://kb4567ef.eu-west-1.aws.found.io',
    });
    const withPort = Buffer.from('cloud.example.com:9243$abc$def').toString('base64');
    expect(decodeCloudId(`x:${withPort}`)?.elasticsearch).toBe('https://abc.cloud.example.com:9243');
    expect(decodeCloudId('x:bm90IGEgY2xvdWQgaWQ=')).toBeNull();
  });

  it('names the bad key at start-up', async () => {
    const make = (config: Record<string, unknown>) =>
      Promise.resolve().then(() => createElasticsearchAdapter(config, { name: 'elastic', logger: testLogger }));
    await expect(make({})).rejects.toThrow(/addresses/);
    await expect(make({ addresses: ['ftp://x'] })).rejects.toThrow(/addresses\.0/);
    await expect(make({ addresses: ['http://x'], username: 'u' })).rejects.toThrow(/password/);
    await expect(make({ addresses: ['http://x'], apiKey: 'k', bearerToken: 't-secret-value' })).rejects.toThrow(
      /apiKey/,
    );
    await expect(make({ addresses: ['http://x'], cloudID: 'nonsense!' })).rejects.toThrow(/cloudID/);
    await expect(make({ addresses: ['http://x'], pageSize: 0 })).rejects.toThrow(/pageSize/);
    await expect(make({ addresses: ['http://x'], caFile: '/nonexistent/ca.pem' })).rejects.toThrow(/caFile/);
    await expect(make({ addresses: ['http://x'], timestampField: '_id' })).rejects.toThrow(/timestampField/);
    await expect(make({ addresses: ['http://x'], bearerToken: 't-secret-value', typo: 1 })).rejects.toThrow(
      /typo|Unrecognized/,
    );
  });
});
