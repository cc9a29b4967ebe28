/** Logs: batched queries to the first log provider; `scope.service` is a canonical name. */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { LogResultNode } from '../models.js';
import { stamp } from '../stamp.js';

export class LogData {
  constructor(private readonly data: RequestData) {}

  async query(query: m.LogQuery): Promise<LogResultNode> {
    const { provider, impl } = this.data.floor.registry.primary('log');
    const loaders = this.data.loaders;
    const result = await loaders
      .batched<m.LogQuery, m.LogResult>({ capability: 'log', provider, operation: 'query' }, (qs, ctx) =>
        impl.query(qs, ctx),
      )
      .load(loaders.scoped(provider, query));
    return { ...result, entries: result.entries.map((e) => stamp(e, provider)) };
  }
}
