/** Teams: reads, members with who is on call until when, who is next, and a team by name or handle. */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { ListQuery, StampedPage } from '../loaders.js';
import type { OnCallShiftNode, TeamMemberNode, TeamNode } from '../models.js';
import { fetchByNames } from './names.js';

export class TeamData {
  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<TeamNode> {
    return this.data.loaders.byId<m.Team>('team', provider, 'getMany', id);
  }

  list(query: ListQuery<m.TeamQuery>): Promise<StampedPage<m.Team>> {
    return this.data.loaders.page('team', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }

  /** Members with who is on call now; a cached answer ends when the first shift in it does. */
  async members(provider: string, teamId: string): Promise<TeamMemberNode[]> {
    const members = await this.data.loaders.byId<m.TeamMember[]>('team', provider, 'members', teamId, (list) =>
      earliest(list.map((member) => member.onCallUntil)),
    );
    return members.map((member) => ({ ...member, provider, teamId }));
  }

  /**
   * Who takes over each on-call position next, or null when the provider keeps no schedule; a
   * cached answer ends when the first of those shifts starts (it is then no longer next).
   */
  async nextOnCall(provider: string, teamId: string): Promise<OnCallShiftNode[] | null> {
    const { impl } = this.data.floor.registry.serving('team', provider);
    const next = impl.nextOnCall;
    if (!next) return null;
    const shifts = await this.data.loaders
      .batched<string, m.OnCallShift[]>(
        { capability: 'team', provider, operation: 'nextOnCall' },
        (teamIds, ctx) => next.call(impl, teamIds, ctx),
        (list) => earliest(list.map((shift) => shift.start)),
      )
      .load(teamId);
    return shifts.map((shift) => ({ ...shift, member: { ...shift.member, provider, teamId } }));
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

/** The earliest of some moments (ISO 8601), as epoch ms; undefined when there is none. */
function earliest(moments: readonly (string | null | undefined)[]): number | undefined {
  let first: number | undefined;
  for (const moment of moments) {
    const at = moment ? Date.parse(moment) : Number.NaN;
    if (!Number.isNaN(at) && (first === undefined || at < first)) first = at;
  }
  return first;
}
