/**
 * Fair turns through the real server (in this process, so the test and the gateway share one event
 * loop, as every client of a gateway does): a request past its slice gives the loop back, a request
 * that arrives meanwhile is answered first, and completing a result in turns changes neither the
 * answer nor the provider calls. And the runs themselves, on a real socket: what the loop reads after
 * a turn starts a run of its own.
 */
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../../adapters/contract/index.js';
import { Turns } from '../../../src/data/turns.js';
import { countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';

/** Every incident of the seeded world, ten times over, each with its alerts, tickets and timeline. */
const HEAVY = `{ ${Array.from(
  { length: 10 },
  (_, i) => `a${i}: incidents(first: 100) { nodes { id title
    service { name team { name members { name email } } }
    alerts(first: 5) { nodes { id title labels service { name } } }
    tickets(first: 5) { nodes { key title incidents { id title } } }
    timeline(first: 5) { nodes { kind body at } } } }`,
).join('\n')} }`;
const NORMAL = '{ incidents(first: 1) { nodes { id } } }';
const LIMITS = { maxCost: 1_000_000, maxDepth: 20 };

/** A gateway whose first incident read calls `started` once (the heavy request is executing then). */
async function gatewayWithHook(executionSliceMs: number, started: () => void): Promise<TestGateway> {
  const inner = await mockAdapter();
  const incidents = inner.capabilities.incident;
  if (!incidents) throw new Error('the mock serves incidents');
  let first = true;
  const adapter: Adapter = {
    ...inner,
    capabilities: {
      ...inner.capabilities,
      incident: {
        ...incidents,
        query: (queries, ctx) => {
          if (first) {
            first = false;
            started();
          }
          return incidents.query(queries, ctx);
        },
      },
    },
  };
  return startTestGateway([{ name: 'mock', adapter }], { limits: { ...LIMITS, executionSliceMs } });
}

/** Sends the heavy query, and the normal one once the heavy one is executing; the order they were answered in. */
async function answerOrder(executionSliceMs: number): Promise<string[]> {
  const order: string[] = [];
  let normal: Promise<unknown> = Promise.resolve();
  const gateway = await gatewayWithHook(executionSliceMs, () => {
    normal = gql(gateway.url, NORMAL).then((r) => {
      expect(r.errors).toBeUndefined();
      order.push('normal');
    });
  });
  try {
    const heavy = await gql(gateway.url, HEAVY);
    expect(heavy.errors).toBeUndefined();
    order.push('heavy');
    await normal;
    return order;
  } finally {
    await gateway.stop();
  }
}

describe('fair turns', () => {
  it('answer a request that arrives while a heavy one runs before the heavy one', async () => {
    expect(await answerOrder(1)).toEqual(['normal', 'heavy']);
  });

  it('are off at 0: the heavy request holds the event loop until it is answered', async () => {
    expect(await answerOrder(0)).toEqual(['heavy', 'normal']);
  });

  describe('completing in turns', () => {
    const runs: { data: unknown; calls: string[] }[] = [];
    beforeAll(async () => {
      for (const executionSliceMs of [0, 1]) {
        const counted = countingAdapter(await mockAdapter());
        const gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], {
          limits: { ...LIMITS, executionSliceMs },
        });
        try {
          const result = await gql(gateway.url, HEAVY);
          expect(result.errors).toBeUndefined();
          runs.push({
            data: result.data,
            // Items vary with the instant each read is made (open incidents' windows end now); calls do not.
            calls: counted.log.calls.map((c) => `${c.capability}.${c.op}`).sort(),
          });
        } finally {
          await gateway.stop();
        }
      }
    });
    afterAll(() => {
      runs.length = 0;
    });

    it('gives the same answer', () => {
      expect(runs[1]?.data).toEqual(runs[0]?.data);
    });

    it('makes the same provider calls: every level is still one batch', () => {
      expect(runs[1]?.calls.length).toBeGreaterThan(0);
      expect(runs[1]?.calls).toEqual(runs[0]?.calls);
    });
  });

  it('end the run a turn began at the next pass of the loop: a request read from its socket then starts its own', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection');
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    const [peer] = (await accepted) as [Socket];
    try {
      const turns = new Turns(1);
      const request = turns.forRequest(new AbortController().signal);
      expect(turns.expired).toBe(false);
      holdLoop(2);
      const paused = request.pause();
      expect(paused).toBeDefined();
      const arrivalFinds = new Promise<boolean>((resolve) => peer.once('data', () => resolve(turns.expired)));
      await paused;
      // The turn, in the loop's check phase: past its slice, and a new request's bytes arrive meanwhile,
      // read by the loop's next I/O phase.
      holdLoop(2);
      client.write('POST /graphql');
      expect(await arrivalFinds).toBe(false);
    } finally {
      client.destroy();
      peer.destroy();
      server.close();
    }
  });
});

describe('the turns themselves', () => {
  it("give a request its first turn before another's next one", async () => {
    const turns = new Turns(1);
    const heavy = turns.forRequest(new AbortController().signal);
    const newcomer = turns.forRequest(new AbortController().signal);
    expect(turns.expired).toBe(false);
    holdLoop(2);
    await heavy.pause();
    // The heavy request's turn: it runs past its slice again, and a newcomer meanwhile finds the
    // slice spent too. Both wait; the newcomer goes first.
    holdLoop(2);
    const order: string[] = [];
    const heavyAgain = heavy.pause()?.then(() => order.push('heavy'));
    const newcomerFirst = newcomer.pause()?.then(() => order.push('newcomer'));
    expect(heavyAgain).toBeDefined();
    expect(newcomerFirst).toBeDefined();
    await Promise.all([heavyAgain, newcomerFirst]);
    expect(order).toEqual(['newcomer', 'heavy']);
  });

  it('take turns in rotation among requests that have each had one', async () => {
    const turns = new Turns(1);
    const [a, b] = [turns.forRequest(new AbortController().signal), turns.forRequest(new AbortController().signal)];
    expect(turns.expired).toBe(false);
    holdLoop(2);
    await Promise.all([a.pause(), b.pause()]);
    holdLoop(2);
    const order: string[] = [];
    const both = [a.pause()?.then(() => order.push('a')), b.pause()?.then(() => order.push('b'))];
    await Promise.all(both);
    expect(order).toEqual(['a', 'b']);
  });
});

/** Runs for `ms` without giving the loop back, as a request's synchronous work does. */
function holdLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the work
  }
}
