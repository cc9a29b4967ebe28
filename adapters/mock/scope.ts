/** Matching records against the filters every query shares. */
import {
  assigneesMatch,
  badInput,
  type FilterDirectory,
  inScope as inScopeOf,
  type Placed,
  type Scope,
  type TimeRange,
} from '../contract/index.js';
import type { World } from './world/index.js';
import type { ServiceRecord } from './world/services.js';
import type { TeamRecord } from './world/teams.js';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A service by canonical name or any alias, case-insensitively. */
export function findService(world: World, name: string | null | undefined): ServiceRecord | undefined {
  if (!name) return undefined;
  return world.services.find((r) => same(r.service.name, name) || (r.service.aliases ?? []).some((a) => same(a, name)));
}

/** A team by name or handle, case-insensitively. */
export function findTeam(world: World, value: string | null | undefined): TeamRecord | undefined {
  if (!value) return undefined;
  return world.teams.find((r) => same(r.team.name, value) || (r.team.handle ? same(r.team.handle, value) : false));
}

/** The world as a filter directory: services by name or alias, teams by name or handle, people by any name. */
export function worldDirectory(world: World): FilterDirectory {
  return {
    service: (name) => findService(world, name)?.service,
    team: (name) => findTeam(world, name)?.team.name,
    person: (name) =>
      world.teams.flatMap((team) =>
        team.members
          .filter((member) => same(member.name, name))
          .flatMap((member) => [member.email, member.handle].filter((k): k is string => !!k)),
      ),
  };
}

export function inScope(world: World, record: Placed, scope: Scope | undefined): boolean {
  return inScopeOf(record, scope, worldDirectory(world));
}

/** The catalogue services a scope selects (for logs and metrics, which are per service). */
export function servicesInScope(world: World, scope: Scope | undefined): ServiceRecord[] {
  return world.services.filter((r) =>
    inScope(world, { service: r.service.name, environment: r.service.environment }, scope),
  );
}

export interface Range {
  start: number;
  end: number;
}

export function parseRange(range: TimeRange, field: string): Range {
  const start = Date.parse(range.start);
  const end = Date.parse(range.end);
  if (Number.isNaN(start)) throw badInput(`${field}.start is not a valid timestamp`);
  if (Number.isNaN(end)) throw badInput(`${field}.end is not a valid timestamp`);
  if (start > end) throw badInput(`${field}.start must not be after ${field}.end`);
  return { start, end };
}

export function within(at: string, range: Range | undefined): boolean {
  if (!range) return true;
  const t = Date.parse(at);
  return t >= range.start && t <= range.end;
}

/** Whether [start, end ?? forever] touches the range. */
export function overlaps(start: string, end: string | null | undefined, range: Range | undefined): boolean {
  if (!range) return true;
  return Date.parse(start) <= range.end && (end ? Date.parse(end) : Number.POSITIVE_INFINITY) >= range.start;
}

export function assigneeMatches(
  world: World,
  assignees: readonly (string | null | undefined)[],
  wanted: readonly string[] | undefined,
): boolean {
  return assigneesMatch(assignees, wanted, worldDirectory(world));
}

/** A person by name, handle or email, to store them the way generated records do (by name). */
export function canonicalPerson(world: World, value: string): string {
  for (const team of world.teams) {
    for (const member of team.members) {
      if ([member.name, member.handle, member.email].some((k) => k && same(k, value))) return member.name;
    }
  }
  return value;
}
