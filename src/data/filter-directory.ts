/**
 * The gateway's side of the shared filter predicate (adapters/contract/filters.ts): before an
 * incident that arrived as an event is matched, the names the predicate will look up (its service,
 * the teams involved, its assignees) are resolved through the service and team providers, cached
 * in the request like every read, so `incidentUpdated(filter)` means what `incidents(filter)` means.
 */
import type * as m from '../../adapters/contract/index.js';
import type { RequestData } from './floor.js';
import type { IncidentNode } from './models.js';

/** Teams asked for their members when an assignee filter names someone by handle or email. */
const PEOPLE_TEAMS = 100;

/** A lookup that fails (no such provider, a provider error) leaves the name unresolved. */
async function settle<T>(lookup: () => T | null | Promise<T | null>): Promise<T | null> {
  try {
    return await lookup();
  } catch {
    return null;
  }
}

const lower = (name: string) => name.toLowerCase();

/**
 * The incident as the predicate sees it (its service by canonical name) and a directory that
 * answers every name the predicate will ask about for this incident and query.
 */
export async function filterView(
  data: RequestData,
  incident: IncidentNode,
  query: m.IncidentFilter,
): Promise<{ incident: IncidentNode; directory: m.FilterDirectory }> {
  const service = incident.service ? data.services.canonicalName(incident.provider, incident.service) : null;
  const services = new Map<string, m.DirectoryService>();
  await Promise.all(
    [service, query.scope?.service].map(async (name) => {
      if (!name) return;
      const found = await settle(() => data.services.byName(name));
      if (found) services.set(lower(name), found);
    }),
  );

  const teams = new Map<string, string>();
  const teamNames = [incident.team, service ? services.get(lower(service))?.team : null, query.scope?.team];
  await Promise.all(
    teamNames.map(async (name) => {
      if (!name) return;
      const found = await settle(() => data.teams.byName(name));
      if (found) teams.set(lower(name), found.name);
    }),
  );

  const people = new Map<string, string[]>();
  const wanted = (query.assignees ?? []).map(lower);
  if (wanted.length > 0 && !incident.assignees.some((a) => wanted.includes(lower(a)))) {
    for (const member of await everyMember(data)) {
      const keys = [member.email, member.handle].filter((k): k is string => !!k);
      people.set(lower(member.name), [...(people.get(lower(member.name)) ?? []), ...keys]);
    }
  }

  return {
    incident: { ...incident, service },
    directory: {
      service: (name) => services.get(lower(name)),
      team: (name) => teams.get(lower(name)),
      person: (name) => people.get(lower(name)) ?? [],
    },
  };
}

/** Members of the first teams the team provider lists: who an assignee filter's handles and emails name. */
async function everyMember(data: RequestData): Promise<m.TeamMember[]> {
  const page = await settle(() => data.teams.list({ first: PEOPLE_TEAMS }));
  if (!page) return [];
  const members = await Promise.all(page.nodes.map((team) => settle(() => data.teams.members(team.provider, team.id))));
  return members.flatMap((list) => list ?? []);
}
