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

/**
 * The catalogue by every name it answers to, lower-cased: every record of every query is placed by
 * its service and team, and finding them by scanning the catalogue with a case-insensitive compare
 * per name was most of the mock's filtering work (some 14,000 `toLowerCase` calls per incident
 * page). The catalogue is generated once and never changes; the first record a name matches wins,
 * as with a scan in catalogue order.
 */
interface Names {
  services: Map<string, ServiceRecord>;
  teams: Map<string, TeamRecord>;
  directory: FilterDirectory;
}

const namesOfWorld = new WeakMap<World, Names>();

function namesOf(world: World): Names {
  let names = namesOfWorld.get(world);
  if (!names) {
    const services = new Map<string, ServiceRecord>();
    for (const r of world.services) {
      for (const name of [r.service.name, ...(r.service.aliases ?? [])]) {
        const key = name.toLowerCase();
        if (!services.has(key)) services.set(key, r);
      }
    }
    const teams = new Map<string, TeamRecord>();
    for (const r of world.teams) {
      for (const name of [r.team.name, r.team.handle]) {
        const key = name?.toLowerCase();
        if (key !== undefined && !teams.has(key)) teams.set(key, r);
      }
    }
    names = { services, teams, directory: directoryOf(world, services, teams) };
    namesOfWorld.set(world, names);
  }
  return names;
}

/** A service by canonical name or any alias, case-insensitively. */
export function findService(world: World, name: string | null | undefined): ServiceRecord | undefined {
  if (!name) return undefined;
  return namesOf(world).services.get(name.toLowerCase());
}

/** A team by name or handle, case-insensitively. */
export function findTeam(world: World, value: string | null | undefined): TeamRecord | undefined {
  if (!value) return undefined;
  return namesOf(world).teams.get(value.toLowerCase());
}

/** The world as a filter directory: services by name or alias, teams by name or handle, people by any name. */
export function worldDirectory(world: World): FilterDirectory {
  return namesOf(world).directory;
}

function directoryOf(
  world: World,
  services: ReadonlyMap<string, ServiceRecord>,
  teams: ReadonlyMap<string, TeamRecord>,
): FilterDirectory {
  return {
    service: (name) => services.get(name.toLowerCase())?.service,
    team: (name) => teams.get(name.toLowerCase())?.team.name,
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
