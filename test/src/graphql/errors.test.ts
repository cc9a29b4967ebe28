/** Bad input gets a clear error with a stable code; a missing or failing provider costs only its own fields. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import { AdapterError } from '../../../adapters/contract/index.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';

describe('argument errors', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
  });
  afterAll(() => gateway.stop());

  it.each([
    ['first: 0', '{ incidents(first: 0) { nodes { id } } }', /first must be between 1 and 100, got 0/],
    ['first: 1000', '{ alerts(first: 1000) { nodes { id } } }', /first must be between 1 and 100, got 1000/],
    [
      'nested first: -1',
      '{ incidents(first: 1) { nodes { timeline(first: -1) { nodes { id } } } } }',
      /first must be between 1 and 100/,
    ],
    [
      'inverted createdWithin',
      '{ incidents(filter: { createdWithin: { start: "2026-11-20T00:00:00Z", end: "2026-11-19T00:00:00Z" } }) { nodes { id } } }',
      /start \(2026-11-20T00:00:00.000Z\) is after end/,
    ],
    [
      'inverted log window',
      '{ logs(query: { start: "2026-11-20T00:00:00Z", end: "2026-11-19T00:00:00Z" }) { entries { message } } }',
      /is after end/,
    ],
    [
      'log limit',
      '{ logs(query: { start: "2026-11-19T00:00:00Z", end: "2026-11-20T00:00:00Z", limit: 5000 }) { entries { message } } }',
      /limit must be between 1 and 1000/,
    ],
    [
      'metric without name',
      '{ metrics(query: { start: "2026-11-19T00:00:00Z", end: "2026-11-20T00:00:00Z" }) { name } }',
      /needs a name or an expression/,
    ],
    [
      'metric step 0',
      '{ metrics(query: { name: "x", start: "2026-11-19T00:00:00Z", end: "2026-11-20T00:00:00Z", step: 0 }) { name } }',
      /step must be a positive/,
    ],
    ['malformed ID', '{ incident(id: "definitely not an id") { id } }', /malformed ID/],
    ['malformed cursor', '{ incidents(after: "???") { nodes { id } } }', /malformed cursor/],
  ])('%s → BAD_USER_INPUT', async (_name, query, message) => {
    const result = await gql(gateway.url, query);
    expect(result.status).toBeLessThan(500);
    const error = result.errors?.[0];
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(message);
    expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it('rejects a DateTime literal that is not RFC 3339 while validating the document', async () => {
    const result = await gql(
      gateway.url,
      '{ logs(query: { start: "yesterday", end: "2026-11-20T00:00:00Z" }) { entries { message } } }',
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/RFC 3339/);
    expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it('rejects unknown fields and syntax errors with stable codes, not 500s', async () => {
    const unknown = await gql(gateway.url, '{ incidents { nodes { nope } } }');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const syntax = await gql(gateway.url, '{ incidents { ');
    expect(syntax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(syntax.status).toBe(400);
  });

  it('rejects documents nested beyond the depth limit', async () => {
    const deep =
      '{ incidents { nodes { service { team { services { nodes { team { services { nodes { team { services { nodes { team { name } } } } } } } } } } } } } }';
    const result = await gql(gateway.url, deep);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(result.errors?.[0]?.message).toBe(
      'nesting of selections: 13 levels is 1 over the limit of 12 (OPSORCH_MAX_DEPTH)',
    );
    expect(result.data ?? null).toBeNull();
  });
});

describe('capabilities without a provider', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter(), capabilities: ['incident'] }]);
  });
  afterAll(() => gateway.stop());

  it('answers CAPABILITY_NOT_CONFIGURED for those fields while the rest of the query returns data', async () => {
    const result = await gql<{ incidents: { nodes: { id: string; title: string; service: null }[] }; tickets: null }>(
      gateway.url,
      '{ incidents(first: 2) { nodes { id title service { name } } } tickets { totalCount } }',
    );
    expect(result.data?.incidents.nodes).toHaveLength(2);
    expect(result.data?.incidents.nodes.every((i) => i.title && i.service === null)).toBe(true);
    expect(result.data?.tickets).toBeNull();
    const codes = result.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.capability]);
    expect(codes).toContainEqual(['incidents.nodes.0.service', 'CAPABILITY_NOT_CONFIGURED', 'service']);
    expect(codes).toContainEqual(['tickets', 'CAPABILITY_NOT_CONFIGURED', 'ticket']);
    expect(result.errors?.find((e) => e.path?.[0] === 'tickets')?.message).toMatch(/OPSORCH_TICKET_PROVIDER/);
  });

  it('lists only what is configured under providers', async () => {
    const result = await gql<{ providers: { capability: string; provider: string; health: { status: string } }[] }>(
      gateway.url,
      '{ providers { capability provider kind health { status checkedAt latencyMs } } }',
    );
    expect(result.data?.providers).toEqual([
      expect.objectContaining({
        capability: 'INCIDENT',
        provider: 'mock',
        health: expect.objectContaining({ status: 'HEALTHY' }),
      }),
    ]);
  });
});

describe('a failing provider', () => {
  let gateway: TestGateway;
  const SECRET = 'sk-live-should-never-leak';

  beforeAll(async () => {
    const mock = await mockAdapter();
    // A second provider that serves alerts and fails the way a real one does: an outage, plus a
    // crash whose message carries a credential that must not reach the client.
    const broken: Adapter = {
      kind: 'broken',
      capabilities: {
        alert: {
          query: async () => {
            throw new AdapterError('PROVIDER_ERROR', 'upstream answered 503 Service Unavailable');
          },
          getMany: async (ids) =>
            ids.map(() => new TypeError(`request to https://user:${SECRET}@alerts.example failed`)),
        },
      },
      checkHealth: async () => ({ status: 'DOWN', message: 'upstream answered 503' }),
    };
    gateway = await startTestGateway([
      { name: 'mock', adapter: mock, capabilities: ['incident', 'service', 'team'] },
      { name: 'alerts-eu', adapter: broken },
    ]);
  });
  afterAll(() => gateway.stop());

  it('costs only its own fields, with the provider and capability named', async () => {
    const result = await gql<{ incidents: { nodes: { title: string; service: { name: string }; alerts: null }[] } }>(
      gateway.url,
      '{ incidents(first: 3) { nodes { title service { name } alerts { nodes { id } } } } }',
    );
    expect(result.data?.incidents.nodes).toHaveLength(3);
    expect(result.data?.incidents.nodes.every((i) => i.title && i.service.name && i.alerts === null)).toBe(true);
    expect(result.errors).toHaveLength(3);
    for (const error of result.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'alerts-eu', capability: 'alert' });
      expect(error.message).toBe('upstream answered 503 Service Unavailable');
    }
  });

  it('never passes an unexpected error message (or a secret in it) to the client', async () => {
    const id = Buffer.from('Alert:alerts-eu:abc123').toString('base64url');
    const result = await gql(gateway.url, 'query($id: ID!) { alert(id: $id) { id } }', { id });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_ERROR',
      provider: 'alerts-eu',
      capability: 'alert',
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('reports the provider DOWN under providers and in /readyz', async () => {
    const result = await gql<{ providers: { provider: string; health: { status: string } }[] }>(
      gateway.url,
      '{ providers { provider health { status } } }',
    );
    expect(result.data?.providers.find((p) => p.provider === 'alerts-eu')?.health.status).toBe('DOWN');
    const ready = await fetch(gateway.url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(503);
  });
});
