/**
 * The gateway's steps inside Apollo Server, through the real server: each still refuses what it
 * refused, in the order they are listed (the first refusal is the request's answer), the operation
 * is named on the caller for the audit trail, every operation is counted and logged, and federation's
 * inline trace answers only a federated gateway.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gql, gqlData } from '../../../helpers/graphql.js';
import { parseExposition, total } from '../../../helpers/metrics.js';

const TRACED = { 'apollo-federation-include-trace': 'ftv1' };

describe('the request steps', () => {
  let gateway: TestGateway;
  const lines: string[] = [];
  const auditLog = join(mkdtempSync(join(tmpdir(), 'request-steps-')), 'audit.log');

  beforeAll(async () => {
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      }),
    );
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      limits: { maxDepth: 2 },
      logger,
      security: {
        introspection: false,
        audit: { destination: auditLog, maxBytes: 1_000_000, keep: 1, reads: true },
      },
    });
  });
  afterAll(() => gateway.stop());

  const codeOf = async (query: string) => {
    const answer = await gql(gateway.url, query);
    return { status: answer.status, code: answer.errors?.[0]?.extensions?.code, errors: answer.errors?.length };
  };

  it('refuses each thing a step refuses', async () => {
    expect(await codeOf('{ incidents(first: 1) { edges { node { id } } } }')).toEqual({
      status: 400,
      code: 'QUERY_TOO_DEEP',
      errors: 1,
    });
    expect(await codeOf('{ __schema { description } }')).toEqual({ status: 403, code: 'FORBIDDEN', errors: 1 });
    expect(await codeOf('subscription { incidentUpdated { __typename } }')).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      errors: 1,
    });
  });

  it('answers a request two steps refuse with the first one listed: limits, introspection, subscriptions', async () => {
    expect(await codeOf('{ __schema { description } incidents(first: 1) { edges { node { id } } } }')).toMatchObject({
      status: 400,
      code: 'QUERY_TOO_DEEP',
    });
    expect(await codeOf('subscription { incidentUpdated { incident { service { name } } } }')).toMatchObject({
      status: 400,
      code: 'QUERY_TOO_DEEP',
    });
  });

  it('names the operation for the audit trail of the calls it makes', async () => {
    await gqlData(gateway.url, 'query StepsAudited { services(first: 1) { totalCount } }');
    const audited = readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { operation?: string });
    expect(audited.map((line) => line.operation)).toContain('query StepsAudited {services}');
  });

  it('counts and logs every operation, a refused one as an error with its code', async () => {
    const scrape = async () =>
      parseExposition(await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text());
    const where = (outcome: string) => ({ operation: 'StepsCounted', type: 'query', outcome });
    const before = await scrape();
    await gqlData(gateway.url, 'query StepsCounted { services(first: 1) { totalCount } }');
    await gql(gateway.url, 'query StepsCounted { incidents(first: 1) { edges { node { id } } } }');
    const after = await scrape();
    const delta = (outcome: string) =>
      total(after, 'opsorch_graphql_requests_total', where(outcome)) -
      total(before, 'opsorch_graphql_requests_total', where(outcome));
    expect([delta('ok'), delta('error')]).toEqual([1, 1]);
    const logged = lines
      .map((line) => JSON.parse(line) as { msg: string; operation?: string; errors?: string[]; requestId?: string })
      .filter((line) => line.msg === 'graphql request' && line.operation === 'StepsCounted');
    expect(logged.map((line) => line.errors)).toEqual([undefined, ['QUERY_TOO_DEEP']]);
    expect(logged.every((line) => typeof line.requestId === 'string')).toBe(true);
  });

  it('adds no federation trace outside federation, even when asked', async () => {
    const answer = await gql(gateway.url, '{ __typename }', undefined, TRACED);
    expect(answer).toEqual({ data: { __typename: 'Query' }, status: 200 });
  });
});

describe('the request steps of a federated gateway', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], { federation: true });
  });
  afterAll(() => gateway.stop());

  it('adds the federation trace a router asks for, and none otherwise', async () => {
    const traced = (await gql(gateway.url, '{ __typename }', undefined, TRACED)) as { extensions?: { ftv1?: unknown } };
    expect(typeof traced.extensions?.ftv1).toBe('string');
    const plain = (await gql(gateway.url, '{ __typename }')) as { extensions?: unknown };
    expect(plain.extensions).toBeUndefined();
  });
});
