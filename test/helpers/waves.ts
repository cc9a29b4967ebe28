/**
 * Counts provider round trips as a dependency chain sees them: wraps a real adapter, holds every
 * call it receives, and releases the held calls one wave at a time, each once the previous wave
 * has answered and the gateway has nothing left to do but wait. A read that needed an earlier
 * read's answer can only arrive in a later wave, so the number of waves a request took is the
 * length of its longest chain of provider calls, whatever the machine's load (no timing involved:
 * the gateway runs in this process, and "nothing left to do" is read off the event loop).
 */
import type { Adapter, Capability } from '../../adapters/contract/index.js';
import { wrapOperations } from './wrap-adapter.js';

export interface HeldCall {
  capability: Capability;
  op: string;
}

export interface WaveStepper {
  adapter: Adapter;
  /** Drives `request` to its end, releasing held calls wave by wave; answers the waves in order. */
  run<T>(request: Promise<T>): Promise<{ result: T; waves: HeldCall[][] }>;
}

/** Event-loop turns without a new call after which the gateway is taken to be waiting. */
const QUIET_TURNS = 5;

export function waveStepper(inner: Adapter): WaveStepper {
  const held: (HeldCall & { release: () => void })[] = [];
  const running = new Set<Promise<unknown>>();
  let arrivals = 0;
  let arrived: () => void = () => undefined;

  const capabilities = wrapOperations(
    inner,
    (capability, op, call) =>
      (...args) =>
        new Promise((resolve, reject) => {
          arrivals++;
          held.push({
            capability,
            op,
            release: () => {
              const answer = Promise.resolve().then(() => call(...args));
              running.add(answer);
              answer.then(resolve, reject).finally(() => running.delete(answer));
            },
          });
          arrived();
        }),
  );

  /** Until every released call has answered and no call has arrived for a few event-loop turns. */
  async function quiet(): Promise<void> {
    for (;;) {
      await Promise.allSettled([...running]);
      let calm = 0;
      while (calm < QUIET_TURNS) {
        const before = arrivals;
        await new Promise((resolve) => setImmediate(resolve));
        calm = arrivals === before && running.size === 0 ? calm + 1 : 0;
        if (running.size > 0) await Promise.allSettled([...running]);
      }
      if (running.size === 0) return;
    }
  }

  return {
    adapter: {
      kind: inner.kind,
      capabilities,
      checkHealth: (ctx) => inner.checkHealth(ctx),
      ...(inner.close ? { close: inner.close.bind(inner) } : {}),
    },
    async run(request) {
      let done = false;
      const ended = request.then(
        () => undefined,
        () => undefined,
      );
      void ended.then(() => {
        done = true;
        arrived();
      });
      const waves: HeldCall[][] = [];
      for (;;) {
        if (held.length === 0) {
          if (done) break;
          await new Promise<void>((resolve) => {
            arrived = resolve;
            if (held.length > 0 || done) resolve();
          });
          continue;
        }
        await quiet();
        const wave = held.splice(0);
        if (wave.length === 0) continue;
        waves.push(wave.map(({ capability, op }) => ({ capability, op })));
        for (const call of wave) call.release();
      }
      return { result: await request, waves };
    },
  };
}
