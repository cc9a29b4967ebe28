/**
 * The edge limits, attacked the way the audit did, through the real server: every over-limit
 * request is refused with its own code and a message naming the limit, before any provider call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CallLog, countingAdapter } from '../../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gql } from '../../../helpers/graphql.js';

let gateway: TestGateway;
let calls: CallLog;

beforeAll(async () => {
  const counted = countingAdapter(await mockAdapter());
  calls = counted.log;
  gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }]);
});
afterAll(() => gateway.stop());
beforeEach(() => calls.reset());

async function post(body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function firstError(result: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) {
  const error = result.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  return error;
}

describe('static cost analysis', () => {
  it('refuses the alias bomb before any provider call', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: incidents(first: 100) { totalCount }`);
    const result = await gql(gateway.url, `{ ${aliases.join(' ')} }`);
    expect(result.status).toBe(400);
    const error = firstError(result);
    expect(error.extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', limit: 'OPSORCH_MAX_ALIASES', max: 50 });
    expect(error.message).toBe(
      'aliased fields in a document: 500 aliases is 450 over the limit of 50 (OPSORCH_MAX_ALIASES)',
    );
    expect(calls.calls).toEqual([]);
  });

  it('refuses the 1 MB alias bomb as a document too large to parse', async () => {
    const aliases = Array.from({ length: 50_000 }, (_, i) => `a${i}: __typename`);
    const query = `{ ${aliases.join(' ')} }`;
    const result = await gql(gateway.url, query);
    expect(result.status).toBe(413);
    expect(firstError(result).extensions).toMatchObject({
      code: 'DOCUMENT_TOO_LARGE',
      limit: 'OPSORCH_MAX_DOCUMENT_BYTES',
      max: 65_536,
      actual: Buffer.byteLength(query),
    });
    expect(calls.calls).toEqual([]);
  });

  it('refuses the fragment multiplier (16 aliases through four fragments) before any provider call', async () => {
    const aliased = (name: string, field: string) =>
      Array.from({ length: 16 }, (_, i) => `${name}${i}: ${field}`).join(' ');
    const query = [
      '{ ...F1 }',
      `fragment F1 on Query { ${aliased('a', 'incidents(first: 100) { nodes { ...F2 } }')} }`,
      `fragment F2 on Incident { ${aliased('b', 'service { ...F3 }')} }`,
      `fragment F3 on Service { ${aliased('c', 'team { ...F4 }')} }`,
      `fragment F4 on Team { ${aliased('d', 'name')} }`,
    ].join(' ');
    expect(query.length).toBeLessThan(2_000);
    const result = await gql(gateway.url, query);
    expect(result.status).toBe(400);
    expect(firstError(result).extensions).toMatchObject({ code: 'TOO_MANY_ALIASES', actual: 64, max: 50 });
    expect(calls.calls).toEqual([]);
  });

  it('costs nested fragments by what they multiply, not by their size', async () => {
    // 30 aliases, 11 levels: inside the alias and depth limits, yet a trillion fields.
    const level = (name: string, next: string) =>
      `fragment ${name} on Incident { ${Array.from({ length: 10 }, (_, i) => `${name}${i}: service { incidents(first: 100) { nodes { ${next} } } }`).join(' ')} }`;
    const query = `{ incidents(first: 100) { nodes { ...L1 } } } ${level('L1', '...L2')} ${level('L2', '...L3')} ${level('L3', 'id')}`;
    const result = await gql(gateway.url, query);
    expect(result.status).toBe(400);
    const error = firstError(result);
    expect(error.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(error.extensions?.actual).toBeGreaterThan(1e11);
    expect(error.message).toMatch(
      /^static cost of the operation: \d+ points is \d+ over the limit of 20000 \(OPSORCH_MAX_COST\)$/,
    );
    expect(calls.calls).toEqual([]);
  });

  it('refuses the 128-byte nested connection over a thousand incidents with its computed cost', async () => {
    const query =
      '{incidents(first:100){nodes{service{incidents(first:100){nodes{service{incidents(first:100){nodes{id}}}}}}}}}';
    expect(query.length).toBeLessThanOrEqual(128);
    const result = await gql(gateway.url, query);
    const error = firstError(result);
    // 1 + 100 × (nodes 1 + service 1 + (1 + 100 × (...))): the three levels multiply.
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', actual: 2_030_301, max: 20_000 });
    expect(calls.calls).toEqual([]);
  });

  it('counts `first` given in a variable, and a connection without one at its default', async () => {
    const query =
      'query($n: Int) { incidents(first: $n) { nodes { service { incidents(first: $n) { nodes { id } } } } } }';
    const big = await gql(gateway.url, query, { n: 200 });
    expect(firstError(big).extensions).toMatchObject({
      code: 'QUERY_TOO_COSTLY',
      actual: 1 + 200 * (1 + 1 + 1 + 200 * 2),
    });
    const defaulted = await gql(gateway.url, query);
    expect(defaulted.errors).toBeUndefined();
    expect(calls.count()).toBeGreaterThan(0);
  });

  it('refuses too many root fields', async () => {
    const roots = Array.from({ length: 21 }, () => '__typename').join(' ');
    const result = await gql(gateway.url, `{ ${roots} }`);
    expect(firstError(result).extensions).toMatchObject({ code: 'TOO_MANY_ROOT_FIELDS', actual: 21, max: 20 });
  });

  it('serves the example incident page well inside the limits', async () => {
    const result = await gql(
      gateway.url,
      '{ incidents(first: 50) { nodes { id title service { name team { name onCall { name } } } timeline(first: 20) { nodes { body } } } } }',
    );
    expect(result.errors).toBeUndefined();
  });
});

describe('parser and body limits', () => {
  it('refuses a document of repeated tokens before parsing it', async () => {
    const query = `{ ${'a '.repeat(20_000)} }`;
    expect(Buffer.byteLength(query)).toBeLessThan(65_536);
    const result = await gql(gateway.url, query);
    expect(result.status).toBe(400);
    expect(firstError(result).extensions).toMatchObject({
      code: 'TOO_MANY_TOKENS',
      limit: 'OPSORCH_MAX_TOKENS',
      max: 10_000,
    });
    expect(firstError(result).message).toMatch(
      /^lexical tokens in a document, counted before parsing: 20002 tokens is 10002 over the limit of 10000/,
    );
  });

  it('answers an oversized body with a JSON 413 naming the limit', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_200_000) } });
    const { status, json } = await post(body);
    expect(status).toBe(413);
    expect(json).toMatchObject({
      errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 'OPSORCH_MAX_BODY_BYTES', max: 1_048_576 } }],
    });
    expect(String((json.errors as { message: string }[])[0]?.message)).toMatch(/over the limit of 1048576 bytes/);
  });
});

describe('the document cache', () => {
  it('keeps only valid documents and stays within its byte bound', async () => {
    const small = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { documentCacheBytes: 1_000_000 },
    });
    try {
      const live = async () =>
        (
          (await (await fetch(small.url.replace('/graphql', '/readyz'))).json()) as {
            live: { documentCache: { documents: number; bytes: number } };
          }
        ).live.documentCache;
      for (let i = 0; i < 20; i++) {
        // Invalid: an unknown field; never cached.
        await gql(small.url, `{ nope${i} ${'x'.repeat(100)} }`);
      }
      expect((await live()).documents).toBe(0);
      for (let i = 0; i < 40; i++) {
        const padding = `"${'p'.repeat(2_000)}${i}"`;
        const result = await gql(small.url, `{ incidents(filter: { query: ${padding} }, first: 1) { totalCount } }`);
        expect(result.errors).toBeUndefined();
      }
      const cache = await live();
      expect(cache.bytes).toBeLessThanOrEqual(1_000_000);
      expect(cache.documents).toBeGreaterThan(0);
      expect(cache.documents).toBeLessThan(40);
    } finally {
      await small.stop();
    }
  });
});
