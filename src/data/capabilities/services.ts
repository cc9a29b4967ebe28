/**
 * Services: reads, and the join every capability relies on — a service by canonical name or alias,
 * asked of the service provider in its own vocabulary.
 */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { ListQuery, StampedPage } from '../loaders.js';
import type { ServiceNode } from '../models.js';
import { stamp } from '../stamp.js';
import { AnswersByName, fetchByNames } from './names.js';

export class ServiceData {
  private readonly named = new AnswersByName((name: string) => this.lookUp(name));

  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<ServiceNode> {
    return this.data.loaders.byId<m.Service>('service', provider, 'getMany', id);
  }

  list(query: ListQuery<m.ServiceQuery>): Promise<StampedPage<m.Service>> {
    return this.data.loaders.page('service', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }

  /** The canonical name of a service a provider names in its own vocabulary. */
  canonicalName(provider: string, name: string): string {
    return this.data.floor.registry.canonicalServiceName(provider, name);
  }

  /**
   * A service a record names, from the service provider: by ID first (OpsOrch records name services
   * by ID), then by canonical name or alias; null when none matches.
   */
  byName(name: string): ServiceNode | null | Promise<ServiceNode | null> {
    return this.named.get(name);
  }

  private lookUp(name: string): ServiceNode | null | Promise<ServiceNode | null> {
    const registry = this.data.floor.registry;
    const { provider, impl } = registry.primary('service');
    const loaders = this.data.loaders;
    const key = { capability: 'service', provider, operation: 'byName' } as const;
    return loaders.warm<ServiceNode | null>(key, name, name.toLowerCase(), () =>
      loaders.keyed<string, ServiceNode | null>(
        key,
        async (names, ctx) => {
          const services = await fetchByNames(
            loaders,
            key,
            names.map((n) => registry.serviceNameFor(provider, n)),
            ctx,
            (chunk, c) => impl.query([{ names: chunk, first: chunk.length * 2 }], c),
          );
          return names.map((wanted) => {
            const spellings = [wanted, registry.serviceNameFor(provider, wanted)].map((n) => n.toLowerCase());
            const match =
              services.find((s) => spellings.includes(s.id.toLowerCase())) ??
              services.find((s) =>
                [s.name, ...(s.aliases ?? [])].some((candidate) => spellings.includes(candidate.toLowerCase())),
              );
            return match ? stamp(match, provider) : null;
          });
        },
        (name) => name.toLowerCase(),
      ),
    );
  }
}
