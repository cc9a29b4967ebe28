/**
 * The team capability over PagerDuty teams, their members, who is on call now and until when, and
 * who is next: a team's on-call people are those on call for the team's escalation policies, and
 * their role comes from the escalation level (level 1 is `primary`).
 */
import {
  keysetPage,
  LIST_ORDERS,
  matchesText,
  notFound,
  type OnCallShift,
  type ReferencedMembers,
  type ReferencedShifts,
  type Result,
  settleEach,
  type TeamCapability,
  type TeamMember,
} from '../contract/index.js';
import { fanOut } from '../http/index.js';
import {
  listAll,
  type PagerDutyHttp,
  type PdMember,
  type PdOnCall,
  type PdReference,
  type PdTeam,
  type PdUser,
} from './api.js';
import type { Directory } from './directory.js';
import { toTeam } from './map.js';

const FAN_OUT = 4;
const LEVEL_ROLES = ['primary', 'secondary', 'tertiary'];
/** How far ahead `nextOnCall` looks; PagerDuty computes on-calls up to 90 days ahead. */
export const NEXT_ON_CALL_HORIZON_MS = 31 * 86_400_000;

export function onCallRole(level: number): string {
  return LEVEL_ROLES[level - 1] ?? `level-${level}`;
}

export function teamCapability(http: PagerDutyHttp, directory: Directory): TeamCapability {
  /**
   * On-calls of the teams' escalation policies overlapping `window`, the earliest of each
   * (policy, level, user), as `earliest=true` gives them.
   */
  async function onCallsByTeam(
    teamIds: readonly string[],
    signal: AbortSignal | undefined,
    window: { since: string; until: string },
  ): Promise<Map<string, PdOnCall[]>> {
    const policies = await listAll<PdReference & { teams?: PdReference[] }>(
      http,
      '/escalation_policies',
      'escalation_policies',
      { 'team_ids[]': [...teamIds] },
      signal,
    );
    const byTeam = new Map<string, PdOnCall[]>(teamIds.map((id) => [id, []]));
    if (policies.length === 0) return byTeam;
    const onCalls = await listAll<PdOnCall>(
      http,
      '/oncalls',
      'oncalls',
      { 'escalation_policy_ids[]': policies.map((p) => p.id), 'include[]': ['users'], earliest: true, ...window },
      signal,
    );
    for (const policy of policies) {
      const owners = (policy.teams ?? []).map((t) => t.id).filter((id) => byTeam.has(id));
      const forPolicy = onCalls.filter((o) => o.escalation_policy.id === policy.id);
      for (const owner of owners) byTeam.get(owner)?.push(...forPolicy);
    }
    return byTeam;
  }

  /**
   * A by-ID read for the teams records name: incidents name their team, the by-ID reads want its
   * ID, which the (cached) teams listing gives.
   */
  async function byReference<T, R>(
    references: readonly string[],
    signal: AbortSignal | undefined,
    read: (teamIds: readonly string[]) => Promise<Result<T>[]>,
    answer: (teamId: string, found: T) => R,
  ): Promise<Result<R>[]> {
    let teams: PdTeam[];
    try {
      teams = await directory.allTeams(signal);
    } catch (err) {
      return references.map(() => (err instanceof Error ? err : new Error(String(err))));
    }
    const ids = references.map((reference) => {
      const lower = reference.toLowerCase();
      return (teams.find((t) => t.id.toLowerCase() === lower) ?? teams.find((t) => t.name.toLowerCase() === lower))?.id;
    });
    const known = [...new Set(ids.filter((id): id is string => id !== undefined))];
    const found = await read(known);
    return ids.map((teamId, i) => {
      if (teamId === undefined) return notFound('team', references[i] as string);
      const result = found[known.indexOf(teamId)] as Result<T>;
      return result instanceof Error ? result : answer(teamId, result);
    });
  }

  const capability: TeamCapability = {
    async query(queries, ctx) {
      const listing = directory.allTeams(ctx.signal, true);
      return settleEach(queries, async (q) => {
        const names = q.names?.map((n) => n.toLowerCase());
        const teams = (await listing)
          .filter((t) => !names || names.includes(t.name.toLowerCase()))
          .filter((t) => matchesText(q.query, t.name, t.description))
          .map(toTeam);
        return keysetPage(teams, q, LIST_ORDERS.teams);
      });
    },

    async getMany(ids, ctx) {
      return fanOut(ids, FAN_OUT, async (id) => {
        const body = await http.get<{ team: PdTeam }>(`/teams/${encodeURIComponent(id)}`, signalOf(ctx.signal));
        return toTeam(body.team);
      });
    },

    async members(teamIds, ctx): Promise<Result<TeamMember[]>[]> {
      let onCalls: Map<string, PdOnCall[]>;
      try {
        // The gateway's clock says what "now" is, as it does for when a shift has ended.
        const now = pdTime(Date.now());
        onCalls = await onCallsByTeam(teamIds, ctx.signal, { since: now, until: now });
      } catch (err) {
        return teamIds.map(() => (err instanceof Error ? err : new Error(String(err))));
      }
      return fanOut(teamIds, FAN_OUT, async (teamId) => {
        const members = await listAll<PdMember>(
          http,
          `/teams/${encodeURIComponent(teamId)}/members`,
          'members',
          { 'include[]': ['users'] },
          ctx.signal,
        );
        return membersWithOnCall(members, onCalls.get(teamId) ?? []);
      });
    },

    async membersByReference(references, ctx): Promise<Result<ReferencedMembers>[]> {
      return byReference(
        references,
        ctx.signal,
        (ids) => capability.members(ids, ctx),
        (teamId, members) => ({
          teamId,
          members,
        }),
      );
    },

    async nextOnCallByReference(references, ctx): Promise<Result<ReferencedShifts>[]> {
      const next = capability.nextOnCall as NonNullable<TeamCapability['nextOnCall']>;
      return byReference(
        references,
        ctx.signal,
        (ids) => next(ids, ctx),
        (teamId, shifts) => ({ teamId, shifts }),
      );
    },

    async nextOnCall(teamIds, ctx): Promise<Result<OnCallShift[]>[]> {
      const now = Date.now();
      try {
        const window = { since: pdTime(now), until: pdTime(now + NEXT_ON_CALL_HORIZON_MS) };
        const onCalls = await onCallsByTeam(teamIds, ctx.signal, window);
        return teamIds.map((teamId) => nextShifts(onCalls.get(teamId) ?? [], now));
      } catch (err) {
        return teamIds.map(() => (err instanceof Error ? err : new Error(String(err))));
      }
    },
  };
  return capability;
}

/** PagerDuty's own second-precision time format. */
function pdTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function runningAt(onCall: PdOnCall, now: number): boolean {
  return (!onCall.start || Date.parse(onCall.start) <= now) && (!onCall.end || Date.parse(onCall.end) > now);
}

/** Per (policy, level), the first shift that starts after `now`; earliest first. */
function nextShifts(onCalls: readonly PdOnCall[], now: number): OnCallShift[] {
  const current = onCalls.filter((o) => runningAt(o, now));
  const firsts = new Map<string, PdOnCall>();
  for (const onCall of onCalls) {
    if (!onCall.start || Date.parse(onCall.start) <= now) continue;
    const slot = `${onCall.escalation_policy.id}\u0000${onCall.escalation_level}`;
    const first = firsts.get(slot);
    if (!first || Date.parse(onCall.start) < Date.parse(first.start as string)) firsts.set(slot, onCall);
  }
  const seen = new Set<string>();
  const shifts: OnCallShift[] = [];
  for (const onCall of firsts.values()) {
    const role = onCallRole(onCall.escalation_level);
    const start = onCall.start as string;
    const key = `${onCall.user.id}\u0000${role}\u0000${start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const standing = onCallStanding(current.filter((o) => o.user.id === onCall.user.id));
    shifts.push({ member: toMember(onCall.user, null, standing), role, start, end: onCall.end ?? null });
  }
  return shifts.sort(
    (a, b) =>
      Date.parse(a.start) - Date.parse(b.start) ||
      rank(a.role) - rank(b.role) ||
      a.member.name.localeCompare(b.member.name),
  );
}

interface Standing {
  level: number;
  /** When the on-call at that level ends; null when it does not. */
  until: string | null;
}

/** A person's highest on-call level among running on-calls, and until when they hold it. */
function onCallStanding(onCalls: readonly PdOnCall[]): Standing | undefined {
  let standing: Standing | undefined;
  for (const onCall of onCalls) {
    const until = onCall.end ?? null;
    if (!standing || onCall.escalation_level < standing.level) {
      standing = { level: onCall.escalation_level, until };
    } else if (onCall.escalation_level === standing.level && standing.until !== null) {
      // Two on-calls at the same level (two policies): on call until the later one ends.
      standing.until = until === null || Date.parse(until) > Date.parse(standing.until) ? until : standing.until;
    }
  }
  return standing;
}

/** Members first, then anyone on call for the team who is not a member; highest role first. */
function membersWithOnCall(members: PdMember[], onCalls: PdOnCall[]): TeamMember[] {
  const byUser = new Map<string, { user: PdUser; onCalls: PdOnCall[] }>();
  for (const onCall of onCalls) {
    const entry = byUser.get(onCall.user.id) ?? { user: onCall.user, onCalls: [] };
    entry.onCalls.push(onCall);
    byUser.set(onCall.user.id, entry);
  }
  const standingOf = (id: string) => onCallStanding(byUser.get(id)?.onCalls ?? []);
  const out: TeamMember[] = members.map((m) => toMember(m.user, m.role ?? null, standingOf(m.user.id)));
  const memberIds = new Set(members.map((m) => m.user.id));
  for (const [id, { user }] of byUser) {
    if (!memberIds.has(id)) out.push(toMember(user, null, standingOf(id)));
  }
  return out.sort(
    (a, b) =>
      rank(a.onCallRole) - rank(b.onCallRole) || a.name.localeCompare(b.name) || ((a.id ?? '') < (b.id ?? '') ? -1 : 1),
  );
}

function rank(role: string | null | undefined): number {
  if (!role) return Number.POSITIVE_INFINITY;
  const index = LEVEL_ROLES.indexOf(role);
  return index >= 0 ? index : Number(role.replace('level-', '')) - 1;
}

function toMember(user: PdUser, role: string | null, standing: Standing | undefined): TeamMember {
  return {
    id: user.id,
    name: user.name ?? user.summary ?? user.id,
    email: user.email ?? null,
    role,
    onCallRole: standing ? onCallRole(standing.level) : null,
    onCallUntil: standing?.until ?? null,
    url: user.html_url ?? null,
  };
}

function signalOf(signal?: AbortSignal) {
  return signal ? { signal } : {};
}
