/**
 * The request's log line as the real gateway process writes it: written without the logger's
 * redaction paths, its values still pass the secret masking every line of the gateway does, and it
 * carries what it always carried (operation, duration, error codes) in the same keys and order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../../../helpers/graphql.js';
import { type GatewayProcess, startGatewayProcess } from '../../../helpers/process.js';

/** A secret the gateway holds (OpsOrch Core's bearer token) that is also a valid operation name. */
const CANARY = 'RequestLogCanary7f3d9c2b';
const AUTH = { authorization: `Bearer ${CANARY}` };

describe('the request log line', () => {
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ OPSORCH_MOCK_LIVE: 'false', OPSORCH_BEARER_TOKEN: CANARY });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('masks a secret the gateway holds wherever it appears in the line', async () => {
    const answer = await gql(gateway.url, `query ${CANARY} { __typename }`, undefined, {
      ...AUTH,
      'x-request-id': `id-${CANARY}`,
    });
    expect(answer.errors).toBeUndefined();
    const line = await gateway.waitForLog(
      (l) => l.includes('"graphql request"') && l.includes('id-[redacted]'),
      'the canary request line',
    );
    expect(line).not.toContain(CANARY);
    expect(JSON.parse(line)).toMatchObject({ requestId: 'id-[redacted]', operation: '[redacted]' });
  });

  it("lists the request's error codes after its operation and duration", async () => {
    const answer = await gql(gateway.url, 'query LoggedFailure { incident(id: "not-a-global-id") { id } }', undefined, {
      ...AUTH,
      'x-request-id': 'logged-failure-1',
    });
    const codes = answer.errors?.map((e) => (e.extensions as { code?: string } | undefined)?.code);
    expect(codes?.length).toBeGreaterThan(0);
    const line = await gateway.waitForLog((l) => l.includes('logged-failure-1'), 'the failing request line');
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(entry)).toEqual([
      'level',
      'time',
      'service',
      'requestId',
      'operation',
      'durationMs',
      'errors',
      'msg',
    ]);
    expect(entry).toMatchObject({ level: 30, operation: 'LoggedFailure', errors: codes, msg: 'graphql request' });
    expect(typeof entry.durationMs).toBe('number');
  });
});
