/** POST /graphql without Express: the answer as written on the wire. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { graphqlFrom } from '../../helpers/http-from.js';

describe('POST /graphql', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
  });
  afterAll(() => gateway.stop());

  const post = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return { response, bytes, body: JSON.parse(bytes.toString('utf8')) as { data: Record<string, unknown> } };
  };

  it('sends an answer with characters beyond ASCII whole, its length counted in UTF-8 bytes', async () => {
    const services = await gqlData<{ services: { nodes: { name: string }[] } }>(
      gateway.url,
      '{ services(first: 1) { nodes { name } } }',
    );
    const title = 'Zahlungsdienst überlastet — 支付服务 🚨';
    const created = await gqlData<{ incidentCreate: { incident: { id: string } } }>(
      gateway.url,
      'mutation($input: IncidentCreateInput!) { incidentCreate(input: $input) { incident { id } } }',
      { input: { title, severity: 'HIGH', service: services.services.nodes[0]?.name } },
    );
    const { response, bytes, body } = await post('query($id: ID!) { incident(id: $id) { title } }', {
      id: created.incidentCreate.incident.id,
    });
    expect(response.status).toBe(200);
    expect(body.data).toEqual({ incident: { title } });
    expect(bytes.length).toBeGreaterThan(JSON.stringify(body).length);
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers each accept header with the media type Apollo Server negotiates for it, every time', async () => {
    const asked = async (accept: string) => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: '{ services(first: 1) { nodes { name } } }' }),
      });
      await response.arrayBuffer();
      return `${response.status} ${response.headers.get('content-type')}`;
    };
    const expected: Record<string, string> = {
      '*/*': '200 application/json; charset=utf-8',
      'application/json': '200 application/json; charset=utf-8',
      'application/graphql-response+json,application/json;q=0.9':
        '200 application/graphql-response+json; charset=utf-8',
      'text/html': '406 application/json; charset=utf-8',
    };
    for (let round = 0; round < 3; round++) {
      for (const [accept, answer] of Object.entries(expected)) expect(await asked(accept)).toBe(answer);
    }
  });

  it('answers a request without an accept header as JSON, an operation with errors too', async () => {
    // Node's own client sends no accept header (fetch always sends one).
    const asked = async (query: string) => {
      const answer = await graphqlFrom(gateway.url, '127.0.0.1', query);
      return { status: answer.status, type: answer.headers['content-type'], body: JSON.parse(answer.body) as unknown };
    };
    for (let round = 0; round < 2; round++) {
      expect(await asked('{ __typename }')).toEqual({
        status: 200,
        type: 'application/json; charset=utf-8',
        body: { data: { __typename: 'Query' } },
      });
      expect(await asked('{ incident(id: "nope") { id } }')).toMatchObject({
        type: 'application/json; charset=utf-8',
        body: {
          errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: expect.any(String) }) })],
        },
      });
    }
  });

  it('sends a large answer whole', async () => {
    const { response, bytes, body } = await post('{ incidents(first: 100) { nodes { id title description } } }');
    expect(response.status).toBe(200);
    expect((body.data.incidents as { nodes: unknown[] }).nodes.length).toBeGreaterThan(10);
    expect(bytes.length).toBeGreaterThan(4096);
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
  });
});
