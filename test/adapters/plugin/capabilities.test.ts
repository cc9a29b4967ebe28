/**
 * The capabilities a plugin serves, through the whole gateway: what the gateway makes of a plugin's
 * list answers, and how they count them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlData } from '../../helpers/graphql.js';
import { FIXTURES, type PluginGateway, startPluginGateway } from './plugin-gateway.js';

const MAX_LIST = 10;

describe('plugin lists', () => {
  let plugin: PluginGateway;

  beforeAll(async () => {
    plugin = await startPluginGateway(`${FIXTURES}overanswers.mjs`, { maxList: MAX_LIST }, ['incident']);
  });
  afterAll(() => plugin.gateway.stop());

  it('keeps the first `maxList` records of a plugin that answers more than the `limit` it was sent', async () => {
    const data = await gqlData<{ incidents: { edges: { node: { source: { nativeId: string } } }[] } }>(
      plugin.gateway.url,
      '{ incidents(first: 100) { edges { node { source { nativeId } } } } }',
    );
    // The plugin answered 30, numbered as it answered them; the list is newest first.
    const kept = Array.from({ length: MAX_LIST }, (_, i) => `over-${String(MAX_LIST - 1 - i).padStart(4, '0')}`);
    expect(data.incidents.edges.map((e) => e.node.source.nativeId)).toEqual(kept);
  });
});

/** A list's counts as a client reads them. */
interface Counted {
  totalCount: number;
  approximate: boolean;
  countsByStatus: { status: string; count: number }[];
  countsBySeverity: { severity: string; count: number }[];
}

const COUNTED =
  '{ incidents(first: 1) { totalCount approximate countsByStatus { status count } countsBySeverity { severity count } } }';

describe('counts of plugin lists', () => {
  // [records the plugin answers, records the gateway keeps, whether that may not be the whole list]
  it.each([
    [MAX_LIST - 1, MAX_LIST - 1, false],
    [MAX_LIST, MAX_LIST, true],
    [3 * MAX_LIST, MAX_LIST, true],
  ])(
    'of a plugin answering %i records, with `maxList` 10, count %i, approximate: %s',
    async (answers, kept, approximate) => {
      const plugin = await startPluginGateway(`${FIXTURES}overanswers.mjs`, { maxList: MAX_LIST, answers }, [
        'incident',
      ]);
      try {
        const { incidents } = await gqlData<{ incidents: Counted }>(plugin.gateway.url, COUNTED);
        expect([incidents.totalCount, incidents.approximate]).toEqual([kept, approximate]);
        // Every incident the plugin answers is open and `sev2`.
        expect(incidents.countsByStatus.filter((c) => c.count > 0)).toEqual([{ status: 'TRIGGERED', count: kept }]);
        expect(incidents.countsBySeverity.filter((c) => c.count > 0)).toEqual([{ severity: 'HIGH', count: kept }]);
      } finally {
        await plugin.gateway.stop();
      }
    },
  );
});
