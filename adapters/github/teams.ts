/**
 * The team capability over an organization's teams. Members come from
 * `/orgs/{org}/teams/{slug}/members` read twice per team, once with `role=maintainer` and once
 * for everyone, which gives every member's role without the per-member membership and profile
 * reads OpsOrch's adapter makes. GitHub has no on-call schedule, so nobody is on call here.
 */
import {
  keysetPage,
  LIST_ORDERS,
  matchesText,
  settleEach,
  type TeamCapability,
  type TeamMember,
} from '../contract/index.js';
import { fanOut, pageCounter } from '../http/index.js';
import type { GhTeam, GhUser } from './api.js';
import type { GitHubClient } from './client.js';
import { hasNextLink } from './position.js';
import { malformed } from './tickets.js';

const FAN_OUT = 4;

function toTeam(t: GhTeam) {
  return {
    id: t.slug,
    name: t.name,
    handle: t.slug,
    description: t.description ?? null,
    url: t.html_url ?? null,
    fields: { githubId: t.id, privacy: t.privacy ?? null, parent: t.parent?.slug ?? null },
  };
}

/** An organization's teams and a team's members are read whole, up to `maxPages` pages of 100. */
export function teamCapability(http: GitHubClient, org: string, maxPages: number): TeamCapability {
  async function all<T>(route: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<T[]> {
    const out: T[] = [];
    const nextPage = pageCounter('GitHub', route.split(' ')[1] ?? route, maxPages);
    for (let page = 1; ; page++) {
      nextPage();
      const res = await http.request<T[]>(route, { ...params, per_page: 100, page }, signal);
      if (!Array.isArray(res.data)) throw malformed(route.split(' ')[1] ?? route);
      out.push(...res.data);
      if (!hasNextLink(res.headers.link)) break;
    }
    return out;
  }

  return {
    async query(queries, ctx) {
      let listing: Promise<GhTeam[]> | undefined;
      return settleEach(queries, async (q) => {
        listing ??= all<GhTeam>('GET /orgs/{org}/teams', { org }, ctx.signal);
        const names = q.names?.map((n) => n.toLowerCase());
        const teams = (await listing)
          .map(toTeam)
          .filter((t) => !names || names.includes(t.name.toLowerCase()) || names.includes(t.handle.toLowerCase()))
          .filter((t) => matchesText(q.query, t.name, t.handle, t.description))
          .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
        return keysetPage(teams, q, LIST_ORDERS.teams);
      });
    },

    async getMany(ids, ctx) {
      return fanOut(ids, FAN_OUT, async (slug) => {
        const res = await http.request<GhTeam>(
          'GET /orgs/{org}/teams/{team_slug}',
          { org, team_slug: slug },
          ctx.signal,
        );
        if (typeof res.data?.slug !== 'string') throw malformed('a team');
        return toTeam(res.data);
      });
    },

    async members(teamIds, ctx) {
      return fanOut(teamIds, FAN_OUT, async (slug): Promise<TeamMember[]> => {
        const [everyone, maintainers] = await Promise.all([
          all<GhUser>('GET /orgs/{org}/teams/{team_slug}/members', { org, team_slug: slug, role: 'all' }, ctx.signal),
          all<GhUser>(
            'GET /orgs/{org}/teams/{team_slug}/members',
            { org, team_slug: slug, role: 'maintainer' },
            ctx.signal,
          ),
        ]);
        const lead = new Set(maintainers.map((m) => m.login));
        return everyone
          .map((u) => ({
            id: u.login,
            name: u.login,
            handle: u.login,
            email: null,
            role: lead.has(u.login) ? 'maintainer' : 'member',
            onCallRole: null,
            url: u.html_url ?? null,
          }))
          .sort(
            (a, b) => Number(b.role === 'maintainer') - Number(a.role === 'maintainer') || a.name.localeCompare(b.name),
          );
      });
    },
  };
}
