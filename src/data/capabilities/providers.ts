/**
 * What serves each capability, and provider health. Health checks are the one provider call the
 * floor does not meter: they are probes, not work done for a caller.
 */
import type { ProviderHealth } from '../../providers/health.js';
import type { RequestData } from '../floor.js';
import type { ProviderStatusNode } from '../models.js';
import type { CircuitStatus } from '../provider-resilience.js';

export class ProviderData {
  private readonly checks = new Map<string, Promise<ProviderHealth>>();

  constructor(private readonly data: RequestData) {}

  list(): ProviderStatusNode[] {
    return this.data.floor.registry.instances.flatMap((instance) =>
      instance.capabilities.map((capability) => ({ capability, provider: instance.name, kind: instance.kind })),
    );
  }

  /**
   * One health check per provider instance per request, however many capabilities it serves, with
   * the state of its breaker; null when unknown.
   */
  health(provider: string): Promise<ProviderHealth & { circuit: CircuitStatus }> | null {
    const instance = this.data.floor.registry.instances.find((i) => i.name === provider);
    if (!instance) return null;
    let pending = this.checks.get(provider);
    if (!pending) {
      pending = this.data.floor.checkHealth(instance);
      this.checks.set(provider, pending);
    }
    return pending.then((health) => ({ ...health, circuit: this.data.floor.circuit(provider) }));
  }
}
