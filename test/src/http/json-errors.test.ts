/**
 * Edges that give nothing away, over real HTTP: malformed bodies, wrong content types, bad
 * charsets, unknown routes, persisted-query mismatches and subscriptions sent over plain HTTP get
 * JSON errors with client codes, and a seeded fuzz run over bodies, documents and variables never
 * sees a 5xx, HTML, a stack trace or a file path.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeToken } from '../../helpers/auth.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';

const admin = makeToken('fuzz-admin', ['read', 'write', 'admin']);
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
    security: { auth: { tokens: [admin.entry] } },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

interface Probe {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string | Uint8Array | undefined;
  authorized: boolean;
}

async function send(probe: Probe): Promise<{ status: number; contentType: string; text: string }> {
  const base = gateway.url.replace(/\/graphql$/, '');
  const response = await fetch(`${base}${probe.path}`, {
    method: probe.method,
    headers: {
      ...(probe.contentType ? { 'content-type': probe.contentType } : {}),
      ...(probe.authorized ? bearer(admin.token) : {}),
    },
    ...(probe.body !== undefined && probe.method !== 'GET' && probe.method !== 'HEAD' ? { body: probe.body } : {}),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** What no answer may contain: markup, stack frames, paths of this machine. */
function leaks(text: string): string | undefined {
  const checks: [RegExp, string][] = [
    [/<html|<!doctype|<pre>/i, 'HTML'],
    [/\bat [^\s(]+ \(|\bat (?:async )?[\w.<>]+ \(?[/\\]/, 'a stack frame'],
    [/\/work\/|node_modules|[\w-]+\.(?:ts|js):\d+/, 'a file path'],
  ];
  return checks.find(([pattern]) => pattern.test(text))?.[1];
}

function expectClean(answer: { status: number; contentType: string; text: string }): void {
  expect(answer.status).toBeLessThan(500);
  expect(answer.contentType).not.toMatch(/html/);
  expect(leaks(answer.text)).toBeUndefined();
}

describe('malformed requests', () => {
  const cases: [string, Probe, number, string][] = [
    [
      'invalid JSON',
      { method: 'POST', path: '/graphql', contentType: 'application/json', body: '{"query":', authorized: true },
      400,
      'BAD_REQUEST',
    ],
    [
      'a JSON array',
      { method: 'POST', path: '/graphql', contentType: 'application/json', body: '[1,2]', authorized: true },
      400,
      'BAD_REQUEST',
    ],
    [
      'a JSON string',
      { method: 'POST', path: '/graphql', contentType: 'application/json', body: '"query"', authorized: true },
      400,
      'BAD_REQUEST',
    ],
    [
      'text/plain',
      { method: 'POST', path: '/graphql', contentType: 'text/plain', body: '{ __typename }', authorized: true },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'no content type',
      { method: 'POST', path: '/graphql', contentType: undefined, body: '{}', authorized: true },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a latin-1 charset',
      {
        method: 'POST',
        path: '/graphql',
        contentType: 'application/json; charset=latin1',
        body: '{}',
        authorized: true,
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an unknown route',
      { method: 'GET', path: '/etc/passwd', contentType: undefined, body: undefined, authorized: true },
      404,
      'NOT_FOUND',
    ],
  ];
  it.each(cases)('answers %s with a JSON error', async (_, probe, status, code) => {
    const answer = await send(probe);
    expectClean(answer);
    expect(answer.status).toBe(status);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect((JSON.parse(answer.text) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      code,
    );
  });

  it('answers a persisted-query hash that does not match its query with a client error', async () => {
    const query = '{ __typename }';
    const wrong = createHash('sha256').update('something else').digest('hex');
    const answer = await send({
      method: 'POST',
      path: '/graphql',
      contentType: 'application/json',
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } }),
      authorized: true,
    });
    expectClean(answer);
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.message).toMatch(/sha|hash/i);
    expect(body.errors[0]?.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
  });

  it('answers a subscription sent as a plain HTTP request with a client error naming the transports', async () => {
    const answer = await send({
      method: 'POST',
      path: '/graphql',
      contentType: 'application/json',
      body: JSON.stringify({ query: 'subscription { incidentUpdated { incident { id } } }' }),
      authorized: true,
    });
    expectClean(answer);
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0]?.message).toMatch(/WebSocket/);
  });
});

describe('fuzzing the edge', () => {
  const json = fc.jsonValue({ maxDepth: 3 });
  const documents = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom(
      '{ __typename }',
      '{ incidents(first: 2) { nodes { id title } } }',
      'query Q($id: ID!) { incident(id: $id) { id } }',
      'mutation M($t: String!) { incidentCreate(input: { title: $t }) { incident { id } } }',
      '{ __schema { types { name } } }',
      'subscription { incidentUpdated { incident { id } } }',
      '{ incident(id: 1) { id } ',
      'query { a: __typename b: __typename }',
    ),
  );
  const graphqlBody = fc
    .record(
      {
        query: fc.oneof(documents, json),
        variables: fc.oneof(fc.dictionary(fc.constantFrom('id', 't', 'x', '__proto__'), json), json),
        operationName: fc.oneof(fc.string({ maxLength: 10 }), json),
        extensions: fc.oneof(json, fc.record({ persistedQuery: fc.record({ version: json, sha256Hash: json }) })),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body));
  const probe: fc.Arbitrary<Probe> = fc.record({
    method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE'),
    path: fc.oneof(
      fc.constant('/graphql'),
      fc.constant('/graphql'),
      fc.string({ maxLength: 30 }).map((q) => `/graphql?query=${encodeURIComponent(q)}`),
      fc.constantFrom('/graphql?query=%7B__typename%7D&variables=%7Bx', '/readyz', '/metrics', '/nope', '/graphql/x'),
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=nonsense',
      'application/graphql',
      'text/plain',
      'multipart/form-data; boundary=x',
      undefined,
    ),
    body: fc.oneof(graphqlBody, graphqlBody, fc.string({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 })),
    authorized: fc.boolean(),
  });

  it('never answers with a 5xx, HTML, a stack trace or a file path (2,000 seeded cases)', async () => {
    await fc.assert(
      fc.asyncProperty(probe, async (p) => {
        expectClean(await send(p));
      }),
      { numRuns: 2000, seed: 20261201, endOnFailure: true },
    );
  }, 300_000);
});
