import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../../adapters/contract/index.js';
import { RETURNED, takeCancel } from '../../../src/data/calls.js';
import { InFlightReads } from '../../../src/data/single-flight.js';

function deferredFetch() {
  const calls: { keys: string[]; ctx: CallContext; resolve: (values: (string | Error)[]) => void }[] = [];
  const fetch = (keys: readonly string[], ctx: CallContext) =>
    new Promise<(string | Error)[]>((resolve) => {
      calls.push({ keys: [...keys], ctx, resolve });
    });
  return { calls, fetch };
}

describe('InFlightReads', () => {
  it('joins keys already in flight and calls only for the rest', async () => {
    const reads = new InFlightReads();
    const { calls, fetch } = deferredFetch();
    const first = reads.read('incident:mock:getMany', ['a', 'b'], String, {}, fetch);
    const second = reads.read('incident:mock:getMany', ['b', 'c'], String, {}, fetch);
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b'], ['c']]);
    calls[0]?.resolve(['A', 'B']);
    calls[1]?.resolve(['C']);
    expect(await first).toEqual({ results: ['A', 'B'], shared: 0 });
    expect(await second).toEqual({ results: ['B', 'C'], shared: 1 });
    expect(reads.size).toBe(0);
  });

  it('keeps loaders apart and starts afresh once a call has settled', async () => {
    const reads = new InFlightReads();
    const { calls, fetch } = deferredFetch();
    const one = reads.read('alert:mock:getMany', ['a'], String, {}, fetch);
    const other = reads.read('ticket:mock:getMany', ['a'], String, {}, fetch);
    expect(calls).toHaveLength(2);
    for (const call of calls) call.resolve(['x']);
    await Promise.all([one, other]);
    const again = reads.read('alert:mock:getMany', ['a'], String, {}, fetch);
    expect(calls).toHaveLength(3);
    calls[2]?.resolve(['y']);
    expect((await again).results).toEqual(['y']);
  });

  it('turns a failed call into an error for every key that waited on it', async () => {
    const reads = new InFlightReads();
    const failing = () => Promise.reject(new Error('boom'));
    const [a, b] = await Promise.all([
      reads.read('incident:mock:getMany', ['a'], String, {}, failing),
      reads.read('incident:mock:getMany', ['a'], String, {}, failing),
    ]);
    expect(a.results[0]).toBeInstanceOf(Error);
    expect(b.results[0]).toBe(a.results[0]);
    expect(b.shared).toBe(1);
  });

  it('cancels a shared call only when every waiting request has gone', async () => {
    const reads = new InFlightReads();
    const { calls, fetch } = deferredFetch();
    const left = new AbortController();
    const stays = new AbortController();
    const leaving = reads.read('incident:mock:getMany', ['a'], String, { signal: left.signal }, fetch);
    const staying = reads.read('incident:mock:getMany', ['a'], String, { signal: stays.signal }, fetch);
    const shared = calls[0]?.ctx.signal;
    left.abort();
    expect(shared?.aborted).toBe(false);
    stays.abort();
    expect(shared?.aborted).toBe(true);
    calls[0]?.resolve(['A']);
    await Promise.all([leaving, staying]);
  });

  it('answers a request that leaves at once, while the call it shared goes on for the others', async () => {
    const reads = new InFlightReads();
    const { calls, fetch } = deferredFetch();
    const left = new AbortController();
    const leaving = reads.read('incident:mock:getMany', ['a'], String, { signal: left.signal }, fetch);
    const staying = reads.read('incident:mock:getMany', ['a'], String, { signal: new AbortController().signal }, fetch);
    left.abort(new Error('client left'));
    expect((await leaving).results).toEqual([new Error('client left')]);
    expect(calls[0]?.ctx.signal?.aborted).toBe(false);
    calls[0]?.resolve(['A']);
    expect((await staying).results).toEqual(['A']);
  });

  it('neither calls nor joins for a request that has already left', async () => {
    const reads = new InFlightReads();
    const { calls, fetch } = deferredFetch();
    const running = reads.read('incident:mock:getMany', ['a'], String, {}, fetch);
    const gone = new AbortController();
    gone.abort(new Error('gone'));
    const answer = await reads.read('incident:mock:getMany', ['a', 'b'], String, { signal: gone.signal }, fetch);
    expect(answer).toEqual({ results: [new Error('gone'), new Error('gone')], shared: 0 });
    expect(calls).toHaveLength(1);
    calls[0]?.resolve(['A']);
    await running;
  });

  it("removes its abort listeners from a request's signal once the calls settle", async () => {
    const reads = new InFlightReads();
    const { calls, fetch } = deferredFetch();
    const request = new AbortController();
    // An incident page: many reads on one request signal, some joining calls of other requests.
    const other = reads.read(
      'incident:mock:getMany',
      ['shared'],
      String,
      { signal: new AbortController().signal },
      fetch,
    );
    const reading = Array.from({ length: 30 }, (_, i) =>
      reads.read('incident:mock:getMany', [`k${i}`, 'shared'], String, { signal: request.signal }, fetch),
    );
    expect(getEventListeners(request.signal, 'abort').length).toBeGreaterThan(0);
    for (const call of calls) call.resolve(call.keys.map((k) => k.toUpperCase()));
    await Promise.all([other, ...reading]);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
  });

  it('hands the shared cancellation to the provider call, and aborts it once the read has settled', async () => {
    const reads = new InFlightReads();
    const { calls, fetch } = deferredFetch();
    const read = reads.read('incident:mock:getMany', ['a'], String, { signal: new AbortController().signal }, fetch);
    const ctx = calls[0]?.ctx as CallContext;
    const cancel = takeCancel(ctx);
    expect(cancel?.signal).toBe(ctx.signal);
    expect(ctx.signal?.aborted).toBe(false);
    calls[0]?.resolve(['A']);
    expect((await read).results).toEqual(['A']);
    expect(ctx.signal?.reason).toBe(RETURNED);
  });

  it('lets a read after a write start its own call', async () => {
    const reads = new InFlightReads();
    const { calls, fetch } = deferredFetch();
    const before = reads.read('incident:mock:timelines', ['a'], String, {}, fetch);
    reads.forget('incident:mock:timelines', 'a');
    const after = reads.read('incident:mock:timelines', ['a'], String, {}, fetch);
    expect(calls).toHaveLength(2);
    calls[0]?.resolve(['old']);
    calls[1]?.resolve(['new']);
    expect((await before).results).toEqual(['old']);
    expect((await after).results).toEqual(['new']);
  });
});
