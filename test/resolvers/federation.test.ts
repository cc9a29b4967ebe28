/**
 * The gateway as an Apollo Federation v2 subgraph, composed with a second subgraph (written with
 * @apollo/subgraph here) that extends `Service` by name, behind a real @apollo/gateway with
 * IntrospectAndCompose; and `_entities` batched through the data floor.
 */
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallLog, countingAdapter } from '../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { gql, gqlData } from '../helpers/graphql.js';

/** A finance subgraph that knows services only by name; `budgeted` may be filled in later. */
const FINANCE_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Service @key(fields: "name") {
    name: String!
    costCenter: String!
  }
  type Query {
    "Services finance pays for, by name."
    budgetedServices: [Service]!
  }
`;
const costCenterOf = (name: string) => `cc-${name.length}-${name.toUpperCase()}`;

interface Started {
  url: string;
  stop(): Promise<void>;
}

async function startFinance(budgeted: string[]): Promise<Started> {
  const server = new ApolloServer({
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    schema: buildSubgraphSchema({
      typeDefs: parse(FINANCE_SDL),
      resolvers: {
        Query: { budgetedServices: () => budgeted.map((name) => ({ name })) },
        Service: {
          __resolveReference: (ref: { name: string }) => ref,
          costCenter: (service: { name: string }) => costCenterOf(service.name),
        },
      },
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { url, stop: () => server.stop() };
}

async function startSupergraph(subgraphs: { name: string; url: string }[]): Promise<Started> {
  // Every subgraph request on a connection of its own. A pooled idle connection is reused until the
  // client's clock says the server's advertised keep-alive (Node's 5 s on the finance subgraph) is
  // nearly over, but undici's keep-alive clock moves half a second per timer tick whatever the real
  // time: while composition or a loaded machine holds the event loop it falls behind, and the first
  // supergraph query reused the finance connection left idle since introspection just as the
  // server closed it ("fetch failed"). The gateway's default fetcher kept idle connections forever.
  const connections = new Agent({ pipelining: 0 });
  const server = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl: new IntrospectAndCompose({ subgraphs }),
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource({
          url,
          fetcher: (input, init) => undiciFetch(input, { ...init, dispatcher: connections }),
        }),
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return {
    url,
    stop: async () => {
      await server.stop();
      await connections.close();
    },
  };
}

describe('federation subgraph', () => {
  let gateway: TestGateway;
  let log: CallLog;
  let finance: Started;
  let supergraph: Started;
  let serviceNames: string[];

  beforeAll(async () => {
    const counted = countingAdapter(await mockAdapter());
    log = counted.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], { federation: true });
    const budgeted: string[] = [];
    finance = await startFinance(budgeted);
    // Composition blocks this process for a while: the gateway's idle keep-alive sockets from
    // before it may be closed by the server just as the client reuses them, so read afterwards.
    supergraph = await startSupergraph([
      { name: 'opsorch', url: gateway.url },
      { name: 'finance', url: finance.url },
    ]);
    const data = await gqlData<{ services: { nodes: { name: string }[] } }>(
      gateway.url,
      '{ services(first: 3) { nodes { name } } }',
    );
    serviceNames = data.services.nodes.map((s) => s.name);
    expect(serviceNames).toHaveLength(3);
    budgeted.push(...serviceNames, 'not-a-service');
  });
  afterAll(async () => {
    await supergraph?.stop();
    await finance?.stop();
    await gateway?.stop();
  });

  it('serves its SDL with the federation link and a key on every entity', async () => {
    const { _service } = await gqlData<{ _service: { sdl: string } }>(gateway.url, '{ _service { sdl } }');
    expect(_service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])');
    for (const type of ['Incident', 'Team', 'Ticket', 'Alert', 'Deployment', 'OrchestrationRun']) {
      expect(_service.sdl).toMatch(new RegExp(`type ${type} implements Node\\s+@key\\(fields: "id"\\)\\s*\\{`));
    }
    expect(_service.sdl).toMatch(/type Service implements Node\s+@key\(fields: "id"\)\s+@key\(fields: "name"\)\s*\{/);
  });

  it('answers a supergraph query that starts in this subgraph and joins the other by service name', async () => {
    const query = '{ incidents(first: 10) { nodes { id title service { name costCenter } } } }';
    const direct = await gqlData<{ incidents: { nodes: { id: string; service: { name: string } | null }[] } }>(
      gateway.url,
      '{ incidents(first: 10) { nodes { id service { name } } } }',
    );
    const composed = await gqlData<{
      incidents: { nodes: { id: string; service: { name: string; costCenter: string } | null }[] };
    }>(supergraph.url, query);
    expect(composed.incidents.nodes.map((n) => n.id)).toEqual(direct.incidents.nodes.map((n) => n.id));
    const withService = composed.incidents.nodes.filter((n) => n.service);
    expect(withService.length).toBeGreaterThan(0);
    for (const node of withService) {
      const service = node.service as { name: string; costCenter: string };
      expect(service.costCenter).toBe(costCenterOf(service.name));
    }
  });

  it('answers a supergraph query that starts in the other subgraph and resolves services by name here', async () => {
    const composed = await gql<{
      budgetedServices: ({ name: string; costCenter: string; id: string; team: { name: string } | null } | null)[];
    }>(supergraph.url, '{ budgetedServices { name costCenter id team { name } } }');
    const direct = await gqlData<{
      services: { nodes: { id: string; name: string; team: { name: string } | null }[] };
    }>(gateway.url, '{ services(first: 3) { nodes { id name team { name } } } }');
    const services = composed.data?.budgetedServices ?? [];
    expect(services.slice(0, 3).map((s) => s && { id: s.id, name: s.name, team: s.team })).toEqual(
      direct.services.nodes,
    );
    // A name this subgraph does not know resolves to null, not to an error for the whole list.
    expect(services).toHaveLength(4);
    expect(services[3]).toBeNull();
  });

  it('resolves 50 incident references with one provider call', async () => {
    // The seeded world has fewer than 50 incidents: open more through the API.
    for (let i = 0; i < 30; i++) {
      await gqlData(gateway.url, 'mutation($t: String!) { incidentCreate(input: { title: $t }) { incident { id } } }', {
        t: `Federation reference ${i}`,
      });
    }
    const { incidents } = await gqlData<{ incidents: { nodes: { id: string; title: string }[] } }>(
      gateway.url,
      '{ incidents(first: 50) { nodes { id title } } }',
    );
    expect(incidents.nodes).toHaveLength(50);
    log.reset();
    const { _entities } = await gqlData<{ _entities: { id: string; title: string }[] }>(
      gateway.url,
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Incident { id title } } }',
      { r: incidents.nodes.map((n) => ({ __typename: 'Incident', id: n.id })) },
    );
    expect(_entities).toEqual(incidents.nodes);
    expect(log.calls).toMatchObject([{ capability: 'incident', op: 'getMany', items: 50, signal: true }]);
  });

  it('rejects a reference whose ID is of another kind', async () => {
    const { incidents } = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ incidents(first: 1) { nodes { id } } }',
    );
    const result = await gql(gateway.url, 'query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', {
      r: [{ __typename: 'Team', id: incidents.nodes[0]?.id }],
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('federation subgraph over a provider that takes time', () => {
  it("starts an incident reference's reads keyed by its ID with the incident, as incident(id:) does", async () => {
    const counted = countingAdapter(await mockAdapter({ latencyMs: 5 }));
    const gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], { federation: true });
    try {
      const { incidents } = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
        gateway.url,
        '{ incidents(first: 1) { nodes { id } } }',
      );
      counted.log.reset();
      const { _entities } = await gqlData<{ _entities: { timeline: { totalCount: number } }[] }>(
        gateway.url,
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Incident { title timeline(first: 5) { totalCount } } } }',
        { r: [{ __typename: 'Incident', id: incidents.nodes[0]?.id }] },
      );
      expect(_entities[0]?.timeline.totalCount).toBeGreaterThan(0);
      const started = (op: string) => counted.log.calls.filter((c) => c.op === op).map((c) => c.settledBefore);
      expect(started('getMany')).toEqual([0]);
      expect(started('timelines')).toEqual([0]);
    } finally {
      await gateway.stop();
    }
  });
});

describe('federation across providers', () => {
  it('costs one call per provider for references spread over two providers', async () => {
    const east = countingAdapter(await mockAdapter());
    const west = countingAdapter(await mockAdapter());
    const gateway = await startTestGateway(
      [
        { name: 'east', adapter: east.adapter, capabilities: ['incident'] },
        { name: 'west', adapter: west.adapter, capabilities: ['incident'] },
      ],
      { federation: true },
    );
    try {
      const { incidents } = await gqlData<{ incidents: { nodes: { id: string; source: { provider: string } }[] } }>(
        gateway.url,
        '{ incidents(first: 40) { nodes { id source { provider } } } }',
      );
      const providers = new Set(incidents.nodes.map((n) => n.source.provider));
      expect(providers).toEqual(new Set(['east', 'west']));
      east.log.reset();
      west.log.reset();
      const { _entities } = await gqlData<{ _entities: { id: string }[] }>(
        gateway.url,
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Incident { id } } }',
        { r: incidents.nodes.map((n) => ({ __typename: 'Incident', id: n.id })) },
      );
      expect(_entities.map((e) => e.id)).toEqual(incidents.nodes.map((n) => n.id));
      const count = (p: string) => incidents.nodes.filter((n) => n.source.provider === p).length;
      expect(east.log.calls).toMatchObject([
        { capability: 'incident', op: 'getMany', items: count('east'), signal: true },
      ]);
      expect(west.log.calls).toMatchObject([
        { capability: 'incident', op: 'getMany', items: count('west'), signal: true },
      ]);
    } finally {
      await gateway.stop();
    }
  });

  it('is off unless asked for', async () => {
    const gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    try {
      const result = await gql(gateway.url, '{ _service { sdl } }');
      expect(result.errors?.[0]?.message).toMatch(/Cannot query field "_service"/);
    } finally {
      await gateway.stop();
    }
  });
});
