/** Metrics: batched series queries and descriptors from the first metric provider. */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { MetricDescriptorNode, MetricSeriesNode } from '../models.js';
import { stamp } from '../stamp.js';

export class MetricData {
  constructor(private readonly data: RequestData) {}

  async query(query: m.MetricQuery): Promise<MetricSeriesNode[]> {
    const { provider, impl } = this.data.floor.registry.primary('metric');
    const loaders = this.data.loaders;
    const series = await loaders
      .batched<m.MetricQuery, m.MetricSeries[]>({ capability: 'metric', provider, operation: 'query' }, (qs, ctx) =>
        impl.query(qs, ctx),
      )
      .load(loaders.scoped(provider, query));
    return series.map((s) => stamp(s, provider));
  }

  async describe(scope: m.Scope): Promise<MetricDescriptorNode[]> {
    const { provider, impl } = this.data.floor.registry.primary('metric');
    const loaders = this.data.loaders;
    const descriptors = await loaders
      .batched<m.Scope, m.MetricDescriptor[]>({ capability: 'metric', provider, operation: 'describe' }, (ss, ctx) =>
        impl.describe(ss, ctx),
      )
      .load(loaders.scopeFor(provider, scope) ?? {});
    return descriptors.map((d) => stamp(d, provider));
  }
}
