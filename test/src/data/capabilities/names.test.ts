/**
 * Services and teams found by name, a hundred names per provider call: a batch of more names makes
 * several calls, one after the other, and what the provider took for the batch (all its calls) is
 * what orders it among the reads sent together.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Incident, Page } from '../../../../adapters/contract/index.js';
import { CACHE_OFF } from '../../../../src/data/read-cache.js';
import { mockAdapter, startTestGateway } from '../../../helpers/gateway.js';
import { firstIncidentId, gqlData } from '../../../helpers/graphql.js';
import { slowReads } from '../../../helpers/slow-reads.js';
import { type Operation, wrapAdapter } from '../../../helpers/wrap-adapter.js';

/** Two lists read in one call, whose incidents name 199 services between them: one by-name batch. */
const LISTS = `{
  a: incidents(first: 100) { nodes { service { name } } }
  b: incidents(first: 99) { nodes { service { name } } }
}`;

/** An incident page whose reads after the incident's are its service (by name) and its logs. */
const PAGE = 'query ($id: ID!) { incident(id: $id) { title service { name } logs(limit: 5) { truncated } } }';

describe('services found by name in batches of more than a hundred names', () => {
  it("count all the batch's calls as its read time: it leaves before a read that takes longer than one call", async () => {
    const inner = await mockAdapter();
    const arrived: string[] = [];
    const byName: number[] = [];
    let manyServices = false;
    let slowNames = false;
    let slowLogs = false;
    // A clock that moves only while one slow call is at the provider: a call for a hundred service
    // names takes a second, a log read 1.2 s (once every other call in flight has been answered),
    // every other call no time.
    vi.useFakeTimers({ toFake: ['performance'] });
    const named = wrapAdapter(
      inner,
      (capability, op, call): Operation =>
        async (...args) => {
          const names =
            capability === 'service' && op === 'query' ? (args[0] as { names?: string[] }[])[0]?.names : undefined;
          if (slowNames && names) {
            byName.push(names.length);
            vi.advanceTimersByTime(1000);
          }
          const answer = await call(...args);
          if (!(manyServices && capability === 'incident' && op === 'query')) return answer;
          // Each list a full page of incidents, each naming a service of its own: 199 names the
          // provider does not know.
          const queries = args[0] as { first: number }[];
          return (answer as Page<Incident>[]).map((page, list) => {
            const [incident] = page.nodes;
            if (!incident) throw new Error('the mock world has no incident');
            const nodes = Array.from({ length: queries[list]?.first ?? 0 }, (_, i) => ({
              ...incident,
              id: `${incident.id}-${list}-${i}`,
              service: `list${list}-service${i}`,
            }));
            return { ...page, nodes, hasNextPage: false };
          });
        },
    );
    const adapter = slowReads(named, arrived, (capability) => (slowLogs && capability === 'log' ? 1200 : 0));
    const gateway = await startTestGateway([{ name: 'mock', adapter }], {
      limits: { executionSliceMs: 0 },
      cache: CACHE_OFF,
    });
    try {
      manyServices = true;
      slowNames = true;
      await gqlData(gateway.url, LISTS);
      // One batch of 199 names, in two calls of a second each: two seconds.
      expect(byName).toEqual([100, 99]);
      manyServices = false;
      slowNames = false;

      const id = await firstIncidentId(gateway.url);
      // The logs take 1.2 s, the service's name no time: its read time, by the moving mean, is now
      // 1.6 s counted by batch, 0.8 s counted by call.
      slowLogs = true;
      await gqlData(gateway.url, PAGE, { id });
      slowLogs = false;

      arrived.length = 0;
      await gqlData(gateway.url, PAGE, { id });
      const at = (read: string) => arrived.indexOf(read);
      expect(at('incident.getMany')).toBe(0);
      expect(at('service.query')).toBeGreaterThan(0);
      expect(at('service.query')).toBeLessThan(at('log.query'));
    } finally {
      vi.useRealTimers();
      await gateway.stop();
    }
  });
});
