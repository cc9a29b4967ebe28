/** Deployments: reads only, and their counts. */
import type * as m from '../../../adapters/contract/index.js';
import { allowed, type CountedPage, countList, DEPLOYMENT_STATUSES, withCounts } from '../aggregates/counts.js';
import type { RequestData } from '../floor.js';
import type { ListFetch, ListQuery } from '../loaders.js';
import type { DeploymentNode } from '../models.js';

const QUERY: ListFetch<'deployment', m.DeploymentQuery, m.Deployment> = (impl, qs, ctx) => impl.query(qs, ctx);

export class DeploymentData {
  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<DeploymentNode> {
    return this.data.loaders.byId<m.Deployment>('deployment', provider, 'getMany', id);
  }

  /** A page of deployments; `counts()` counts every deployment the filter matches. */
  async list(query: ListQuery<m.DeploymentQuery>): Promise<CountedPage<m.Deployment, m.DeploymentStatus>> {
    const page = await this.data.loaders.page('deployment', 'query', query, QUERY);
    const { first: _first, after: _after, ...filter } = query;
    return withCounts(page, () =>
      countList(
        this.data.loaders.listSource('deployment', 'query', filter, QUERY),
        allowed(DEPLOYMENT_STATUSES, query.statuses),
        null,
        this.data.floor.maxAggregateRecords,
      ),
    );
  }
}
