/**
 * The real PagerDuty adapter over the PagerDuty fake (`test/fakes/pagerduty`), configured as the
 * seeded account expects: the fake's token, Alice as the `From` of writes, and the ledger service
 * for incidents created without one. Suites that put a provider server in between (the faulty
 * provider) pass its URL; the token stays the fake's, which is what the fake checks.
 */
import type { Adapter } from '../../adapters/contract/index.js';
import { createPagerDutyAdapter } from '../../adapters/pagerduty/index.js';
import type { PagerDutyFake } from '../fakes/pagerduty/server.js';
import { testLogger } from './gateway.js';

export interface PagerDutyAdapterOptions {
  /** Where the adapter sends its calls: the fake itself unless a server stands in between. */
  url?: string;
  /** The provider instance's name, as the gateway registers it. */
  name?: string;
  /** More of the adapter's config (`maxPages`, `webhookSecrets`, …), over the defaults above. */
  config?: Record<string, unknown>;
}

export async function pagerDutyAdapterAt(
  pagerduty: PagerDutyFake,
  { url = pagerduty.url, name = 'pagerduty', config = {} }: PagerDutyAdapterOptions = {},
): Promise<Adapter> {
  return createPagerDutyAdapter(
    { apiToken: pagerduty.token, apiURL: url, fromEmail: 'alice@acme.test', serviceID: 'PSLEDGR', ...config },
    { name, logger: testLogger },
  );
}
