import type { Health } from '../../adapters/contract/index.js';
import { redactSecrets } from '../redaction.js';
import type { ProviderInstance } from './registry.js';

export type ProviderHealth = Health & { checkedAt: string; latencyMs: number };

/** A health check that cannot hang the caller: past `timeoutMs` the provider is DOWN. */
export async function checkHealth(instance: ProviderInstance, timeoutMs: number): Promise<ProviderHealth> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  let health: Health;
  try {
    health = await Promise.race([
      instance.adapter.checkHealth({ signal }),
      new Promise<Health>((resolve) =>
        signal.addEventListener('abort', () =>
          resolve({ status: 'DOWN', message: `no answer within ${timeoutMs} ms` }),
        ),
      ),
    ]);
  } catch (err) {
    health = { status: 'DOWN', message: err instanceof Error ? err.message : 'health check failed' };
  }
  return {
    ...health,
    ...(health.message ? { message: redactSecrets(health.message) } : {}),
    checkedAt: new Date().toISOString(),
    latencyMs: Math.round((performance.now() - started) * 100) / 100,
  };
}
