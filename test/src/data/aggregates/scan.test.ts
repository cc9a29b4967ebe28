/**
 * The bounded walk aggregates read lists by, over a list as the contract pages it: whether it says
 * it read the whole list. Counts through the real server are in tally.test.ts and the plugin tests;
 * this pins what they cannot reach: a list that says it goes on from a page other than the last.
 */
import { describe, expect, it } from 'vitest';
import { type Incident, keysetPage, LIST_ORDERS } from '../../../../adapters/contract/index.js';
import { SCAN_PAGE, scanProvider } from '../../../../src/data/aggregates/scan.js';
import type { ListSource, Stamped } from '../../../../src/data/loaders.js';

const ORDER = LIST_ORDERS.incidents;
const RECORDS = SCAN_PAGE + 20;
const incidents: Stamped<Incident>[] = Array.from({ length: RECORDS }, (_, i) => ({
  provider: 'p',
  id: `i${i}`,
  createdAt: new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(),
  title: `incident ${i}`,
  status: 'TRIGGERED',
  severity: 'HIGH',
  assignees: [],
  url: null,
}));

/** The incidents as one adapter pages them, the pages numbered `flagged` saying the list goes on past them. */
function source(flagged: readonly number[]): ListSource<Incident> {
  let pageNo = 0;
  return {
    providers: ['p'],
    order: ORDER,
    page: async (_provider, request) => {
      const page = keysetPage<Stamped<Incident>>(incidents, request, ORDER);
      return flagged.includes(pageNo++) ? { ...page, incomplete: true } : page;
    },
  };
}

describe('scanProvider', () => {
  it('reads the whole list when no page says it goes on', async () => {
    const walked = await scanProvider(source([]), 'p', 1000);
    expect([walked.nodes.length, walked.complete]).toEqual([RECORDS, true]);
  });

  it("is not complete when any page it walked says the list goes on past the adapter's reach", async () => {
    const walked = await scanProvider(source([0]), 'p', 1000);
    expect([walked.nodes.length, walked.complete]).toEqual([RECORDS, false]);
  });
});
