/**
 * Wraps a real adapter and counts every call per capability and operation, with the batch size,
 * so tests can prove how many provider round trips a query cost.
 */
import type { Adapter, Capability, CapabilityMap } from '../../adapters/contract/index.js';

export interface CallLog {
  /**
   * `signal`: whether the call's context carried an AbortSignal; `settledBefore`: how many calls
   * had answered when this one started (0 means it waited for no other call).
   */
  calls: { capability: Capability; op: string; items: number; signal: boolean; settledBefore: number }[];
  count(capability?: Capability, op?: string): number;
  reset(): void;
}

export function countingAdapter(inner: Adapter): { adapter: Adapter; log: CallLog } {
  const calls: CallLog['calls'] = [];
  let settled = 0;
  const capabilities: Partial<CapabilityMap> = {};
  for (const [capability, impl] of Object.entries(inner.capabilities) as [Capability, object][]) {
    const wrapped: Record<string, unknown> = {};
    for (const [op, fn] of Object.entries(impl)) {
      wrapped[op] =
        typeof fn === 'function'
          ? (...args: unknown[]) => {
              const ctx = args.at(-1) as { signal?: unknown } | undefined;
              calls.push({
                capability,
                op,
                items: Array.isArray(args[0]) ? args[0].length : 1,
                signal: ctx?.signal instanceof AbortSignal,
                settledBefore: settled,
              });
              const result = (fn as (...a: unknown[]) => unknown).apply(impl, args);
              if (result instanceof Promise) {
                void result.then(
                  () => settled++,
                  () => settled++,
                );
              } else settled++;
              return result;
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
    ...(inner.webhook ? { webhook: inner.webhook } : {}),
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
        settled = 0;
      },
    },
  };
}
