/** Teams: reads, members with who is on call, and a team by name or handle. */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { ListQuery, StampedPage } from '../loaders.js';
import type { TeamMemberNode, TeamNode } from '../models.js';
import { fetchByNames } from './names.js';

export class TeamData {
  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<TeamNode> {
    return this.data.loaders.byId<m.Team>('team', provider, 'getMany', id);
  }

  list(query: ListQuery<m.TeamQuery>): Promise<StampedPage<m.Team>> {
    return this.data.loaders.page('team', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }

  async members(provider: string, teamId: string): Promise<TeamMemberNode[]> {
    const members = await this.data.loaders.byId<m.TeamMember[]>('team', provider, 'members', teamId);
    return members.map((member) => ({ ...member, provider, teamId }));
  }

  /** A team a record names, from the team provider: by ID first, then by name or handle; null when none matches. */
  byName(name: string): Promise<TeamNode | null> {
    const { provider, impl } = this.data.floor.registry.primary('team');
    const loaders = this.data.loaders;
    return loaders
      .keyed<string, TeamNode | null>(
        { capability: 'team', provider, operation: 'byName' },
        async (names, ctx) => {
          const teams = await fetchByNames(loaders, 'team', provider, names, ctx, (chunk, c) =>
            impl.query([{ names: chunk, first: chunk.length * 2 }], c),
          );
          return names.map((wanted) => {
            const lower = wanted.toLowerCase();
            const match =
              teams.find((t) => t.id.toLowerCase() === lower) ??
              teams.find((t) => t.name.toLowerCase() === lower || t.handle?.toLowerCase() === lower);
            return match ? { ...match, provider } : null;
          });
        },
        (name) => name.toLowerCase(),
      )
      .load(name);
  }
}
