/**
 * Providers whose config refers to secrets that can rotate are served through a stand-in: its
 * capabilities forward every call to the adapter built from the current secret values. When a
 * secret changes, an adapter built from the new values takes over for every call that starts from
 * then on, and the old one is closed once the calls it is still serving have finished.
 */
import { type Adapter, AdapterError, type Capability, type ProviderEvent } from '../../adapters/contract/index.js';

type Method = (...args: unknown[]) => unknown;

export interface Swappable {
  adapter: Adapter;
  /** Routes new calls to `next`; resolves once the previous adapter is closed. */
  swap(next: Adapter): Promise<void>;
}

export function swappable(initial: Adapter, onClose: () => void): Swappable {
  let current = initial;
  const inFlight = new Map<Adapter, number>();
  const drained = new Map<Adapter, () => void>();
  const listeners = new Map<(event: ProviderEvent) => void, () => void>();

  function settle(adapter: Adapter): void {
    const left = (inFlight.get(adapter) ?? 1) - 1;
    if (left > 0) {
      inFlight.set(adapter, left);
      return;
    }
    inFlight.delete(adapter);
    drained.get(adapter)?.();
  }

  /** Runs one call on the current adapter, counting it until it settles. */
  function forward(capability: Capability, op: string, args: unknown[]): unknown {
    const adapter = current;
    const impl = adapter.capabilities[capability] as Record<string, Method> | undefined;
    const fn = impl?.[op];
    if (!fn) throw new AdapterError('UNSUPPORTED', `this provider no longer supports ${capability}.${op}`);
    inFlight.set(adapter, (inFlight.get(adapter) ?? 0) + 1);
    let result: unknown;
    try {
      result = fn.apply(impl, args);
    } catch (err) {
      settle(adapter);
      throw err;
    }
    if (result instanceof Promise) return result.finally(() => settle(adapter));
    settle(adapter);
    return result;
  }

  const capabilities: Record<string, Record<string, Method>> = {};
  for (const [capability, impl] of Object.entries(initial.capabilities) as [Capability, object][]) {
    const methods: Record<string, Method> = {};
    for (const [op, fn] of Object.entries(impl)) {
      if (typeof fn === 'function') methods[op] = (...args) => forward(capability, op, args);
    }
    capabilities[capability] = methods;
  }

  const adapter: Adapter = {
    kind: initial.kind,
    capabilities,
    checkHealth: (ctx) => current.checkHealth(ctx),
    ...(initial.status ? { status: () => current.status?.() ?? {} } : {}),
    ...(initial.onEvent
      ? {
          onEvent(listener: (event: ProviderEvent) => void) {
            listeners.set(listener, current.onEvent?.(listener) ?? (() => {}));
            return () => {
              listeners.get(listener)?.();
              listeners.delete(listener);
            };
          },
        }
      : {}),
    ...(initial.webhook
      ? {
          webhook: {
            verify: (delivery) => current.webhook?.verify(delivery) ?? false,
            events: (delivery) => current.webhook?.events(delivery) ?? [],
          },
        }
      : {}),
    async close() {
      onClose();
      for (const off of listeners.values()) off();
      listeners.clear();
      await current.close?.();
    },
  };

  return {
    adapter,
    async swap(next) {
      const previous = current;
      current = next;
      for (const [listener, off] of listeners) {
        off();
        listeners.set(listener, next.onEvent?.(listener) ?? (() => {}));
      }
      if (inFlight.has(previous)) await new Promise<void>((resolve) => drained.set(previous, resolve));
      drained.delete(previous);
      await previous.close?.();
    },
  };
}
