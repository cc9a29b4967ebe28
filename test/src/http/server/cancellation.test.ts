/**
 * A request's cancellation through the real server: a client that leaves while its provider calls
 * are under way ends them. The request's cancellation makes no `AbortSignal` of its own (its calls
 * follow it through an array of listeners); an adapter that reads its context's signal still gets
 * one that aborts when the client goes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter, CallContext, IncidentQuery } from '../../../../adapters/contract/index.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { leavingPost } from '../../../helpers/http-from.js';

const LIST = '{ incidents(first: 5) { nodes { id } } }';

/** A gateway whose incident list reads hang until their signal aborts; `called` hears each signal. */
async function gatewayHangingOnLists(called: (signal: AbortSignal) => void, providers: number): Promise<TestGateway> {
  const inner = await mockAdapter();
  const incidents = inner.capabilities.incident;
  if (!incidents) throw new Error('the mock serves incidents');
  const hanging: Adapter = {
    ...inner,
    capabilities: {
      ...inner.capabilities,
      incident: {
        ...incidents,
        query: (_queries: readonly IncidentQuery[], ctx: CallContext) =>
          new Promise((_resolve, reject) => {
            const { signal } = ctx;
            if (!signal) throw new Error('a provider call is given a signal');
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
            called(signal);
          }),
      },
    },
  };
  return startTestGateway(Array.from({ length: providers }, (_, i) => ({ name: `mock${i}`, adapter: hanging })));
}

/** Resolves once `signal` aborts. */
function aborted(signal: AbortSignal): Promise<unknown> {
  if (signal.aborted) return Promise.resolve(signal.reason);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

describe('a client that leaves mid-request over HTTP ends its provider calls', () => {
  let gateway: TestGateway | undefined;
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  it("aborts each of its calls' signals, one per provider, when its connection closes", async () => {
    const signals: AbortSignal[] = [];
    let bothCalled = () => {};
    const called = new Promise<void>((resolve) => {
      bothCalled = resolve;
    });
    gateway = await gatewayHangingOnLists((signal) => {
      signals.push(signal);
      if (signals.length === 2) bothCalled();
    }, 2);
    const client = leavingPost(gateway.url, LIST);
    await called;
    expect(signals.some((signal) => signal.aborted)).toBe(false);
    client.leave();
    await client.gone;
    const reasons = await Promise.all(signals.map(aborted));
    for (const reason of reasons) expect((reason as Error).name).toBe('AbortError');
  });
});
