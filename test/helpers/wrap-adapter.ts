/**
 * An adapter whose every operation goes through `wrap`, which gets the capability, the operation
 * and the real call (bound to its capability object, with the caller's arguments); members that
 * are not functions are kept as they are. For test helpers that hold, count or gate a real
 * adapter's calls.
 */
import type { Adapter, Capability, CapabilityMap } from '../../adapters/contract/index.js';

export type Operation = (...args: unknown[]) => Promise<unknown>;

export function wrapOperations(
  inner: Adapter,
  wrap: (capability: Capability, op: string, call: Operation) => Operation,
): Partial<CapabilityMap> {
  const capabilities: Partial<CapabilityMap> = {};
  for (const [capability, impl] of Object.entries(inner.capabilities) as [Capability, object][]) {
    const wrapped: Record<string, unknown> = {};
    for (const [op, fn] of Object.entries(impl)) {
      wrapped[op] =
        typeof fn === 'function' ? wrap(capability, op, (...args) => (fn as Operation).apply(impl, args)) : fn;
    }
    (capabilities as Record<string, unknown>)[capability] = wrapped;
  }
  return capabilities;
}

/** `inner` with every operation through `wrap` (`wrapOperations`), its other members as they are. */
export function wrapAdapter(
  inner: Adapter,
  wrap: (capability: Capability, op: string, call: Operation) => Operation,
): Adapter {
  return { ...inner, capabilities: wrapOperations(inner, wrap) } as Adapter;
}
