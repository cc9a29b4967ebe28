import type { CallContext } from '../contract/index.js';
import { createRng, hash32 } from './world/rng.js';

export type Delay = (ctx: CallContext | undefined) => Promise<void>;

/** Base latency ±20%, seeded so benchmark runs are comparable. Abortable through the call's signal. */
export function createDelay(latencyMs: number, seed: number): Delay {
  const rng = createRng(hash32(seed, 'latency'));
  return (ctx) =>
    new Promise<void>((resolve, reject) => {
      const signal = ctx?.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, latencyMs * rng.float(0.8, 1.2));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

/**
 * Wraps every method of a capability so it waits first. The call context is always the last
 * argument in the contract, which is how the wrapper finds the signal.
 */
export function withDelay<T extends object>(capability: T, delay: Delay): T {
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(capability) as [string, unknown][]) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    const method = value as (...args: unknown[]) => unknown;
    wrapped[key] = async (...args: unknown[]) => {
      const last = args[args.length - 1];
      await delay(typeof last === 'object' && last !== null ? (last as CallContext) : undefined);
      return method.apply(capability, args);
    };
  }
  return wrapped as T;
}
