/**
 * Queries and mutations run compiled (graphql-jit) through the real server: the compiled operations
 * stay within their bound, two documents never share one, and what graphql-jit would answer
 * differently is answered by graphql-js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
    limits: { compiledOperations: 2 },
  });
});
afterAll(() => gateway.stop());

const compiled = async () => (await readyLive(gateway)).compiledOperations;

async function post(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('compiled operations', () => {
  it('keeps at most the bound, compiling an evicted operation again when it runs', async () => {
    const documents = [1, 2, 3].map((n) => `{ incidents(first: ${n}) { nodes { id title severity } } }`);
    const first = await Promise.all(documents.map((d) => gqlData(gateway.url, d)));
    const before = await compiled();
    expect(before.operations).toBe(2);
    // The least recently used (the first) was evicted; it answers the same when compiled again.
    expect(await gqlData(gateway.url, documents[0] as string)).toEqual(first[0]);
    const after = await compiled();
    expect(after).toMatchObject({ operations: 2, compilations: before.compilations + 1 });
    // The one run just before it is still kept: no compilation.
    expect(await gqlData(gateway.url, documents[2] as string)).toEqual(first[2]);
    expect((await compiled()).compilations).toBe(after.compilations);
  });

  it('never runs one document as another with the same operation name', async () => {
    const titles = await gqlData<{ incidents: { nodes: Record<string, unknown>[] } }>(
      gateway.url,
      'query Same { incidents(first: 2) { nodes { title } } }',
    );
    const ids = await gqlData<{ incidents: { nodes: Record<string, unknown>[] } }>(
      gateway.url,
      'query Same { incidents(first: 2) { nodes { id } } }',
    );
    expect(titles.incidents.nodes.map(Object.keys)).toEqual([['title'], ['title']]);
    expect(ids.incidents.nodes.map(Object.keys)).toEqual([['id'], ['id']]);
  });

  it('runs the operation a request names in a document of several', async () => {
    const document = 'query A { incidents(first: 1) { totalCount } } query B { incidents(first: 1) { nodes { id } } }';
    const a = await post({ query: document, operationName: 'A' });
    const b = await post({ query: document, operationName: 'B' });
    expect(Object.keys((a.json.data as { incidents: object }).incidents)).toEqual(['totalCount']);
    expect(Object.keys((b.json.data as { incidents: object }).incidents)).toEqual(['nodes']);
  });
});

describe('answered by graphql-js', () => {
  it('variables that do not coerce: BAD_USER_INPUT with status 400 and the variable named', async () => {
    const result = await gql(gateway.url, 'query Q($first: Int) { incidents(first: $first) { totalCount } }', {
      first: 'many',
    });
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Variable "\$first" got invalid value "many"/),
        extensions: { code: 'BAD_USER_INPUT' },
      }),
    ]);
  });

  it('an operation name the document does not hold', async () => {
    const { status, json } = await post({
      query: 'query A { incidents(first: 1) { totalCount } } query B { incidents(first: 1) { totalCount } }',
      operationName: 'Nope',
    });
    expect(status).toBe(400);
    expect(json.errors).toEqual([
      { message: 'Unknown operation named "Nope".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } },
    ]);
  });
});

describe('compiled operations within their byte bound', () => {
  // An eighth is 50,000 bytes: six fields compile (2 KiB a field and the document's estimate),
  // fifty do not.
  const BOUND = 400_000;
  let bounded: TestGateway;
  beforeAll(async () => {
    bounded = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { compiledOperationBytes: BOUND },
    });
  });
  afterAll(() => bounded.stop());
  const held = async () => (await readyLive(bounded)).compiledOperations;

  it('keeps no more than OPSORCH_COMPILED_OPERATION_BYTES, least recently used out first', async () => {
    const operation = (n: number) => `query Q${n} { incidents(first: ${n}) { nodes { id title status severity } } }`;
    for (let n = 1; n <= 40; n++) await gqlData(bounded.url, operation(n));
    const { operations, bytes, compilations } = await held();
    expect(compilations).toBe(40);
    expect(bytes).toBeLessThanOrEqual(BOUND);
    expect(operations).toBeGreaterThan(5);
    expect(operations).toBeLessThan(40);
    // The last is still held; the first was let go and is compiled again.
    await gqlData(bounded.url, operation(40));
    expect((await held()).compilations).toBe(40);
    await gqlData(bounded.url, operation(1));
    expect((await held()).compilations).toBe(41);
  });

  it('runs an operation larger than an eighth of it with graphql-js, keeping nothing, and answers the same', async () => {
    const fields = 'id title status severity createdAt updatedAt';
    const wide = `{ ${Array.from({ length: 5 }, (_, i) => `i${i}: incidents(first: 2) { nodes { ${fields} service { name } } }`).join(' ')} }`;
    const before = await held();
    const answer = await gqlData(bounded.url, wide);
    expect(await gqlData(bounded.url, wide)).toEqual(answer);
    const after = await held();
    expect(after.compilations).toBe(before.compilations);
    expect(after.operations).toBe(before.operations);
    // Compiled where the bound has room: the same answer.
    expect(await gqlData(gateway.url, wide)).toEqual(answer);
  });
});
