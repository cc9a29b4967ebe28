/**
 * The capabilities a plugin serves, through the whole gateway: what the gateway makes of a plugin's
 * list answers.
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
