/**
 * Stopping the gateway while a request waits on a provider that never answers: the request is
 * answered (`CANCELLED` on what the provider did not give) when the grace period passes, rather
 * than having its connection cut, and the provider sees its connection close. Through the real
 * server, the real PagerDuty adapter and a provider server that hangs on command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FaultyProvider, startFaultyProvider } from '../../../fakes/faulty-provider.js';
import { seedPagerDuty } from '../../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../../fakes/pagerduty/server.js';
import { startTestGateway } from '../../../helpers/gateway.js';
import { gql } from '../../../helpers/graphql.js';
import { pagerDutyAdapterAt } from '../../../helpers/pagerduty.js';

describe('stopping the gateway while a provider hangs', () => {
  let pagerduty: PagerDutyFake;
  let faulty: FaultyProvider;

  beforeAll(async () => {
    pagerduty = await startPagerDutyFake();
    seedPagerDuty(pagerduty);
    faulty = await startFaultyProvider(pagerduty.url);
  });
  afterAll(async () => {
    await faulty.stop();
    await pagerduty.stop();
  });

  it('answers the waiting request when the grace period passes and ends its provider call', async () => {
    const adapter = await pagerDutyAdapterAt(pagerduty, { url: faulty.url, name: 'pd' });
    const gateway = await startTestGateway([{ name: 'pd', adapter, capabilities: ['incident'] }], {
      shutdownGraceMs: 50,
    });
    faulty.fault = 'hang';
    const received = faulty.received.length;
    const abandoned = faulty.abandonedCount();
    const answer = gql(gateway.url, '{ incidents(first: 5) { nodes { id title } } }');
    await faulty.reached(received + 1);

    await gateway.stop();
    const { status, errors } = await answer;
    expect(status).toBe(200);
    expect(errors?.map((e) => e.extensions?.code)).toEqual(['CANCELLED']);
    expect(errors?.[0]?.message).toMatch(/grace period has passed/);
    await faulty.abandoned(abandoned + 1);
    expect(faulty.hanging()).toBe(0);
  });
});
