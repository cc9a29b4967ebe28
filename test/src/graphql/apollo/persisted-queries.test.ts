/**
 * Automatic persisted queries through the real server: a hash alone runs a query registered before,
 * a wrong hash or an invalid query registers nothing, and the store keeps to its byte bound.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';

const CACHE_BYTES = 2_000;
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
    limits: { persistedQueryCacheBytes: CACHE_BYTES },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One APQ request: the hash, with the query text when registering it. */
async function persisted(hash: string, query?: string): Promise<Answer> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...(query ? { query } : {}),
      extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
    }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const codes = (answer: Answer) => answer.errors?.map((e) => e.extensions?.code);

describe('automatic persisted queries', () => {
  it('asks for the text of an unknown hash, then runs the registered query from its hash alone', async () => {
    const query = 'query ProviderKinds { providers { capability kind } }';
    const hash = sha256(query);
    const unknown = await persisted(hash);
    expect(codes(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const registered = await persisted(hash, query);
    expect(registered.errors).toBeUndefined();
    const byHash = await persisted(hash);
    expect(byHash.status).toBe(200);
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data).toEqual(registered.data);
    expect(byHash.data).toMatchObject({
      providers: expect.arrayContaining([expect.objectContaining({ kind: 'mock' })]),
    });
  });

  it('registers neither a query under a hash that is not its own nor an invalid query', async () => {
    const query = 'query Kinds { providers { kind } }';
    const wrong = await persisted(sha256('something else'), query);
    expect(wrong.status).toBe(400);
    expect(wrong.data).toBeUndefined();
    expect(codes(await persisted(sha256('something else')))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    const invalid = 'query Nope { noSuchField }';
    expect(codes(await persisted(sha256(invalid), invalid))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes(await persisted(sha256(invalid)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('keeps to its byte bound: past it the least recently used query is evicted and registers again', async () => {
    const queries = Array.from({ length: 40 }, (_, i) => `query Bound${i} { __typename }`);
    // 40 entries of ~100 bytes (text plus key) are twice the bound.
    for (const query of queries) expect((await persisted(sha256(query), query)).errors).toBeUndefined();
    const first = queries[0]!;
    const last = queries.at(-1)!;
    expect(codes(await persisted(sha256(first)))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await persisted(sha256(last))).data).toEqual({ __typename: 'Query' });
    const held = [];
    for (const query of queries) if (!(await persisted(sha256(query))).errors) held.push(query);
    const heldBytes = held.reduce((sum, query) => sum + query.length + 'apq:'.length + 64, 0);
    expect(held.length).toBeGreaterThan(0);
    expect(heldBytes).toBeLessThanOrEqual(CACHE_BYTES);
    // An evicted query costs its client one more round trip, never an error.
    expect((await persisted(sha256(first), first)).data).toEqual({ __typename: 'Query' });
    expect((await persisted(sha256(first))).data).toEqual({ __typename: 'Query' });
  });
});
