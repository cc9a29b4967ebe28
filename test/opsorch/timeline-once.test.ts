/**
 * A note appended through the gateway to an incident of OpsOrch's own incident plugin reaches a
 * timeline subscriber exactly once: the mutation reports the entry under the ID the plugin stored
 * it with (`inc-004-t5`), so the polls that later read the same entry from the plugin add nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginAdapter } from '../../adapters/plugin/index.js';
import { fromGlobalId, parseTimelineEntryNativeId, toGlobalId } from '../../src/graphql/ids.js';
import { type CallLog, countingAdapter } from '../helpers/counting.js';
import { readyLive, startTestGateway, type TestGateway, testLogger } from '../helpers/gateway.js';
import { gqlData } from '../helpers/graphql.js';
import { OPSORCH_BIN } from '../helpers/opsorch.js';
import { subscribe, waitUntil } from '../helpers/subscriptions.js';

interface Entry {
  id: string;
  body: string;
}

describe('a note appended to an OpsOrch plugin incident', () => {
  let gateway: TestGateway;
  let polls: CallLog;

  beforeAll(async () => {
    const plugin = createPluginAdapter(
      { path: `${OPSORCH_BIN}/incidentplugin`, capabilities: ['incident'] },
      { name: 'incidentplugin', logger: testLogger },
    );
    const counted = countingAdapter(plugin);
    polls = counted.log;
    gateway = await startTestGateway([{ name: 'incidentplugin', adapter: counted.adapter }], { pollIntervalMs: 100 });
  });
  afterAll(() => gateway?.stop());

  it('reaches a subscriber once, under the plugin-assigned ID, however often the timeline is polled', async () => {
    const incidentId = toGlobalId('Incident', 'incidentplugin', 'inc-004');
    const watcher = subscribe<Entry>(
      gateway.wsUrl,
      'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id body } }',
      { id: incidentId },
    );
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.polling === 1, 'the incident is polled');

    const appended = await gqlData<{ incidentTimelineAppend: { entry: Entry } }>(
      gateway.url,
      'mutation($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, kind: NOTE, body: "exactly once" }) { entry { id body } } }',
      { id: incidentId },
    );
    const nativeId = fromGlobalId(appended.incidentTimelineAppend.entry.id).nativeId;
    expect(parseTimelineEntryNativeId(nativeId)?.entryId).toBe('inc-004-t5');
    await watcher.waitFor((e) => e.body === 'exactly once', 'the appended note');

    // Three more polls read the same entry back from the plugin.
    const before = polls.count('incident', 'timelines');
    await waitUntil(() => polls.count('incident', 'timelines') >= before + 3, 'three polls after the append');
    expect(watcher.received.filter((e) => e.body === 'exactly once')).toEqual([appended.incidentTimelineAppend.entry]);
    await watcher.close();
  });
});
