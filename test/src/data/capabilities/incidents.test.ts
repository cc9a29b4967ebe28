/**
 * Incidents other records link to by native ID are asked of the provider that issued them: with
 * two incident providers, a ticket's and a run's incidents come from the ticket's or run's own
 * provider, not from whichever incident provider is configured first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallLog, countingAdapter } from '../../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gqlData } from '../../../helpers/graphql.js';

interface Linked {
  source: { provider: string };
  incidents?: { id: string; source: { provider: string; nativeId: string } }[];
  incident?: { id: string; source: { provider: string; nativeId: string } } | null;
}

describe('linked incidents with two incident providers', () => {
  let gateway: TestGateway;
  let eu: CallLog;

  beforeAll(async () => {
    const euCounted = countingAdapter(await mockAdapter({ seed: 1 }));
    eu = euCounted.log;
    gateway = await startTestGateway([
      { name: 'eu', adapter: euCounted.adapter, capabilities: ['incident', 'service', 'team'] },
      { name: 'us', adapter: await mockAdapter({ seed: 2 }), capabilities: ['incident', 'ticket', 'orchestration'] },
    ]);
  });
  afterAll(() => gateway.stop());

  it("resolves a ticket's incidents through the ticket's own provider", async () => {
    const { tickets } = await gqlData<{ tickets: { nodes: Linked[] } }>(
      gateway.url,
      '{ tickets(first: 100) { nodes { source { provider } incidents { id source { provider nativeId } } } } }',
    );
    const linked = tickets.nodes.filter((t) => (t.incidents?.length ?? 0) > 0);
    expect(linked.length).toBeGreaterThan(0);
    for (const ticket of linked) {
      expect(ticket.source.provider).toBe('us');
      for (const incident of ticket.incidents ?? []) expect(incident.source.provider).toBe('us');
    }
  });

  it("resolves a runbook run's incident through the run's own provider, never asking the first one", async () => {
    eu.reset();
    const { orchestrationRuns } = await gqlData<{ orchestrationRuns: { nodes: Linked[] } }>(
      gateway.url,
      '{ orchestrationRuns(first: 100) { nodes { source { provider } incident { id source { provider nativeId } } } } }',
    );
    const linked = orchestrationRuns.nodes.filter((r) => r.incident);
    expect(linked.length).toBeGreaterThan(0);
    for (const run of linked) expect(run.incident?.source.provider).toBe('us');
    expect(eu.count('incident', 'getMany')).toBe(0);
  });
});
