/** The introspection policy through the real server, with introspection turned off. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';

describe('introspection policy, introspection off', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      security: { introspection: false },
    });
  });
  afterAll(() => gateway.stop());

  const post = async (query: string) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { extensions?: { code?: string } }[];
    };
    return { status: response.status, body };
  };

  it('refuses an introspection query every time it is sent, the same text included', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __schema { queryType { name } } }']) {
      const { status, body } = await post(query);
      expect(status).toBe(403);
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(body.data).toBeUndefined();
    }
  });

  it('refuses a query that asks for a type beside ordinary fields', async () => {
    const { status, body } = await post('{ services(first: 1) { nodes { name } } __type(name: "Incident") { name } }');
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('answers queries without introspection, __typename included, every time', async () => {
    for (let i = 0; i < 2; i++) {
      const { status, body } = await post('{ __typename services(first: 1) { nodes { name } } }');
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data?.__typename).toBe('Query');
    }
  });
});
