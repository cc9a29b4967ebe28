/** Deployments: reads only. */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { ListQuery, StampedPage } from '../loaders.js';
import type { DeploymentNode } from '../models.js';

export class DeploymentData {
  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<DeploymentNode> {
    return this.data.loaders.byId<m.Deployment>('deployment', provider, 'getMany', id);
  }

  list(query: ListQuery<m.DeploymentQuery>): Promise<StampedPage<m.Deployment>> {
    return this.data.loaders.page('deployment', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }
}
