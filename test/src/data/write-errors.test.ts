/**
 * A write that fails at the provider: exactly one call (never retried), and an error that says
 * which provider and capability failed, with its own code and `retryAfter`. Against the PagerDuty
 * fake, through the real server.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';

let fake: PagerDutyFake;
let gateway: TestGateway;

beforeAll(async () => {
  fake = await startPagerDutyFake();
  seedPagerDuty(fake);
  const adapter = await pagerDutyAdapterAt(fake);
  gateway = await startTestGateway([{ name: 'pagerduty', adapter }]);
});
afterAll(async () => {
  await gateway?.stop();
  await fake?.stop();
});
beforeEach(() => {
  fake.requests.length = 0;
});

const id = toGlobalId('Incident', 'pagerduty', 'PINC004');

describe('provider failures on writes', () => {
  it('sends a rate-limited update once and returns PROVIDER_RATE_LIMITED with retryAfter', async () => {
    // PagerDuty asks for 1 s: short enough that a read would be retried.
    fake.rateLimitNext(1, 1, 'PUT');
    const result = await gql(
      gateway.url,
      'mutation($id: ID!) { incidentAcknowledge(input: { id: $id }) { incident { status } userErrors { message } } }',
      { id },
    );
    expect(fake.requestsTo('/incidents/PINC004', 'PUT')).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_RATE_LIMITED',
      provider: 'pagerduty',
      capability: 'incident',
      retryAfter: 1,
    });
    expect(result.errors?.[0]?.message).toMatch(/^PagerDuty answered 429 to PUT \/incidents\/PINC004/);
  });

  it('sends a rate-limited note once', async () => {
    fake.rateLimitNext(1, 1, 'POST');
    const result = await gql(
      gateway.url,
      'mutation($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "Paused the job" }) { entry { id } userErrors { message } } }',
      { id },
    );
    expect(fake.requestsTo('/incidents/PINC004/notes', 'POST')).toHaveLength(1);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_RATE_LIMITED', retryAfter: 1 });
  });

  it('still retries a rate-limited read', async () => {
    fake.rateLimitNext(1, 0);
    const result = await gql(gateway.url, 'query($id: ID!) { incident(id: $id) { title } }', { id });
    expect(result.errors).toBeUndefined();
    expect(fake.requestsTo('/incidents/PINC004', 'GET')).toHaveLength(2);
  });
});
