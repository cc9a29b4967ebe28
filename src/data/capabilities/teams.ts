/**
 * Teams: reads, members with who is on call until when, who is next, a team by name or handle,
 * and members by the team reference a record carries, read alongside the team rather than after it.
 */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { ListQuery, StampedPage } from '../loaders.js';
import type { OnCallShiftNode, TeamMemberNode, TeamNode } from '../models.js';
import { orNull } from '../or-null.js';
import { stamp, stampMember } from '../stamp.js';
import { AnswersByName, fetchByNames } from './names.js';

export class TeamData {
  /**
   * Members read by reference in this scope, by provider and lowercased reference: the team record
   * found for the same reference takes its members from here instead of reading them again.
   */
  private readonly referenced = new Map<string, Promise<m.ReferencedMembers | null>>();
  /** Who is next, read by reference in this scope, as `referenced` keeps members. */
  private readonly referencedShifts = new Map<string, Promise<m.ReferencedShifts | null>>();

  private readonly named = new AnswersByName((name: string) => this.lookUp(name));

  constructor(private readonly data: RequestData) {}

  get(provider: string, id: string): Promise<TeamNode> {
    return this.data.loaders.byId<m.Team>('team', provider, 'getMany', id);
  }

  list(query: ListQuery<m.TeamQuery>): Promise<StampedPage<m.Team>> {
    return this.data.loaders.page('team', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }

  /** Members with who is on call now; a cached answer ends when the first shift in it does. */
  async members(provider: string, teamId: string): Promise<TeamMemberNode[]> {
    const members = await this.readMembers(provider, teamId);
    return members.map((member) => stampMember(member, provider, teamId));
  }

  private readMembers(provider: string, teamId: string): Promise<m.TeamMember[]> {
    return this.data.loaders.byId<m.TeamMember[]>('team', provider, 'members', teamId, (list) =>
      earliest(list.map((member) => member.onCallUntil)),
    );
  }

  /**
   * Members of the team a record names (its ID, name or handle), or null when no team matches:
   * read directly where the provider can (`membersByReference`), else the team by name, then its
   * members. Starting this as soon as a record's team reference is known lets members load
   * alongside the team record.
   */
  async membersByReference(reference: string): Promise<TeamMemberNode[] | null> {
    const { provider } = this.data.floor.registry.primary('team');
    const found = await this.referencedMembers(provider, reference);
    if (!found) return null;
    return found.members.map((member) => stampMember(member, provider, found.teamId));
  }

  /** A team's members: those already read by a reference to this team in this scope, else by its ID. */
  async membersOf(team: TeamNode): Promise<TeamMemberNode[]> {
    const found = await readFor(this.referenced, team);
    if (found) return found.members.map((member) => stampMember(member, team.provider, team.id));
    return this.members(team.provider, team.id);
  }

  private referencedMembers(provider: string, reference: string): Promise<m.ReferencedMembers | null> {
    const key = referenceKey(provider, reference);
    let pending = this.referenced.get(key);
    if (!pending) {
      pending = this.readByReference(provider, reference.toLowerCase());
      this.referenced.set(key, pending);
    }
    return pending;
  }

  private async readByReference(provider: string, reference: string): Promise<m.ReferencedMembers | null> {
    const { impl } = this.data.floor.registry.serving('team', provider);
    const direct = impl.membersByReference;
    return this.readDirectlyOrViaTeam(
      provider,
      reference,
      'membersByReference',
      direct && ((references, ctx) => direct.call(impl, references, ctx)),
      (found) => earliest(found.members.map((member) => member.onCallUntil)),
      async (team) => ({ teamId: team.id, members: await this.readMembers(team.provider, team.id) }),
    );
  }

  /**
   * A read by the team reference a record carries: `direct` where the provider has it, else the
   * team by name, then `viaTeam`. Null when no team matches.
   */
  private async readDirectlyOrViaTeam<V>(
    provider: string,
    reference: string,
    operation: 'membersByReference' | 'nextOnCallByReference',
    direct: ((references: readonly string[], ctx: m.CallContext) => Promise<m.Result<V>[]>) | undefined,
    expiresAt: (found: V) => number | undefined,
    viaTeam: (team: TeamNode) => Promise<V | null>,
  ): Promise<V | null> {
    if (!direct) {
      const team = await this.byName(reference);
      return team && viaTeam(team);
    }
    // A reference no team matches names no team, as `byName` answers it.
    return orNull(
      this.data.loaders
        .batched<string, V>({ capability: 'team', provider, operation }, direct, expiresAt)
        .load(reference),
    );
  }

  /**
   * Who takes over each on-call position next, or null when the provider keeps no schedule; a
   * cached answer ends when the first of those shifts starts (it is then no longer next).
   */
  async nextOnCall(provider: string, teamId: string): Promise<OnCallShiftNode[] | null> {
    const shifts = await this.readNextOnCall(provider, teamId);
    return shifts && shiftNodes(shifts, provider, teamId);
  }

  private async readNextOnCall(provider: string, teamId: string): Promise<m.OnCallShift[] | null> {
    const { impl } = this.data.floor.registry.serving('team', provider);
    const next = impl.nextOnCall;
    if (!next) return null;
    return this.data.loaders
      .batched<string, m.OnCallShift[]>(
        { capability: 'team', provider, operation: 'nextOnCall' },
        (teamIds, ctx) => next.call(impl, teamIds, ctx),
        (list) => earliest(list.map((shift) => shift.start)),
      )
      .load(teamId);
  }

  /**
   * Who is next in the team a record names, as `membersByReference` reads members: directly where
   * the provider can (`nextOnCallByReference`), else the team by name, then `nextOnCall`. Null when
   * no team matches or the provider keeps no schedule.
   */
  async nextOnCallByReference(reference: string): Promise<OnCallShiftNode[] | null> {
    const { provider } = this.data.floor.registry.primary('team');
    const key = referenceKey(provider, reference);
    let pending = this.referencedShifts.get(key);
    if (!pending) {
      pending = this.readShiftsByReference(provider, reference.toLowerCase());
      this.referencedShifts.set(key, pending);
    }
    const found = await pending;
    return found && shiftNodes(found.shifts, provider, found.teamId);
  }

  /** A team's next shifts: those already read by a reference to this team in this scope, else by its ID. */
  async nextOnCallOf(team: TeamNode): Promise<OnCallShiftNode[] | null> {
    const found = await readFor(this.referencedShifts, team);
    if (found) return shiftNodes(found.shifts, team.provider, team.id);
    return this.nextOnCall(team.provider, team.id);
  }

  private async readShiftsByReference(provider: string, reference: string): Promise<m.ReferencedShifts | null> {
    const { impl } = this.data.floor.registry.serving('team', provider);
    const direct = impl.nextOnCallByReference;
    return this.readDirectlyOrViaTeam(
      provider,
      reference,
      'nextOnCallByReference',
      direct && ((references, ctx) => direct.call(impl, references, ctx)),
      (found) => earliest(found.shifts.map((shift) => shift.start)),
      async (team) => {
        const shifts = await this.readNextOnCall(team.provider, team.id);
        return shifts && { teamId: team.id, shifts };
      },
    );
  }

  /**
   * The team a reference names (a credential's restriction): by name or handle, else by ID where
   * the provider's search by name does not take IDs; null when none matches.
   */
  async byReference(reference: string): Promise<TeamNode | null> {
    const named = await this.byName(reference);
    return named ?? orNull(this.get(this.data.floor.registry.primary('team').provider, reference));
  }

  /** A team a record names, from the team provider: by ID first, then by name or handle; null when none matches. */
  byName(name: string): TeamNode | null | Promise<TeamNode | null> {
    return this.named.get(name);
  }

  private lookUp(name: string): TeamNode | null | Promise<TeamNode | null> {
    const { provider, impl } = this.data.floor.registry.primary('team');
    const loaders = this.data.loaders;
    const key = { capability: 'team', provider, operation: 'byName' } as const;
    return loaders.warm<TeamNode | null>(key, name, name.toLowerCase(), () =>
      loaders.keyed<string, TeamNode | null>(
        key,
        async (names, ctx) => {
          const teams = await fetchByNames(loaders, key, names, ctx, (chunk, c) =>
            impl.query([{ names: chunk, first: chunk.length * 2 }], c),
          );
          return names.map((wanted) => {
            const lower = wanted.toLowerCase();
            const match =
              teams.find((t) => t.id.toLowerCase() === lower) ??
              teams.find((t) => t.name.toLowerCase() === lower || t.handle?.toLowerCase() === lower);
            return match ? stamp(match, provider) : null;
          });
        },
        (name) => name.toLowerCase(),
      ),
    );
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

function shiftNodes(shifts: readonly m.OnCallShift[], provider: string, teamId: string): OnCallShiftNode[] {
  return shifts.map((shift) => ({ ...shift, member: stampMember(shift.member, provider, teamId) }));
}

/** What a read by reference to `team` found earlier in this scope, if it found this team. */
async function readFor<V extends { teamId: string }>(
  reads: Map<string, Promise<V | null>>,
  team: TeamNode,
): Promise<V | null> {
  for (const reference of [team.id, team.name, team.handle]) {
    const pending = reference ? reads.get(referenceKey(team.provider, reference)) : undefined;
    const found = pending && (await pending.catch(() => null));
    if (found?.teamId === team.id) return found;
  }
  return null;
}

function referenceKey(provider: string, reference: string): string {
  return `${provider}\u0000${reference.toLowerCase()}`;
}
