/**
 * A request lets go of what it read once its answer is sent, through the real gateway as `npm
 * start` runs it: V8's own trace of every scavenge (`--trace-gc-nvp`) counts the bytes promoted to
 * the old generation while list queries are answered one at a time, so nothing of one request is
 * in flight while another runs. Apollo keeps each request's context reachable from the old
 * generation until a full collection (see `src/graphql/apollo/release-data.ts`); with the floor
 * view in it released, the records a query read are no longer promoted with it, and with the
 * answer's tree let go once written, nor is the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_INCIDENT_PAGE } from '../../../../bench/queries.js';
import { scavengesIn } from '../../../helpers/gc-trace.js';
import { firstIncidentId, gqlData } from '../../../helpers/graphql.js';
import { OPSORCH_PLUGIN_ENV } from '../../../helpers/opsorch.js';
import { type GatewayProcess, startGatewayProcess } from '../../../helpers/process.js';

const LIST =
  '{ incidents(first: 20) { totalCount edges { node { id title status severity createdAt service { name } } } } }';

/** A scavenge every few queries, so a few hundred queries make a few dozen. */
const TRACE = ['--trace-gc-nvp', '--max-semi-space-size=1'];

describe("a request's data after its answer", () => {
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ OPSORCH_MOCK_LIVE: 'false', NODE_ENV: 'production' }, TRACE);
  });
  afterAll(() => gateway.stop());

  it('is not promoted to the old generation: a list query promotes a fraction of what it read', async () => {
    const queries = async (n: number) => {
      for (let i = 0; i < n; i++) await gqlData(gateway.url, LIST);
    };
    // Past start-up and the compilers' first tiers, whose own allocations are long-lived.
    await queries(400);
    const from = gateway.logs.length;
    const measured = 400;
    await queries(measured);
    const { count, promoted } = scavengesIn(gateway.logs.slice(from));
    expect(count).toBeGreaterThan(20);
    // Each query's floor view (loaders, pages, records) was about 14 KB of the 20 KB it promoted.
    expect(promoted / measured).toBeLessThan(9_000);
  });
});

/**
 * The bench's Core incident page over OpsOrch's plugins, at the default young generation (a
 * scavenge every ~20 pages): once its text is written, the answer's tree (the metric's points, the
 * log entries, the timeline) is no longer promoted with Apollo's response.
 */
describe("the Core incident page's answer once it is written", () => {
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess(
      { ...OPSORCH_PLUGIN_ENV, NODE_ENV: 'production', OPSORCH_SINGLE_FLIGHT: 'off' },
      ['--trace-gc-nvp'],
    );
  });
  afterAll(() => gateway.stop());

  it('is not promoted with the request', { timeout: 180_000 }, async () => {
    const id = await firstIncidentId(gateway.url);
    const pages = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const data = await gqlData<{ incident: { metrics: { points: unknown[] }[] } }>(
          gateway.url,
          CORE_INCIDENT_PAGE,
          { id },
        );
        expect(data.incident.metrics[0]?.points.length).toBeGreaterThan(10);
      }
    };
    await pages(1_000);
    const from = gateway.logs.length;
    const measured = 1_000;
    await pages(measured);
    const { count, promoted } = scavengesIn(gateway.logs.slice(from));
    expect(count).toBeGreaterThan(20);
    // 6.1-7.1 KB a page with the tree let go, 16.8-20.0 KB without (~98 KB with the plugin host's
    // answers also held, see adapters/plugin/host.ts).
    expect(promoted / measured).toBeLessThan(11_000);
  });
});
