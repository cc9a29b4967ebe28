/**
 * Reads made slow on a clock of the test's own. With `vi.useFakeTimers({ toFake: ['performance'] })`,
 * a read `slowFor` gives a duration waits until it is the one call at the provider, then moves
 * `performance.now()` by that many milliseconds; every other read takes no time. What the gateway
 * measures of its reads (the order reads sent together leave in) is then the same whatever the
 * machine's load, where on the wall clock a loaded machine's delays around the calls decided it now
 * and then.
 */
import { vi } from 'vitest';
import type { Adapter, Capability } from '../../adapters/contract/index.js';
import { type Operation, wrapAdapter } from './wrap-adapter.js';

/** `inner` with each read's arrival logged as `capability.op` in `arrived`, and the reads `slowFor` names slow. */
export function slowReads(
  inner: Adapter,
  arrived: string[],
  slowFor: (capability: Capability, op: string) => number,
): Adapter {
  let open = 0;
  return wrapAdapter(
    inner,
    (capability, op, call): Operation =>
      async (...args) => {
        arrived.push(`${capability}.${op}`);
        open += 1;
        try {
          const ms = slowFor(capability, op);
          if (ms > 0) {
            await untilTrue(() => open === 1);
            vi.advanceTimersByTime(ms);
          }
          return await call(...args);
        } finally {
          open -= 1;
        }
      },
  );
}

/** Until `ready` holds, checked once per event-loop turn. */
export async function untilTrue(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}
