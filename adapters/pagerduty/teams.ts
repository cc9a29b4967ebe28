/**
 * The team capability over PagerDuty teams, their members and who is on call now: a team's
 * on-call people are those on call for the team's escalation policies, and their role comes from
 * the escalation level (level 1 is `primary`).
 */
import {
  keysetPage,
  LIST_ORDERS,
  matchesText,
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

export function onCallRole(level: number): string {
  return LEVEL_ROLES[level - 1] ?? `level-${level}`;
}

export function teamCapability(http: PagerDutyHttp, directory: Directory): TeamCapability {
  async function onCallsByTeam(teamIds: readonly string[], signal?: AbortSignal): Promise<Map<string, PdOnCall[]>> {
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
      { 'escalation_policy_ids[]': policies.map((p) => p.id), 'include[]': ['users'], earliest: true },
      signal,
    );
    for (const policy of policies) {
      const owners = (policy.teams ?? []).map((t) => t.id).filter((id) => byTeam.has(id));
      const forPolicy = onCalls.filter((o) => o.escalation_policy.id === policy.id);
      for (const owner of owners) byTeam.get(owner)?.push(...forPolicy);
    }
    return byTeam;
  }

  return {
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
        onCalls = await onCallsByTeam(teamIds, ctx.signal);
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
  };
}

/** Members first, then anyone on call for the team who is not a member; highest role first. */
function membersWithOnCall(members: PdMember[], onCalls: PdOnCall[]): TeamMember[] {
  const levels = new Map<string, number>();
  const users = new Map<string, PdUser>();
  for (const onCall of onCalls) {
    const level = Math.min(levels.get(onCall.user.id) ?? Number.POSITIVE_INFINITY, onCall.escalation_level);
    levels.set(onCall.user.id, level);
    users.set(onCall.user.id, onCall.user);
  }
  const out: TeamMember[] = members.map((m) => toMember(m.user, m.role ?? null, levels.get(m.user.id)));
  const memberIds = new Set(members.map((m) => m.user.id));
  for (const [id, user] of users) {
    if (!memberIds.has(id)) out.push(toMember(user, null, levels.get(id)));
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

function toMember(user: PdUser, role: string | null, level: number | undefined): TeamMember {
  return {
    id: user.id,
    name: user.name ?? user.summary ?? user.id,
    email: user.email ?? null,
    role,
    onCallRole: level === undefined ? null : onCallRole(level),
    url: user.html_url ?? null,
  };
}

function signalOf(signal?: AbortSignal) {
  return signal ? { signal } : {};
}
