/**
 * Single-flight of provider reads across requests, proven without timing: the adapter holds each
 * read until the gateway reports (in `/metrics`) that the other request joined it, so the two
 * requests certainly overlap at the provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter, Capability } from '../../../../adapters/contract/index.js';
import { type CallLog, countingAdapter } from '../../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { gqlData } from '../../../helpers/graphql.js';
import { scrape, total } from '../../../helpers/metrics.js';
import { waitUntil } from '../../../helpers/subscriptions.js';

const PAGE = `query Page($id: ID!) {
  incident(id: $id) { title timeline(first: 5) { totalCount } service { name team { name } } }
}`;

/** The reads PAGE makes, level by level: adapter operation, and the floor read that shares it. */
const READS: [Capability, string, string][] = [
  ['incident', 'getMany', 'getMany'],
  ['incident', 'timelines', 'timelines'],
  ['service', 'query', 'byName'],
  ['team', 'query', 'byName'],
];

/** Holds calls of the named operations until they are released (then and from then on). */
function gatedAdapter(inner: Adapter): { adapter: Adapter; release(capability: Capability, op: string): void } {
  const gates = new Map<string, { open: Promise<void>; release: () => void }>();
  const gate = (name: string) => {
    let entry = gates.get(name);
    if (!entry) {
      const opened: (() => void)[] = [];
      const open = new Promise<void>((resolve) => opened.push(resolve));
      entry = { open, release: () => opened[0]?.() };
      gates.set(name, entry);
    }
    return entry;
  };
  const capabilities: Record<string, Record<string, unknown>> = {};
  for (const [capability, impl] of Object.entries(inner.capabilities) as unknown as [
    string,
    Record<string, unknown>,
  ][]) {
    capabilities[capability] = Object.fromEntries(
      Object.entries(impl).map(([op, fn]) => [
        op,
        typeof fn === 'function'
          ? async (...args: unknown[]) => {
              await gate(`${capability}.${op}`).open;
              return (fn as (...a: unknown[]) => unknown).apply(impl, args);
            }
          : fn,
      ]),
    );
  }
  return {
    adapter: { ...inner, capabilities, checkHealth: (ctx) => inner.checkHealth(ctx) },
    release: (capability, op) => gate(`${capability}.${op}`).release(),
  };
}

async function firstIncidentId(url: string): Promise<string> {
  const data = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
    url,
    '{ incidents(first: 1) { edges { node { id } } } }',
  );
  return data.incidents.edges[0]?.node.id as string;
}

async function shared(gateway: TestGateway, capability: Capability, operation: string): Promise<number> {
  return total(await scrape(gateway), 'opsorch_provider_reads_shared_total', { capability, operation });
}

describe('single-flight of provider reads across requests', () => {
  let gateway: TestGateway;
  let log: CallLog;
  let gated: ReturnType<typeof gatedAdapter>;
  let id: string;

  beforeAll(async () => {
    gated = gatedAdapter(await mockAdapter());
    const counted = countingAdapter(gated.adapter);
    log = counted.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }]);
    gated.release('incident', 'query');
    id = await firstIncidentId(gateway.url);
  });
  afterAll(async () => {
    for (const [capability, op] of READS) gated.release(capability, op);
    await gateway.stop();
  });

  it('makes one provider call for two identical requests in flight together', async () => {
    log.reset();
    const before = await Promise.all(READS.map(([c, , read]) => shared(gateway, c, read)));
    const both = Promise.all([gqlData(gateway.url, PAGE, { id }), gqlData(gateway.url, PAGE, { id })]);
    for (const [i, [capability, op, read]] of READS.entries()) {
      await waitUntil(
        async () => (await shared(gateway, capability, read)) > (before[i] as number),
        `the second request joined ${capability}.${read}`,
      );
      gated.release(capability, op);
    }
    const [a, b] = await both;
    expect(a).toEqual(b);
    for (const [capability, op] of READS) expect(log.count(capability, op)).toBe(1);
  });

  it('calls the provider again once the first call has settled', async () => {
    log.reset();
    await gqlData(gateway.url, PAGE, { id });
    await gqlData(gateway.url, PAGE, { id });
    expect(log.count('incident', 'getMany')).toBe(2);
  });

  it('is off with singleFlight: false, so each request makes its own calls', async () => {
    const held = gatedAdapter(await mockAdapter());
    const counted = countingAdapter(held.adapter);
    held.release('incident', 'query');
    const plain = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], { singleFlight: false });
    try {
      const plainId = await firstIncidentId(plain.url);
      counted.log.reset();
      const both = Promise.all([gqlData(plain.url, PAGE, { id: plainId }), gqlData(plain.url, PAGE, { id: plainId })]);
      await waitUntil(() => counted.log.count('incident', 'getMany') === 2, 'both requests reached the provider');
      for (const [capability, op] of READS) held.release(capability, op);
      await both;
      expect(counted.log.count('incident', 'getMany')).toBe(2);
    } finally {
      for (const [capability, op] of READS) held.release(capability, op);
      await plain.stop();
    }
  });
});
