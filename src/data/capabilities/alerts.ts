/** Alerts: reads, and silencing through the provider that owns the alert. */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { ListQuery, StampedPage } from '../loaders.js';
import type { AlertNode } from '../models.js';

export class AlertData {
  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<AlertNode> {
    return this.data.loaders.byId<m.Alert>('alert', provider, 'getMany', id);
  }

  list(query: ListQuery<m.AlertQuery>): Promise<StampedPage<m.Alert>> {
    return this.data.loaders.page('alert', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }

  /**
   * Silences one alert (through its provider) or what the matchers select (through the first
   * alert provider). `silence` is null when that provider cannot silence alerts.
   */
  async silence(
    target: { provider: string; id: string } | null,
    input: Omit<m.AlertSilenceCreate, 'alertId'>,
  ): Promise<{ provider: string; silence: m.AlertSilence | null }> {
    const registry = this.data.floor.registry;
    const { provider, impl } = target ? registry.serving('alert', target.provider) : registry.primary('alert');
    if (!impl.silence) return { provider, silence: null };
    const silence = await this.data.write('alert', provider, 'silence', (serving, ctx) =>
      (serving.silence as NonNullable<m.AlertCapability['silence']>).call(
        serving,
        target ? { ...input, alertId: target.id } : input,
        ctx,
      ),
    );
    if (target) this.data.loaders.forget({ capability: 'alert', provider, operation: 'getMany' }, target.id);
    return { provider, silence };
  }
}
