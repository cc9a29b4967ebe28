/** Alerts: reads, and silencing through the provider that owns the alert. */
import type * as m from '../../../adapters/contract/index.js';
import { ALERT_STATUSES, allowed, type CountedPage, countList, withCounts } from '../aggregates/counts.js';
import { SEVERITIES } from '../aggregates/incident-stats.js';
import type { RequestData } from '../floor.js';
import type { ListFetch, ListQuery } from '../loaders.js';
import type { AlertNode } from '../models.js';

const QUERY: ListFetch<'alert', m.AlertQuery, m.Alert> = (impl, qs, ctx) => impl.query(qs, ctx);

export class AlertData {
  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<AlertNode> {
    return this.data.loaders.byId<m.Alert>('alert', provider, 'getMany', id);
  }

  /** A page of alerts; `counts()` counts every alert the filter matches. */
  async list(query: ListQuery<m.AlertQuery>): Promise<CountedPage<m.Alert, m.AlertStatus>> {
    const page = await this.data.loaders.page('alert', 'query', query, QUERY);
    const { first: _first, after: _after, ...filter } = query;
    return withCounts(page, () =>
      countList(
        this.data.loaders.listSource('alert', 'query', filter, QUERY),
        allowed(ALERT_STATUSES, query.statuses),
        allowed(SEVERITIES, query.severities),
        this.data.floor.maxAggregateRecords,
      ),
    );
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
