/**
 * Wraps a real adapter and counts every call per capability and operation, with the batch size,
 * so tests can prove how many provider round trips a query cost.
 */
import type { Adapter, Capability, CapabilityMap } from '../../adapters/contract/index.js';

export interface CallLog {
  calls: { capability: Capability; op: string; items: number }[];
  count(capability?: Capability, op?: string): number;
  reset(): void;
}

export function countingAdapter(inner: Adapter): { adapter: Adapter; log: CallLog } {
  const calls: CallLog['calls'] = [];
  const capabilities: Partial<CapabilityMap> = {};
  for (const [capability, impl] of Object.entries(inner.capabilities) as [Capability, object][]) {
    const wrapped: Record<string, unknown> = {};
    for (const [op, fn] of Object.entries(impl)) {
      wrapped[op] =
        typeof fn === 'function'
          ? (...args: unknown[]) => {
              calls.push({ capability, op, items: Array.isArray(args[0]) ? args[0].length : 1 });
              return (fn as (...a: unknown[]) => unknown).apply(impl, args);
            }
          : fn;
    }
    (capabilities as Record<string, unknown>)[capability] = wrapped;
  }
  const adapter: Adapter = {
    kind: inner.kind,
    capabilities,
    checkHealth: (ctx) => inner.checkHealth(ctx),
    ...(inner.onEvent ? { onEvent: inner.onEvent.bind(inner) } : {}),
    ...(inner.close ? { close: inner.close.bind(inner) } : {}),
  };
  return {
    adapter,
    log: {
      calls,
      count: (capability, op) =>
        calls.filter((c) => (!capability || c.capability === capability) && (!op || c.op === op)).length,
      reset: () => {
        calls.length = 0;
      },
    },
  };
}
